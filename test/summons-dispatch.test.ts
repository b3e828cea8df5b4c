import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { SmppClient, SmscSimulator, type SmscSimulatorOptions } from '../src/modules/sms/index.ts';
import { SMS_PIPELINE, applyReceipts, dispatchPending, issuePlan, receiptInbox, showSummons, startDispatcher, summonsProof, type SmsGateway } from '../src/modules/summons/index.ts';
import { freshDb, outageSwitch } from './helpers/db.ts';
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

async function sim(o: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  const s = await SmscSimulator.start({ seed: 7, clock, ...o });
  open.push(s);
  return s;
}

async function gateway(s: SmscSimulator, exercise = false): Promise<SmsGateway> {
  const client = await SmppClient.open({ host: '127.0.0.1', port: s.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: exercise ? 'drill' : 'live', exercise }, window: 20 });
  open.push(client);
  return { client, smsc: `127.0.0.1:${s.port}` };
}

/** Issues a plan of `count` fresh officers of one specialty; returns the summons ids with each one's number. */
async function issued(id: string, count: number, specialty: string, exercise = false): Promise<{ id: string; mobile: string }[]> {
  await addPeople(db, clock, Array.from({ length: count }, () => officer({ specialty })));
  const planId = await approvedPlan(db, clock, order(id, count, exercise, specialty));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(id) });
  return db.query<{ id: string; mobile: string }>("SELECT s.id::text AS id, o.destination AS mobile FROM summonses s JOIN summons_outbox o ON o.summons_id = s.id AND o.channel = 'sms' WHERE s.plan_id = $1 ORDER BY s.id", [planId]);
}

/**
 * Nothing of these summonses is left to send, and every recorded SMSC message id has its receipt in the ledger (e-Gov
 * rows are not sent here). One statement, so both are read at one moment: read apart, a send recorded between the
 * two reads would be counted as sent yet not looked at for its receipt.
 */
async function allReported(ids: readonly string[]): Promise<boolean> {
  const [r] = await db.query<{ unreported: number; pending: number }>(
    `SELECT (SELECT count(*)::int FROM summons_sms_messages m
              WHERE m.summons_id = ANY($1::bigint[]) AND NOT EXISTS (
                SELECT 1 FROM summons_ledger l WHERE l.summons_id = m.summons_id AND l.kind = 'sms_delivery_report' AND l.action->>'messageId' = m.message_id)) AS unreported,
            (SELECT count(*)::int FROM summons_outbox
              WHERE summons_id = ANY($1::bigint[]) AND channel = 'sms' AND state IN ('pending', 'sending')) AS pending`,
    [ids],
  );
  return r?.unreported === 0 && r.pending === 0;
}

const legal = async (id: string) => (await showSummons(db, id, { actor: 'test', at: clock.now() })).state.legal;

test('all delivered: every summons is duly notified, derived from the stored evidence', async () => {
  const people = await issued('all-ok', 12, 'medical');
  const s = await sim();
  const gw = await gateway(s);
  const inbox = receiptInbox(db, gw, clock);
  while ((await dispatchPending(db, gw, { batch: 5, clock })).claimed > 0);
  const ids = people.map((p) => p.id);
  await waitFor('receipts', async () => {
    await applyReceipts(db, clock);
    return allReported(ids);
  });
  await inbox.stop();
  assert.equal(s.messages.length, 12);
  for (const p of people) assert.equal(await legal(p.id), 'duly_notified', `summons ${p.id}`);
});

test('a seeded share of failures: exactly those people are not notified', async () => {
  const people = await issued('some-fail', 20, 'engineering');
  const s = await sim({ failShare: 0.3, seed: 11 });
  const worker = startDispatcher(db, { sms: await gateway(s) }, { batch: 8, clock, pollMs: 50 });
  await waitFor('receipts', () => allReported(people.map((p) => p.id)));
  await worker.stop();
  const failedTo = new Set(s.messages.filter((m) => m.outcomes.some((o) => o !== 'delivered')).map((m) => `+${m.destination}`));
  assert.ok(failedTo.size > 0 && failedTo.size < 20, `${failedTo.size} failed`);
  for (const p of people) assert.equal(await legal(p.id), failedTo.has(p.mobile) ? 'not_notified' : 'duly_notified', `summons ${p.id} to ${p.mobile}`);
});

test('a dispatcher stopped mid-run: a new one sends the rest, no receipt is lost, repeats stay within the batches in flight', async () => {
  const people = await issued('restart', 30, 'artillery');
  const s = await sim({ delayMs: 300, delayShare: 0.5, seed: 5 });
  const batch = 4;
  const first = startDispatcher(db, { sms: await gateway(s) }, { batch, clock, leaseMs: 1000, pollMs: 50 });
  await waitFor('first sends', async () => s.messages.length >= 10);
  await first.stop({ abort: true });
  const atStop = s.messages.length;
  assert.ok(atStop < 30, `stopped after ${atStop} messages`);
  const second = startDispatcher(db, { sms: await gateway(s) }, { batch, clock, leaseMs: 1000, pollMs: 50 });
  const ids = people.map((p) => p.id);
  await waitFor('all sent and reported', () => allReported(ids));
  await second.stop();
  const perPerson = new Map<string, number>();
  for (const m of s.messages) perPerson.set(m.destination, (perPerson.get(m.destination) ?? 0) + 1);
  assert.equal(perPerson.size, 30, 'every person got the SMS');
  const repeats = s.messages.length - 30;
  assert.ok(repeats <= batch * SMS_PIPELINE, `${repeats} repeated sends, in flight at most ${SMS_PIPELINE} batches of ${batch}`);
  for (const p of people) {
    const shown = await showSummons(db, p.id, { actor: 'test', at: clock.now() });
    assert.equal(shown.state.legal, 'duly_notified', `summons ${p.id}: ${JSON.stringify({ sends: shown.sends, notes: shown.state.notes, evidence: shown.state.evidence })}`);
  }
});

test('an exercise summons is refused on a live channel and stays recorded as refused-to-send', async () => {
  const people = await issued('drill', 3, 'radio', true);
  const s = await sim();
  const gw = await gateway(s);
  const c = await dispatchPending(db, gw, { batch: 10, clock });
  assert.equal(c.refused, 3);
  assert.equal(s.messages.length, 0);
  const shown = await showSummons(db, people[0]?.id as string, { actor: 'test', at: clock.now() });
  assert.equal(shown.sends[0]?.state, 'refused');
  assert.match(shown.sends[0]?.lastError ?? '', /SMS_EXERCISE_ON_LIVE_CHANNEL/);
  assert.equal(shown.state.legal, 'not_notified');
  // Through an exercise channel the drill goes out once an officer puts it back in the queue.
  await db.query("UPDATE summons_outbox SET state = 'pending', available_at = now() WHERE summons_id = ANY($1::bigint[])", [people.map((p) => p.id)]);
  const drill = await gateway(await sim(), true);
  assert.equal((await dispatchPending(db, drill, { batch: 10, clock })).submitted, 3);
});

test('live and exercise dispatchers each claim only their own traffic; neither refuses the other kind', async () => {
  const real = await issued('split-live', 2, 'transport');
  const drill = await issued('split-drill', 2, 'information', true);
  const liveSim = await sim();
  const drillSim = await sim();
  const live = await dispatchPending(db, await gateway(liveSim), { batch: 10, clock, traffic: 'live' });
  assert.deepEqual([live.submitted, live.refused], [2, 0]);
  assert.deepEqual(liveSim.messages.map((m) => `+${m.destination}`).sort(), real.map((p) => p.mobile).sort());
  const waiting = await db.query<{ state: string }>("SELECT state FROM summons_outbox WHERE channel = 'sms' AND summons_id = ANY($1::bigint[])", [drill.map((p) => p.id)]);
  assert.deepEqual(waiting.map((w) => w.state), ['pending', 'pending'], 'exercise rows wait for an exercise channel');
  const ex = await dispatchPending(db, await gateway(drillSim, true), { batch: 10, clock, traffic: 'exercise' });
  assert.deepEqual([ex.submitted, ex.refused], [2, 0]);
  assert.ok(drillSim.messages.every((m) => m.text.startsWith('УЧЕНИЯ / ЖАТТЫҒУ / EXERCISE')));
  assert.equal(liveSim.messages.length, 2, 'nothing of the exercise reached the live SMSC');
});

test('the database refusing writes for a while: the dispatcher reports it, keeps what it sent and heard, and records it all once the database is back', async () => {
  const people = await issued('outage', 6, 'education');
  const ids = people.map((p) => p.id);
  const outage = await outageSwitch(db, ['summons_sms_messages', 'sms_receipts']);
  await outage.on();
  const s = await sim();
  const errors: string[] = [];
  const worker = startDispatcher(db, { sms: await gateway(s) }, { batch: 3, clock, pollMs: 20, maxRetryMs: 100, onError: (what, e) => errors.push(`${what}: ${e.message}`) });
  await waitFor('every SMS sent and the failures reported', async () =>
    s.messages.length === 6 && errors.some((e) => e.startsWith('recording')) && errors.some((e) => e.startsWith('storing')));
  const recorded = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM summons_outbox WHERE channel = 'sms' AND state = 'submitted' AND summons_id = ANY($1::bigint[])", [ids]);
  assert.equal(recorded[0]?.n, 0, 'nothing could be recorded during the outage');
  assert.ok(errors.every((e) => /test outage: (summons_sms_messages|sms_receipts) refuses writes/.test(e)), errors.join('\n'));
  await outage.off();
  await waitFor('all recorded and reported', () => allReported(ids));
  await worker.stop();
  assert.equal(s.messages.length, 6, 'a send that could not be recorded at once is recorded later, never sent again');
  for (const p of people) assert.equal(await legal(p.id), 'duly_notified', `summons ${p.id}`);
});

test('a graceful stop that cannot record what it sent names those sends instead of ending quietly', async () => {
  const people = await issued('outage-at-stop', 3, 'aviation');
  const outage = await outageSwitch(db, ['summons_sms_messages']);
  await outage.on();
  const s = await sim();
  const errors: string[] = [];
  const worker = startDispatcher(db, { sms: await gateway(s) }, { batch: 3, clock, pollMs: 20, maxRetryMs: 50, onError: (what) => errors.push(what) });
  try {
    await waitFor('the SMS sent and the record refused', async () => s.messages.length === 3 && errors.some((e) => e.startsWith('recording')));
    const rows = await db.query<{ id: number }>("SELECT id FROM summons_outbox WHERE channel = 'sms' AND summons_id = ANY($1::bigint[]) ORDER BY id", [people.map((p) => p.id)]);
    await assert.rejects(worker.stop(), (e: unknown) => isDomainError(e, 'SMS_SENDS_NOT_RECORDED') && (e.details.outboxIds as number[]).map(Number).sort((a, b) => a - b).join() === rows.map((r) => Number(r.id)).join());
    assert.ok(errors.some((e) => e.endsWith('failed; left for their lease to run out')), errors.join('\n'));
  } finally {
    await outage.off();
  }
  const states = await db.query<{ state: string }>("SELECT state FROM summons_outbox WHERE channel = 'sms' AND summons_id = ANY($1::bigint[])", [people.map((p) => p.id)]);
  assert.deepEqual(states.map((r) => r.state), ['sending', 'sending', 'sending'], 'left for the lease to run out, then sent again');
});

test('receipts that still cannot be stored when the inbox stops are named, not dropped in silence', async () => {
  const people = await issued('outage-stop', 2, 'reconnaissance');
  const outage = await outageSwitch(db, ['sms_receipts']);
  const s = await sim();
  const gw = await gateway(s);
  const errors: string[] = [];
  const inbox = receiptInbox(db, gw, clock, { retryMs: 5, maxRetryMs: 10, onError: (what) => errors.push(what) });
  await outage.on();
  const sent = await dispatchPending(db, gw, { batch: 10, clock });
  assert.equal(sent.submitted, 2);
  const messageIds = s.messages.flatMap((m) => m.messageIds);
  await gw.client.waitForReceipts(messageIds, 5_000);
  await waitFor('a failed store reported', async () => errors.length > 0);
  await assert.rejects(inbox.stop(), (e: unknown) => isDomainError(e, 'SMS_RECEIPTS_NOT_STORED') && [...messageIds].sort().join() === [...(e.details.messageIds as string[])].sort().join());
  await outage.off();
  for (const p of people) assert.equal(await legal(p.id), 'not_notified', 'no delivery report was stored');
});

test('the ledger refuses edits, and a deleted entry is found by the proof check', async () => {
  const people = await issued('tamper', 2, 'logistics');
  const id = people[0]?.id as string;
  assert.equal((await summonsProof(db, id, { actor: 'test', at: clock.now() })).ledger.ok, true);
  await assert.rejects(db.query("UPDATE summons_ledger SET kind = 'x' WHERE summons_id = $1", [Number(id)]), /append-only/);
  await assert.rejects(db.query('DELETE FROM summons_ledger WHERE summons_id = $1', [Number(id)]), /append-only/);
  // A superuser can switch the trigger off; deleting the newest entry leaves a valid chain that misses the head.
  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE summons_ledger DISABLE TRIGGER summons_ledger_append_only');
    await tx.query('DELETE FROM summons_ledger WHERE seq = (SELECT max(seq) FROM summons_ledger)');
    await tx.exec('ALTER TABLE summons_ledger ENABLE TRIGGER summons_ledger_append_only');
  });
  const proof = await summonsProof(db, id, { actor: 'test', at: clock.now() });
  assert.equal(proof.ledger.ok, false);
  assert.match(proof.ledger.problem?.reason ?? '', /head records seq/);
  await db.transaction(async (tx) => {
    await tx.exec('ALTER TABLE summons_ledger DISABLE TRIGGER summons_ledger_append_only');
    await tx.query('DELETE FROM summons_ledger WHERE seq = 3');
    await tx.exec('ALTER TABLE summons_ledger ENABLE TRIGGER summons_ledger_append_only');
  });
  const again = await summonsProof(db, id, { actor: 'test', at: clock.now() });
  assert.equal(again.ledger.problem?.seq, 3);
  assert.match(again.ledger.problem?.reason ?? '', /missing/);
});
