import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { SmppClient, SmscSimulator, type SmscSimulatorOptions } from '../src/modules/sms/index.ts';
import { dispatchPending, issuePlan, receiptInbox, recoverReceipts, showSummons, startDispatcher, verifyStoredLedger, type SmsGateway } from '../src/modules/summons/index.ts';
import { freshDb, outageSwitch } from './helpers/db.ts';
import { waitFor } from './helpers/wait.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

// An adjustable clock, shared by the dispatchers and the simulator (which dates its receipts by it), always on a
// whole second: SMPP receipt dates have seconds only.
let nowMs = Date.parse('2026-11-23T06:00:00Z');
const clock: Clock = { now: () => new Date(nowMs) };
const setClock = (iso: string) => void (nowMs = Date.parse(iso));
const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
const LEASE_MS = 1000;
let db: Db;
const open: { close(): Promise<void> }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

const smscOf = (s: SmscSimulator) => `127.0.0.1:${s.port}`;

async function gateway(s: SmscSimulator): Promise<SmsGateway> {
  const client = await SmppClient.open({ host: '127.0.0.1', port: s.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false }, window: 20 });
  open.push(client);
  return { client, smsc: smscOf(s) };
}

async function issued(id: string, count: number, specialty: string): Promise<{ id: string; mobile: string }[]> {
  await addPeople(db, clock, Array.from({ length: count }, () => officer({ specialty })));
  const planId = await approvedPlan(db, clock, order(id, count, false, specialty));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(id) });
  return db.query<{ id: string; mobile: string }>("SELECT s.id::text AS id, o.destination AS mobile FROM summonses s JOIN summons_outbox o ON o.summons_id = s.id AND o.channel = 'sms' WHERE s.plan_id = $1 ORDER BY s.id", [planId]);
}

interface Entry { kind: string; at: string; messageIds?: string[]; messageId?: string; status?: string }
async function ledger(summonsId: string): Promise<Entry[]> {
  const rows = await db.query<{ action: Entry }>("SELECT action FROM summons_ledger WHERE summons_id = $1 AND kind IN ('sms_submitted', 'sms_delivery_report') ORDER BY seq", [Number(summonsId)]);
  return rows.map((r) => r.action);
}

/** Message ids the simulator sent a receipt for (all but those it dropped) that have no delivery report in the ledger. */
async function unreported(s: SmscSimulator): Promise<string[]> {
  const sent = s.submissions.filter((x) => x.outcome !== 'dropped').map((x) => x.messageId);
  const rows = await db.query<{ m: string }>(
    `SELECT m.message_id AS m FROM summons_sms_messages m
       JOIN summons_ledger l ON l.summons_id = m.summons_id AND l.kind = 'sms_delivery_report' AND l.action->>'messageId' = m.message_id
      WHERE m.smsc = $1 AND m.message_id = ANY($2::text[])`,
    [smscOf(s), sent],
  );
  const done = new Set(rows.map((r) => r.m));
  return sent.filter((m) => !done.has(m));
}

const sameIds = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();

test('a crash after the submit, before its record: the next dispatcher sends again, and both sends, all receipts and the wire times are in the evidence', async () => {
  setClock('2026-11-23T06:00:00Z');
  const people = await issued('crash', 12, 'medical');
  const s = await sim({ seed: 3, failShare: 0.25, delayMs: 300, delayShare: 0.5 });

  // The first dispatcher sends 8 and dies before recording them: its inbox keeps what it heard, the SMSC keeps the
  // delayed receipts for the next bind of the same system id.
  const crashAt = '2026-11-23T06:01:00.000Z';
  setClock(crashAt);
  const a = await gateway(s);
  const inboxA = receiptInbox(db, a, clock);
  const first = await dispatchPending(db, a, { batch: 8, clock, leaseMs: LEASE_MS, workerId: 'A', abort: { aborted: true } });
  assert.deepEqual([first.claimed, first.submitted], [8, 0], 'sent, nothing recorded');
  assert.equal(s.messages.length, 8);
  await a.client.close();
  await inboxA.stop();
  const sentByA = new Map(s.messages.map((m) => [`+${m.destination}`, m]));

  const takeoverAt = '2026-11-23T06:01:10.000Z';
  setClock(takeoverAt);
  await sleep(LEASE_MS + 200);
  const b = startDispatcher(db, { sms: await gateway(s) }, { batch: 5, clock, leaseMs: LEASE_MS, pollMs: 30, recoverEveryMs: 30, workerId: 'B' });
  await waitFor('every receipt the simulator sent applied', async () => (await unreported(s)).length === 0 && s.messages.length === 20);
  await b.stop();
  assert.equal(b.receiptTotals.recoveredSends, 8, 'each lost record recovered from its receipts');
  assert.equal(b.receiptTotals.unmatched, 0);
  const [left] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sms_receipts WHERE smsc = $1 AND applied_seq IS NULL', [smscOf(s)]);
  assert.equal(left?.n, 0, 'no receipt left unapplied');

  for (const p of people) {
    const log = await ledger(p.id);
    const submits = log.filter((e) => e.kind === 'sms_submitted');
    const onWire = s.messages.filter((m) => `+${m.destination}` === p.mobile);
    const crashed = sentByA.get(p.mobile);
    assert.equal(onWire.length, crashed ? 2 : 1, `summons ${p.id}: sends`);
    assert.equal(submits.length, onWire.length, `summons ${p.id}: every send is in the evidence: ${JSON.stringify(submits)}`);
    for (const m of onWire) {
      const e = submits.find((x) => sameIds(x.messageIds ?? [], m.messageIds));
      assert.ok(e, `summons ${p.id}: send ${m.messageIds.join()} in the evidence`);
      assert.equal(e.at, m === crashed ? crashAt : takeoverAt, `summons ${p.id}: submit time as on the wire`);
    }
    for (const r of log.filter((e) => e.kind === 'sms_delivery_report')) {
      const sub = submits.find((x) => x.messageIds?.includes(r.messageId ?? ''));
      assert.ok(sub && Date.parse(r.at) >= Date.parse(sub.at), `summons ${p.id}: report ${r.messageId} at ${r.at} not before its submit ${sub?.at}`);
    }
    const delivered = onWire.some((m) => m.outcomes.every((o) => o === 'delivered'));
    const shown = await showSummons(db, p.id, { actor: 'test', at: clock.now() });
    assert.equal(shown.state.legal, delivered ? 'duly_notified' : 'not_notified', `summons ${p.id}: ${JSON.stringify(shown.state.notes)}`);
  }
  assert.ok(s.messages.some((m) => m.outcomes.some((o) => o !== 'delivered')), 'the seed fails some sends');
  assert.equal((await db.transaction((tx) => verifyStoredLedger(tx))).ok, true, 'the evidence chain verifies');
});

test('a record held up while the clock moves on: the submit is dated when the SMSC answered, never after its delivery', async () => {
  setClock('2026-11-23T07:00:00Z');
  const people = await issued('wire-time', 3, 'engineering');
  const outage = await outageSwitch(db, ['summons_sms_messages']);
  await outage.on();
  const s = await sim();
  const errors: string[] = [];
  const worker = startDispatcher(db, { sms: await gateway(s) }, { batch: 3, clock, pollMs: 20, maxRetryMs: 50, onError: (what) => errors.push(what) });
  try {
    await waitFor('sent, receipts stored, record refused', async () => {
      const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sms_receipts WHERE smsc = $1 AND message_id = ANY($2::text[])', [smscOf(s), s.submissions.map((x) => x.messageId)]);
      return s.messages.length === 3 && r?.n === 6 && errors.some((e) => e.startsWith('recording'));
    });
    setClock('2026-11-23T07:00:20Z');
  } finally {
    await outage.off();
  }
  await waitFor('recorded and reported', async () => (await unreported(s)).length === 0);
  await worker.stop();
  for (const p of people) {
    const log = await ledger(p.id);
    assert.deepEqual(log.filter((e) => e.kind === 'sms_submitted').map((e) => e.at), ['2026-11-23T07:00:00.000Z'], `summons ${p.id}: the submit_sm_resp time, not the record's`);
    assert.deepEqual(log.filter((e) => e.kind === 'sms_delivery_report').map((e) => e.at), ['2026-11-23T07:00:00.000Z', '2026-11-23T07:00:00.000Z']);
  }
});

test('receipts that match no send are set aside after the bound, counted and reported once; a send to the same number keeps only its own', async () => {
  setClock('2026-11-23T08:00:00Z');
  const [person] = await issued('foreign', 1, 'artillery');
  assert.ok(person);
  const s = await sim();
  const gw = await gateway(s);
  const reported: unknown[] = [];
  const worker = startDispatcher(db, { sms: gw }, { batch: 5, clock, pollMs: 20, recoverEveryMs: 20, unmatchedReceiptMs: 60_000, onError: (_what, e) => reported.push(e) });
  await waitFor('the summons sent and reported', async () => (await unreported(s)).length === 0);
  // Traffic on the same bind that is no summons: one SMS to the summoned person's number, one to a stranger.
  const foreign = [...(await gw.client.send({ to: person.mobile, text: 'test', exercise: false })).messageIds, ...(await gw.client.send({ to: '+77000000001', text: 'test', exercise: false })).messageIds];
  await waitFor('foreign receipts stored', async () => (await db.query('SELECT 1 FROM sms_receipts WHERE smsc = $1 AND message_id = ANY($2::text[])', [gw.smsc, foreign])).length === 2);
  await sleep(100);
  assert.equal(worker.receiptTotals.unmatched, 0, 'not set aside before the bound');
  setClock('2026-11-23T08:01:01Z');
  await waitFor('set aside', async () => worker.receiptTotals.unmatched === 2);
  await sleep(100);
  await worker.stop();
  assert.equal(worker.receiptTotals.unmatched, 2, 'counted once');
  assert.equal(worker.receiptTotals.recoveredSends, 0);
  assert.ok(reported.some((e) => isDomainError(e, 'SMS_RECEIPTS_UNMATCHED') && sameIds(e.details.messageIds as string[], foreign)), 'reported with their ids');
  const [audit] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'summons.sms.receipts_unmatched'");
  assert.equal(audit?.n, 1);
  const log = await ledger(person.id);
  assert.equal(log.filter((e) => e.kind === 'sms_submitted').length, 1, 'the stray SMS to the same number is not taken for a summons send');
  assert.ok(log.every((e) => !foreign.includes(e.messageId ?? '')));
});

test('a lost record whose send had a part the SMSC never reported on: recorded at the bound with that part unknown, so it notifies nobody', async () => {
  setClock('2026-11-23T09:00:00Z');
  const [person] = await issued('dropped-part', 1, 'radio');
  assert.ok(person);
  const s = await sim({ seed: 2, dropShare: 0.5 });
  const a = await gateway(s);
  const inbox = receiptInbox(db, a, clock);
  await dispatchPending(db, a, { batch: 1, clock, leaseMs: LEASE_MS, workerId: 'A', abort: { aborted: true } });
  assert.deepEqual(s.messages[0]?.outcomes, ['delivered', 'dropped'], 'the seed loses the second part');
  const [heard, lost] = s.messages[0]?.messageIds ?? [];
  await waitFor('the one receipt stored', async () => (await db.query('SELECT 1 FROM sms_receipts WHERE smsc = $1 AND message_id = $2', [a.smsc, heard])).length === 1);
  await a.client.close();
  await inbox.stop();
  await sleep(LEASE_MS + 200);
  const opts = { clock, actor: 'test', unmatchedAfterMs: 60_000 };
  assert.equal((await recoverReceipts(db, opts)).recoveredSends, 0, 'the other part may still be reported: it waits');
  setClock('2026-11-23T09:01:01Z');
  const c = await recoverReceipts(db, opts);
  assert.deepEqual([c.recoveredSends, c.applied, c.unmatched], [1, 1, 0]);
  const log = await ledger(person.id);
  const submit = log.find((e) => e.kind === 'sms_submitted');
  assert.equal(submit?.at, '2026-11-23T09:00:00.000Z');
  assert.equal(submit?.messageIds?.[0], heard);
  assert.match(submit?.messageIds?.[1] ?? '', /^unknown:/, `the lost part ${lost} stands as unknown`);
  assert.deepEqual(log.filter((e) => e.kind === 'sms_delivery_report').map((e) => [e.messageId, e.status]), [[heard, 'delivered']]);
  const shown = await showSummons(db, person.id, { actor: 'test', at: clock.now() });
  assert.equal(shown.state.legal, 'not_notified', 'one part delivered is no proof');
  assert.equal((await recoverReceipts(db, opts)).recoveredSends, 0, 'recorded once');
});
