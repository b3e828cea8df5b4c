import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { EgovClient, EgovSimulator, type EgovSimulatorOptions } from '../src/modules/egov/index.ts';
import { SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { checkLedger, dispatchEgov, issuePlan, pollEgovReads, showSummons, startDispatcher, type EgovGateway, type SmsGateway } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { waitFor } from './helpers/wait.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
let db: Db;
const open: { close(): Promise<void> }[] = [];

before(async () => {
  db = await freshDb();
});
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => undefined);
  await db.close();
});

async function egovSim(o: EgovSimulatorOptions = {}): Promise<EgovSimulator> {
  const s = await EgovSimulator.start({ seed: 5, clock, token: 'egov-token', ...o });
  open.push(s);
  return s;
}

function egovGateway(s: EgovSimulator, exercise = false): EgovGateway {
  const client = new EgovClient({ url: s.url, token: 'egov-token', channel: { name: exercise ? 'drill' : 'live', exercise }, timeoutMs: 2000 });
  open.push(client);
  return { client, service: s.url };
}

async function smsGateway(): Promise<SmsGateway> {
  const s = await SmscSimulator.start({ seed: 7, clock });
  open.push(s);
  const client = await SmppClient.open({ host: '127.0.0.1', port: s.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false }, window: 20 });
  open.push(client);
  return { client, smsc: `127.0.0.1:${s.port}` };
}

interface Issued {
  id: string;
  iin: string;
}

/** Issues a plan of `count` fresh officers with an e-Gov account and their mobile on the portal. */
async function issued(name: string, count: number, specialty: string, exercise = false): Promise<Issued[]> {
  await addPeople(db, clock, Array.from({ length: count }, () => officer({ specialty, egov_account: true, mobile_on_egov: true })));
  const planId = await approvedPlan(db, clock, order(name, count, exercise, specialty));
  const r = await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(name) });
  assert.equal(r.queuedEgov, count);
  return db.query<Issued>('SELECT id::text AS id, iin FROM summonses WHERE plan_id = $1 ORDER BY id', [planId]);
}

const ids = (people: readonly Issued[]) => people.map((p) => p.id);
const count = async (sql: string, params: unknown[]): Promise<number> => Number((await db.query<{ n: number }>(sql, params))[0]?.n);
const open_ = (channel: string, people: readonly Issued[]) =>
  count("SELECT count(*)::int AS n FROM summons_outbox WHERE summons_id = ANY($1::bigint[]) AND channel = $2 AND state IN ('pending', 'sending')", [ids(people), channel]);
const unreported = (people: readonly Issued[]) =>
  count(
    `SELECT count(*)::int AS n FROM summons_sms_messages m WHERE m.summons_id = ANY($1::bigint[]) AND NOT EXISTS (
       SELECT 1 FROM summons_ledger l WHERE l.summons_id = m.summons_id AND l.kind = 'sms_delivery_report' AND l.action->>'messageId' = m.message_id)`,
    [ids(people)],
  );
const undecided = (people: readonly Issued[]) =>
  count('SELECT count(*)::int AS n FROM summons_egov_messages WHERE summons_id = ANY($1::bigint[]) AND read_status IS NULL', [ids(people)]);
const ledgerKinds = async (id: string) => (await db.query<{ kind: string }>('SELECT kind FROM summons_ledger WHERE summons_id = $1 ORDER BY seq', [Number(id)])).map((r) => r.kind);
const shown = (id: string) => showSummons(db, id, { actor: 'test', at: clock.now() });

test('SMS and e-Gov end to end: every summons is duly notified with an e-Gov ground, read reported once', async () => {
  const people = await issued('egov-all-read', 8, 'medical');
  const egov = await egovSim({ readDelayMs: 300 });
  const worker = startDispatcher(db, { sms: await smsGateway(), egov: egovGateway(egov) }, { batch: 5, clock, pollMs: 50, readPollMs: 100 });
  await waitFor('sends, receipts and read reports', async () => (await open_('sms', people)) === 0 && (await open_('egov', people)) === 0 && (await unreported(people)) === 0 && (await undecided(people)) === 0);
  await worker.stop();
  assert.equal(egov.messages.length, 8);
  assert.ok(egov.statusChecks > 8, `${egov.statusChecks} status checks: the messages were asked about while still unopened`);
  assert.equal(worker.egovTotals.submitted, 8);
  assert.equal(worker.egovTotals.readReports, 8);
  for (const p of people) {
    const s = await shown(p.id);
    assert.equal(s.state.legal, 'duly_notified', `summons ${p.id}`);
    assert.deepEqual(s.state.grounds.map((g) => g.basis).sort(), ['egov', 'sms']);
    assert.match(s.state.grounds.find((g) => g.basis === 'egov')?.detail ?? '', new RegExp(`e-Gov message to ${p.iin} with SMS notice`));
    const kinds = await ledgerKinds(p.id);
    assert.equal(kinds.filter((k) => k === 'egov_posted').length, 1);
    assert.equal(kinds.filter((k) => k === 'read_status').length, 1, 'the status is recorded when it changes, not on every poll');
    const sent = s.sends.find((x) => x.channel === 'egov');
    assert.equal(sent?.destination, p.iin);
    assert.equal(sent?.state, 'submitted');
    assert.deepEqual(sent?.messageIds, [egov.messages.find((m) => m.recipientIin === p.iin)?.messageId]);
  }
  const audit = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'summons.egov.%'");
  assert.ok(audit.some((a) => a.action === 'summons.egov.dispatch') && audit.some((a) => a.action === 'summons.egov.read_status'));
  assert.equal((await checkLedger(db)).ok, true);
});

test('a message reported unread gives no e-Gov ground; the SMS still stands on its own', async () => {
  const people = await issued('egov-unread', 12, 'engineering');
  const egov = await egovSim({ unreadShare: 0.4, seed: 13 });
  const worker = startDispatcher(db, { sms: await smsGateway(), egov: egovGateway(egov) }, { batch: 6, clock, pollMs: 50, readPollMs: 50 });
  await waitFor('sends, receipts and read reports', async () => (await open_('sms', people)) === 0 && (await open_('egov', people)) === 0 && (await unreported(people)) === 0 && (await undecided(people)) === 0);
  const unread = new Set(egov.messages.filter((m) => m.fate === 'unread').map((m) => m.recipientIin));
  assert.ok(unread.size > 0 && unread.size < 12, `${unread.size} unread`);
  // An unread message stays polled (the person may still open it); asking again must not record it again.
  const checks = egov.statusChecks;
  await waitFor('more polls of the unread messages', async () => egov.statusChecks >= checks + 3 * unread.size);
  await worker.stop();
  for (const p of people) {
    assert.equal((await ledgerKinds(p.id)).filter((k) => k === 'read_status').length, 1, `summons ${p.id}`);
    const f = (await shown(p.id)).state;
    if (unread.has(p.iin)) {
      assert.deepEqual(f.grounds.map((g) => g.basis), ['sms'], `summons ${p.id}`);
      assert.ok(f.notes.includes(`e-Gov message to ${p.iin} was not read`), f.notes.join('; '));
    } else {
      assert.deepEqual(f.grounds.map((g) => g.basis).sort(), ['egov', 'sms'], `summons ${p.id}`);
    }
  }
});

/** Rounds of e-Gov posts until none is queued, making retries due at once instead of after their backoff. */
async function drainEgov(gw: EgovGateway, people: readonly Issued[]): Promise<{ retry: number; failed: number; rounds: number }> {
  const total = { retry: 0, failed: 0, rounds: 0 };
  while ((await open_('egov', people)) > 0) {
    const c = await dispatchEgov(db, gw, { batch: 4, clock });
    total.retry += c.retry;
    total.failed += c.failed;
    total.rounds++;
    await db.query("UPDATE summons_outbox SET available_at = now() WHERE channel = 'egov' AND state = 'pending' AND summons_id = ANY($1::bigint[])", [ids(people)]);
    assert.ok(total.rounds < 100, 'e-Gov dispatch does not converge');
  }
  return total;
}

test('failed posts and lost answers are retried with the same key: one message and one posted entry each', async () => {
  const people = await issued('egov-5xx', 10, 'artillery');
  const egov = await egovSim({ failShare: 0.3, lostReplyShare: 0.25, seed: 17 });
  const r = await drainEgov(egovGateway(egov), people);
  assert.ok(r.retry > 0, 'some posts were retried');
  assert.equal(r.retry, egov.posts.filter((p) => p.status >= 500).length);
  assert.ok(egov.posts.some((p) => p.outcome === 'lost_reply') && egov.posts.some((p) => p.outcome === 'replayed'), 'a lost answer was followed by a replay');
  assert.equal(r.failed, 0);
  assert.equal(egov.messages.length, 10);
  for (const p of people) {
    assert.equal((await ledgerKinds(p.id)).filter((k) => k === 'egov_posted').length, 1, `summons ${p.id}`);
    const sent = (await shown(p.id)).sends.find((x) => x.channel === 'egov');
    assert.equal(sent?.state, 'submitted');
  }
});

test('a post the service refuses (no e-Gov account) fails at once, with no evidence; the others go out', async () => {
  const people = await issued('egov-4xx', 3, 'logistics');
  const without = people[0] as Issued;
  const egov = await egovSim({ accounts: people.slice(1).map((p) => p.iin) });
  const r = await drainEgov(egovGateway(egov), people);
  assert.deepEqual(r, { retry: 0, failed: 1, rounds: 1 });
  const s = await shown(without.id);
  const sent = s.sends.find((x) => x.channel === 'egov');
  assert.equal(sent?.state, 'failed');
  assert.equal(sent?.attempts, 1);
  assert.match(sent?.lastError ?? '', /EGOV_REJECTED.*404.*no_account/);
  assert.ok(!(await ledgerKinds(without.id)).includes('egov_posted'));
  assert.equal(egov.messages.length, 2);
});

test('a dispatcher killed after posting: the next one posts the rest, replays find the first messages, nothing twice', async () => {
  const people = await issued('egov-restart', 16, 'radio');
  const egov = await egovSim({ respondDelayMs: 150, readDelayMs: 0 });
  const batch = 4;
  const first = startDispatcher(db, { egov: egovGateway(egov) }, { batch, clock, leaseMs: 1000, pollMs: 50, readPollMs: 50 });
  await waitFor('first posts', async () => egov.messages.length >= 6, 20_000);
  await first.stop({ abort: true });
  const atStop = egov.messages.length;
  assert.ok(atStop < 16, `stopped after ${atStop} messages`);
  assert.ok((await open_('sms', people)) === 16, 'an e-Gov-only dispatcher leaves the SMS queued');
  const second = startDispatcher(db, { egov: egovGateway(egov) }, { batch, clock, leaseMs: 1000, pollMs: 50, readPollMs: 50 });
  await waitFor('all posted and read', async () => (await open_('egov', people)) === 0 && (await undecided(people)) === 0);
  await second.stop();
  assert.equal(egov.messages.length, 16, 'one message per person');
  assert.ok(egov.posts.some((p) => p.outcome === 'replayed'), 'the unrecorded batch was posted again and found its messages');
  assert.ok(egov.posts.filter((p) => p.outcome === 'replayed').length <= batch, 'repeats stay within the batch in flight');
  for (const p of people) {
    const kinds = await ledgerKinds(p.id);
    assert.equal(kinds.filter((k) => k === 'egov_posted').length, 1, `summons ${p.id}`);
    assert.equal(kinds.filter((k) => k === 'read_status').length, 1, `summons ${p.id}`);
  }
});

test('an exercise summons is refused on a live e-Gov channel and goes out marked through an exercise one', async () => {
  const people = await issued('egov-drill', 2, 'aviation', true);
  const egov = await egovSim();
  const c = await dispatchEgov(db, egovGateway(egov), { batch: 10, clock });
  assert.equal(c.refused, 2);
  assert.equal(egov.posts.length, 0);
  const sent = (await shown(people[0]?.id as string)).sends.find((x) => x.channel === 'egov');
  assert.equal(sent?.state, 'refused');
  assert.match(sent?.lastError ?? '', /EGOV_EXERCISE_ON_LIVE_CHANNEL/);
  await db.query("UPDATE summons_outbox SET state = 'pending', available_at = now() WHERE channel = 'egov' AND summons_id = ANY($1::bigint[])", [ids(people)]);
  assert.equal((await dispatchEgov(db, egovGateway(egov, true), { batch: 10, clock })).submitted, 2);
  assert.ok(egov.messages.every((m) => m.exercise && m.title.startsWith('УЧЕНИЯ / ЖАТТЫҒУ / EXERCISE') && m.body.startsWith('УЧЕНИЯ / ЖАТТЫҒУ / EXERCISE')));
});

test('too late to post: the three-day rule is checked at dispatch, and reads are not polled after the appearance', async () => {
  const people = await issued('egov-late', 2, 'engineering');
  const egov = await egovSim();
  const late = fixedClock('2026-11-29T06:00:00Z');
  assert.equal((await dispatchEgov(db, egovGateway(egov), { batch: 10, clock: late })).too_late, 2);
  assert.equal(egov.posts.length, 0);
  await db.query("UPDATE summons_outbox SET state = 'pending', available_at = now() WHERE channel = 'egov' AND summons_id = ANY($1::bigint[])", [ids(people)]);
  const gw = egovGateway(egov);
  assert.equal((await dispatchEgov(db, gw, { batch: 10, clock, readPollMs: 0 })).submitted, 2);
  assert.equal((await pollEgovReads(db, gw, { batch: 10, clock: fixedClock('2026-12-01T05:00:00Z'), readPollMs: 0 })).checked, 0);
  assert.equal((await pollEgovReads(db, gw, { batch: 10, clock, readPollMs: 0 })).recorded, 2);
});
