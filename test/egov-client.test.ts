import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { EgovClient, EgovSimulator, EXERCISE_MARK, checkEgovExerciseGate, type EgovClientOptions, type EgovPost, type EgovSimulatorOptions } from '../src/modules/egov/index.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => undefined);
});

async function sim(o: EgovSimulatorOptions = {}): Promise<EgovSimulator> {
  const s = await EgovSimulator.start({ seed: 3, clock, token: 'secret', ...o });
  open.push(s);
  return s;
}

function client(s: { url: string }, over: Partial<EgovClientOptions> = {}): EgovClient {
  const c = new EgovClient({ url: s.url, token: 'secret', channel: { name: 'live', exercise: false }, timeoutMs: 2000, ...over });
  open.push(c);
  return c;
}

let k = 0;
const message = (over: Partial<EgovPost> = {}): EgovPost => ({ recipientIin: '980305300011', title: 'Повестка', body: 'Явиться 01.12.2026', exercise: false, idempotencyKey: `key-${++k}`, ...over });
const code = (c: string, retryable?: boolean) => (e: unknown) => isDomainError(e, c) && (retryable === undefined || e.details.retryable === retryable);

test('post then status over HTTP: posted, and read once the delay has passed', async () => {
  const s = await sim({ readDelayMs: 150 });
  const c = client(s);
  const p = await c.post(message());
  assert.equal(p.created, true);
  assert.equal(p.postedAt.toISOString(), clock.now().toISOString());
  assert.deepEqual(s.messages.map((m) => m.messageId), [p.messageId]);
  assert.equal((await c.status(p.messageId)).status, 'posted');
  await new Promise((r) => setTimeout(r, 200));
  const st = await c.status(p.messageId);
  assert.equal(st.status, 'read');
  assert.equal(st.readAt?.toISOString(), new Date(clock.now().getTime() + 150).toISOString());
});

test('a seeded share of messages is reported unread, the rest read', async () => {
  const s = await sim({ unreadShare: 0.5, seed: 9 });
  const c = client(s);
  const ids = [];
  for (let i = 0; i < 20; i++) ids.push((await c.post(message())).messageId);
  const statuses = await Promise.all(ids.map(async (id) => (await c.status(id)).status));
  const unread = statuses.filter((x) => x === 'unread').length;
  assert.ok(unread > 0 && unread < 20, `${unread} unread`);
  assert.equal(unread, s.messages.filter((m) => m.fate === 'unread').length);
  assert.equal(statuses.filter((x) => x === 'read').length, 20 - unread);
});

test('a repeated post with the same key finds the first message instead of making a second', async () => {
  const s = await sim();
  const c = client(s);
  const m = message();
  const first = await c.post(m);
  const again = await c.post(m);
  assert.equal(again.messageId, first.messageId);
  assert.equal(again.created, false);
  assert.equal(s.messages.length, 1);
  // The same key for another message is a caller's bug, refused rather than answered with the wrong message.
  await assert.rejects(c.post({ ...m, body: 'something else' }), code('EGOV_REJECTED', false));
  assert.equal(s.messages.length, 1);
});

test('5xx answers are retryable, and repeating with the key ends with exactly one message each', async () => {
  const s = await sim({ failShare: 0.3, lostReplyShare: 0.3, seed: 21 });
  const c = client(s);
  let retries = 0;
  for (let i = 0; i < 15; i++) {
    const m = message();
    for (;;) {
      try {
        await c.post(m);
        break;
      } catch (e) {
        assert.ok(code('EGOV_UNAVAILABLE', true)(e), String(e));
        retries++;
      }
    }
  }
  assert.ok(s.posts.some((p) => p.outcome === 'failed') && s.posts.some((p) => p.outcome === 'lost_reply'), JSON.stringify(s.posts.map((p) => p.outcome)));
  assert.equal(retries, s.posts.filter((p) => p.status >= 500).length);
  assert.equal(s.messages.length, 15);
  assert.equal(new Set(s.messages.map((m) => m.idempotencyKey)).size, 15);
});

test('4xx answers are final: bad credentials, no e-Gov account, malformed request, unknown message', async () => {
  const s = await sim({ accounts: ['980305300011'] });
  await assert.rejects(client(s, { token: 'wrong' }).post(message()), (e) => code('EGOV_REJECTED', false)(e) && (e as { details: { status: number } }).details.status === 401);
  const c = client(s);
  await assert.rejects(c.post(message({ recipientIin: '980305300029' })), (e) => code('EGOV_REJECTED', false)(e) && /no_account/.test((e as Error).message));
  await assert.rejects(c.post(message({ recipientIin: '12345' })), (e) => code('EGOV_REJECTED', false)(e) && /recipientIin: must be 12 digits/.test((e as Error).message));
  await assert.rejects(c.status('EG404'), (e) => code('EGOV_REJECTED', false)(e) && (e as { details: { status: number } }).details.status === 404);
  assert.equal(s.messages.length, 0);
});

test('a deadline passed is a retryable timeout; the repeat finds the message the slow answer was about', async () => {
  const s = await sim({ respondDelayMs: 400 });
  const m = message();
  const started = Date.now();
  await assert.rejects(client(s, { timeoutMs: 100 }).post(m), code('EGOV_TIMEOUT', true));
  assert.ok(Date.now() - started < 350, `gave up after ${Date.now() - started} ms`);
  const again = await client(s, { timeoutMs: 2000 }).post(m);
  assert.equal(again.created, false);
  assert.equal(s.messages.length, 1);
});

test('a service that is not there, and one that answers garbage, are retryable', async () => {
  const gone = await sim();
  const url = gone.url;
  await gone.close();
  await assert.rejects(client({ url }).post(message()), code('EGOV_UNREACHABLE', true));
  const junk = createServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":'));
  await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise<void>((r) => { junk.closeAllConnections(); junk.close(() => r()); }) });
  await assert.rejects(client({ url: `http://127.0.0.1:${(junk.address() as AddressInfo).port}` }).post(message()), code('EGOV_BAD_RESPONSE', true));
});

test('the exercise gate: refused before anything is sent, both directions, and the mark must agree with the flag', async () => {
  const s = await sim();
  const live = client(s);
  const drill = client(s, { channel: { name: 'drill', exercise: true } });
  const marked = message({ exercise: true, title: `${EXERCISE_MARK} Повестка`, body: `${EXERCISE_MARK}\nЯвиться` });
  await assert.rejects(live.post(marked), code('EGOV_EXERCISE_ON_LIVE_CHANNEL'));
  await assert.rejects(drill.post(message()), code('EGOV_LIVE_ON_EXERCISE_CHANNEL'));
  await assert.rejects(drill.post({ ...marked, body: 'Явиться' }), code('EGOV_EXERCISE_MARK_MISSING'));
  await assert.rejects(drill.post({ ...marked, title: 'Повестка' }), code('EGOV_EXERCISE_MARK_MISSING'));
  await assert.rejects(live.post(message({ body: `Явиться ${EXERCISE_MARK}` })), code('EGOV_EXERCISE_MARK_ON_LIVE'));
  assert.equal(s.posts.length, 0, 'nothing reached the service');
  const ok = await drill.post(marked);
  assert.equal(s.messages.find((m) => m.messageId === ok.messageId)?.exercise, true);
  assert.throws(() => checkEgovExerciseGate({ name: 'live', exercise: false }, { ...marked }), (e) => isDomainError(e) && !/\d{12}/.test((e as Error).message));
});

test('a closed client refuses new requests; bad configuration is refused at once', async () => {
  const s = await sim();
  const c = client(s);
  await c.close();
  await assert.rejects(c.post(message()), code('EGOV_CLIENT_CLOSED'));
  assert.throws(() => new EgovClient({ url: 'not a url', token: 'x', channel: { name: 'live', exercise: false } }), code('EGOV_BAD_CONFIG'));
  assert.throws(() => new EgovClient({ url: s.url, token: '', channel: { name: 'live', exercise: false } }), code('EGOV_BAD_CONFIG'));
  await assert.rejects(EgovSimulator.start({ failShare: 0.8, lostReplyShare: 0.5 }), code('EGOV_SIM_BAD_OPTION'));
});
