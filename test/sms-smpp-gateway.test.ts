import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EXERCISE_MARK, SmppClient, SmscSimulator, type SmppClientOptions, type SmscSimulatorOptions } from '../src/modules/sms/index.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';

// Real sockets on random ports: the simulator is a real SMPP server and the client a real SMPP client.
const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open.reverse()) await o.close();
});

async function pair(sim: SmscSimulatorOptions = {}, client: Partial<SmppClientOptions> = {}) {
  const s = await SmscSimulator.start({ seed: 1, ...sim });
  open.push(s);
  const c = await SmppClient.open({
    host: '127.0.0.1', port: s.port, systemId: 'mobilize', password: 'secret', sourceAddr: 'MOBILIZE',
    channel: { name: 'kcell-live', exercise: false }, reconnectInitialDelayMs: 30, ...client,
  });
  open.push(c);
  return { sim: s, client: c };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const LONG_KAZAKH_RUSSIAN =
  'ПОВЕСТКА. Вам необходимо явиться в местный орган военного управления Бостандыкского района г. Алматы 02.02.2026 в 09:00 ' +
  'для медицинского освидетельствования. ШАҚЫРУ ҚАҒАЗЫ. Сізге 02.02.2026 сағат 09:00-де Алматы қаласы Бостандық ауданының ' +
  'жергілікті әскери басқару органына медициналық куәландырудан өту үшін келу қажет. Код: 7KQ-XM4-R2T';

test('bind, submit_sm, and a delivery receipt correlated by message id', async () => {
  const { sim, client } = await pair({ clock: fixedClock('2026-01-29T05:00:00Z') });
  const r = await client.send({ to: '+77011234567', text: 'Test summons', exercise: false });
  assert.equal(r.messageIds.length, 1);
  assert.equal(r.encoding, 'gsm7');
  const receipts = await client.waitForReceipts(r.messageIds, 2000);
  const receipt = receipts.get(r.messageIds[0] as string);
  assert.equal(receipt?.status, 'delivered');
  assert.equal(receipt?.destination, '77011234567');
  assert.deepEqual(receipt?.doneAt, new Date('2026-01-29T05:00:00Z'), 'receipt dates read back from Kazakhstan time');
  assert.deepEqual(sim.messages.map((m) => [m.destination, m.source, m.text]), [['77011234567', 'MOBILIZE', 'Test summons']]);
});

test('a long Kazakh/Russian text goes as concatenated UCS-2 parts and is reassembled by the SMSC', async () => {
  const { sim, client } = await pair();
  const r = await client.send({ to: '+77011234567', text: LONG_KAZAKH_RUSSIAN, exercise: false });
  assert.equal(r.encoding, 'ucs2');
  assert.equal(r.messageIds.length, Math.ceil(LONG_KAZAKH_RUSSIAN.length / 67));
  assert.equal(sim.messages.length, 1);
  assert.equal(sim.messages[0]?.text, LONG_KAZAKH_RUSSIAN);
  assert.deepEqual(sim.messages[0]?.messageIds, r.messageIds);
  const receipts = await client.waitForReceipts(r.messageIds, 2000);
  assert.deepEqual([...receipts.values()].map((x) => x.status), r.messageIds.map(() => 'delivered'));
});

test('failure and drop shares are drawn from the seed; the client sees exactly what the simulator decided', async () => {
  const { sim, client } = await pair({ seed: 42, failShare: 0.2, dropShare: 0.1 });
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) ids.push(...(await client.send({ to: `+7701000${String(i).padStart(4, '0')}`, text: `msg ${i}`, exercise: false })).messageIds);
  const receipts = await client.waitForReceipts(ids, 500); // dropped ones never come: the wait ends at the timeout
  const seen = ids.map((id) => receipts.get(id)?.status ?? 'dropped');
  const decided = sim.submissions.map((s) => s.outcome);
  assert.deepEqual(seen, decided);
  const count = (o: string) => decided.filter((d) => d === o).length;
  // Pinned for seed 42: a change in the generator or in the draw order shows up here.
  assert.deepEqual({ delivered: count('delivered'), undeliverable: count('undeliverable'), dropped: count('dropped') }, { delivered: 43, undeliverable: 9, dropped: 8 });
  const again = await SmscSimulator.start({ seed: 42, failShare: 0.2, dropShare: 0.1 });
  open.push(again);
  const c2 = await SmppClient.open({ host: '127.0.0.1', port: again.port, systemId: 'm', password: 'p', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false } });
  open.push(c2);
  for (let i = 0; i < 60; i++) await c2.send({ to: '+77010000000', text: 'again', exercise: false });
  assert.deepEqual(again.submissions.map((s) => s.outcome), decided, 'same seed, same outcomes');
});

test('after the SMSC drops the connection the client rebinds; a receipt owed on the old connection arrives on the new one', async () => {
  const { sim, client } = await pair({ delayMs: 300 });
  const first = await client.send({ to: '+77011234567', text: 'before the drop', exercise: false });
  sim.dropConnections();
  await until(() => client.state !== 'bound');
  const queued = client.send({ to: '+77011234567', text: 'sent while reconnecting', exercise: false });
  const second = await queued;
  assert.equal(client.state, 'bound');
  assert.equal(sim.binds, 2);
  const receipts = await client.waitForReceipts([...first.messageIds, ...second.messageIds], 3000);
  assert.equal(receipts.get(first.messageIds[0] as string)?.status, 'delivered');
  assert.equal(receipts.get(second.messageIds[0] as string)?.status, 'delivered');
  assert.deepEqual(sim.messages.map((m) => m.text), ['before the drop', 'sent while reconnecting']);
});

test('a submit in flight when the connection drops is rejected as retryable, not silently resent', async () => {
  const { sim, client } = await pair({ respondDelayMs: 200 });
  const pending = client.send({ to: '+77011234567', text: 'in flight', exercise: false });
  await new Promise((r) => setTimeout(r, 50));
  sim.dropConnections();
  await assert.rejects(pending, (e) => isDomainError(e, 'SMS_SUBMIT_FAILED') && e.details.retryable === true && (e.details.causes as string[])[0] === 'SMS_CONNECTION_LOST');
  await client.whenBound();
  assert.equal(sim.submissions.length, 1);
});

test('the rate cap spaces submits: 20 messages at 50/s take at least 19 × 20 ms', async () => {
  const { sim, client } = await pair({}, { ratePerSecond: 50 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => client.send({ to: '+77011234567', text: `rate ${i}`, exercise: false })));
  const times = sim.submissions.map((s) => s.receivedAtMs);
  const span = (times[times.length - 1] as number) - (times[0] as number);
  assert.ok(span >= 19 * 20 * 0.95, `20 submits arrived within ${span} ms`);
});

test('the window bounds unanswered submits, and is used in full', async () => {
  const { sim, client } = await pair({ respondDelayMs: 40 }, { window: 4 });
  await Promise.all(Array.from({ length: 24 }, (_, i) => client.send({ to: '+77011234567', text: `window ${i}`, exercise: false })));
  assert.equal(sim.submissions.length, 24);
  assert.equal(sim.maxOutstanding, 4);
});

test('a response slower than the reply timeout fails the send as retryable', async () => {
  const { client } = await pair({ respondDelayMs: 400 }, { replyTimeoutMs: 100 });
  await assert.rejects(client.send({ to: '+77011234567', text: 'slow', exercise: false }), (e) => isDomainError(e, 'SMS_SUBMIT_FAILED') && (e.details.causes as string[])[0] === 'SMS_REPLY_TIMEOUT' && e.details.retryable === true);
});

test('a refused bind is reported, naming the system id', async () => {
  const sim = await SmscSimulator.start({ accounts: { mobilize: 'right' } });
  open.push(sim);
  await assert.rejects(
    SmppClient.open({ host: '127.0.0.1', port: sim.port, systemId: 'mobilize', password: 'wrong', sourceAddr: 'X', channel: { name: 'live', exercise: false } }),
    (e) => isDomainError(e, 'SMS_BIND_FAILED') && /"mobilize"/.test(e.message),
  );
});

test('exercise gate: exercise messages only on exercise channels, real ones only on live channels, mark agreeing with the flag', async () => {
  const live = await pair();
  const drill = await pair({}, { channel: { name: 'exercise-sim', exercise: true } });
  const marked = `${EXERCISE_MARK}. Повестка: явиться 02.02.2026 в 09:00.`;
  const refusals: [SmppClient, { text: string; exercise: boolean }, string][] = [
    [live.client, { text: marked, exercise: true }, 'SMS_EXERCISE_ON_LIVE_CHANNEL'],
    [drill.client, { text: 'Повестка: явиться 02.02.2026 в 09:00.', exercise: false }, 'SMS_LIVE_ON_EXERCISE_CHANNEL'],
    [drill.client, { text: 'Повестка без отметки', exercise: true }, 'SMS_EXERCISE_MARK_MISSING'],
    [live.client, { text: marked, exercise: false }, 'SMS_EXERCISE_MARK_ON_LIVE'],
  ];
  for (const [client, msg, code] of refusals) {
    await assert.rejects(client.send({ to: '+77011234567', ...msg }), (e) => isDomainError(e, code) && /refused/.test(e.message), code);
  }
  assert.equal(live.sim.submissions.length + drill.sim.submissions.length, 0, 'nothing refused reached an SMSC');
  await drill.client.send({ to: '+77011234567', text: marked, exercise: true });
  assert.deepEqual(drill.sim.messages.map((m) => m.text), [marked]);
});

test('close waits for every submit in flight, then unbinds', async () => {
  const { sim, client } = await pair({ respondDelayMs: 60 }, { window: 2 });
  const sends = [client.send({ to: '+77011234567', text: 'one', exercise: false }), client.send({ to: '+77011234567', text: 'two', exercise: false })];
  await new Promise((r) => setTimeout(r, 20));
  await client.close();
  const results = await Promise.all(sends);
  assert.equal(results.length, 2);
  assert.equal(client.state, 'closed');
  assert.equal(sim.submissions.length, 2);
  await assert.rejects(client.send({ to: '+77011234567', text: 'late', exercise: false }), (e) => isDomainError(e, 'SMS_CLIENT_CLOSED'));
});

test('an exercise channel binds only to an SMSC that answers as an exercise SMSC; a live one is refused before anything is sent', async () => {
  const live = await SmscSimulator.start({ seed: 2, answerAs: 'OPERATOR-SMSC' });
  open.push(live);
  await assert.rejects(
    SmppClient.open({ host: '127.0.0.1', port: live.port, systemId: 'mobilize-exercise', password: '', sourceAddr: 'MOBILIZE', channel: { name: 'exercise:wrong', exercise: true }, reconnectInitialDelayMs: 30 }),
    (e: unknown) => isDomainError(e, 'SMS_EXERCISE_CHANNEL_NOT_EXERCISE_SMSC') && /OPERATOR-SMSC/.test((e as Error).message),
  );
  assert.equal(live.submissions.length, 0);
  const { client } = await pair({}, { channel: { name: 'exercise:sim', exercise: true } });
  assert.equal(client.state, 'bound', 'the simulator answers as an exercise SMSC');
  const liveClient = await SmppClient.open({ host: '127.0.0.1', port: live.port, systemId: 'mobilize', password: '', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false } });
  open.push(liveClient);
  assert.equal(liveClient.state, 'bound', 'a live channel binds to a live SMSC as before');
});
