import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { EgovClient, EgovSimulator } from '../src/modules/egov/index.ts';
import {
  exerciseReport,
  injectExercise,
  observeExercise,
  runExerciseDispatch,
  startExercise,
  stopExercise,
  type StoredExercise,
} from '../src/modules/exercises/index.ts';
import { parseScenarioText, type LoadedScenario } from '../src/modules/simulation/index.ts';
import { EXERCISE_MARK, SmppClient, SmscSimulator } from '../src/modules/sms/index.ts';
import { dispatchPending, recordOfficerAction } from '../src/modules/summons/index.ts';
import { recordPlanAction } from '../src/modules/callup/index.ts';
import { freshDb } from './helpers/db.ts';
import { addPeople, officer } from './helpers/summons.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T06:00:00Z'); // 11:00 in Kazakhstan, Monday
let now = T0;
const clock: Clock = { now: () => new Date(now) };
const at = (h: number) => (now = T0 + h * HOUR);
let db: Db;
const open: { close(): Promise<void> }[] = [];

/** Twelve reserve officers, certain to be reached and to come: the forecast is then exact, and deviations are ours. */
const SCENARIO = `
name: drill
title: Regional reserve drill
start: 2026-11-23T11:00:00+05:00
horizon_h: 96
seed: drill
order:
  id: drill
  title: Drill order
  legal_basis: { document: exercise directive }
  rule_set: reserve-officer-callup
  reference_date: 2026-11-23
  appearance: { from: 2026-11-23, to: 2026-12-31 }
  agencies:
    armed_forces: { name: Armed Forces, region: KZ-71 }
  quotas:
    - { agency: armed_forces, specialty: aviation, count: 12 }
population: { source: registry }
legal: { notice: three_day, appearance_h: 80 }
channels:
  sms: { per_hour: 6000, delivery: 1, read: 1 }
  egov: { per_hour: 6000, delivery: 1, read: 1 }
  paper: { per_day: 100, delivery: 1 }
response: { valid_reason: 0, no_show: 0, prepare: 1 }
travel: { local_km: { city: 0, rural: 0 }, road_kmh: 60, long_kmh: 60 }
assembly: { per_day: 10000 }
injects:
  - { kind: channel_delivery, channel: sms, factor: 0.5, at_h: 6, until_h: 30, note: cyber attack on the operator }
  - { kind: assembly_capacity, points: [KZ-71], factor: 0.5, at_h: 70, note: power failure }
`;

function scenario(): LoadedScenario {
  const { loaded, issues } = parseScenarioText(SCENARIO);
  assert.deepEqual(issues, []);
  return loaded as LoadedScenario;
}

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [
    ...Array.from({ length: 8 }, () => officer({ specialty: 'aviation', egov_account: false, mobile_on_egov: false })),
    ...Array.from({ length: 4 }, () => officer({ specialty: 'aviation', egov_account: true, mobile_on_egov: true })),
  ]);
});
after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => undefined);
  await db.close();
});

let ex: StoredExercise;

test('an exercise starts as an EXERCISE plan, approved and issued by a second officer, with the forecast for that plan', async () => {
  at(0);
  const drafted = await startExercise(db, scenario(), { id: 'winter-drill', actor: 'officer-a', clock });
  assert.equal(drafted.stage, 'drafted');
  await assert.rejects(startExercise(db, scenario(), { id: 'winter-drill', actor: 'officer-b', clock }), (e) => isDomainError(e, 'EXERCISE_PLAN_NOT_APPROVED'));
  await assert.rejects(recordPlanAction(db, 'winter-drill', 'approve', { actor: 'officer-a', clock }), (e) => isDomainError(e, 'CALLUP_SELF_APPROVAL'));
  await recordPlanAction(db, 'winter-drill', 'approve', { actor: 'officer-b', clock });
  await assert.rejects(startExercise(db, scenario(), { id: 'winter-drill', actor: 'officer-a', clock }), (e) => isDomainError(e, 'SUMMONS_SELF_ISSUE'), 'the author cannot issue it');
  const r = await startExercise(db, scenario(), { id: 'winter-drill', actor: 'officer-b', clock, runs: 5, rng: seededRng('drill') });
  assert.equal(r.stage, 'started');
  if (r.stage !== 'started') return;
  ex = r.exercise;
  assert.equal(r.summonses, 12);
  assert.equal(r.note, null, '80 hours leave the three calendar days');
  assert.equal(ex.appearanceAt.toISOString(), new Date(T0 + 80 * HOUR).toISOString());
  const [plan] = await db.query<{ exercise: boolean; order_id: string }>('SELECT exercise, order_id FROM callup_plans WHERE id = $1', [ex.planId]);
  assert.deepEqual(plan, { exercise: true, order_id: 'winter-drill' });
  const rows = await db.query<{ exercise: boolean; n: number }>('SELECT s.exercise, count(*)::int AS n FROM summonses s WHERE s.plan_id = $1 GROUP BY 1', [ex.planId]);
  assert.deepEqual(rows, [{ exercise: true, n: 12 }]);
  const outbox = await db.query<{ channel: string; exercise: boolean; marked: boolean; n: number }>(
    'SELECT o.channel, o.exercise, o.text LIKE $2 AS marked, count(*)::int AS n FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id WHERE s.plan_id = $1 GROUP BY 1, 2, 3 ORDER BY 1',
    [ex.planId, `${EXERCISE_MARK}%`],
  );
  assert.deepEqual(outbox, [{ channel: 'egov', exercise: true, marked: true, n: 4 }, { channel: 'sms', exercise: true, marked: true, n: 12 }]);
  // The forecast: everyone reached, nobody arriving before the appearance time, all twelve right after it.
  const arrived = ex.forecast.forecast.series.arrived.p50;
  assert.equal(arrived[79], 0);
  assert.equal(arrived[80], 12);
  assert.deepEqual(ex.log.map((e) => e.kind), ['start']);
  await assert.rejects(startExercise(db, scenario(), { id: 'winter-drill', actor: 'officer-c', clock }), (e) => isDomainError(e, 'EXERCISE_EXISTS'));
  assert.deepEqual(ex.log[0]?.body.draftedBy, 'officer-a');
  assert.deepEqual(ex.log[0]?.body.approvedBy, 'officer-b');
});

test('exercise messages never reach a live channel: the live dispatcher leaves them, the gateways refuse them, the exercise simulators get them all', async () => {
  at(1);
  const liveSmsc = await SmscSimulator.start({ seed: 3, clock });
  open.push(liveSmsc);
  const liveClient = await SmppClient.open({ host: '127.0.0.1', port: liveSmsc.port, systemId: 'mobilize', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false } });
  open.push(liveClient);
  const liveEgov = await EgovSimulator.start({ seed: 3, token: 't' });
  open.push(liveEgov);

  // The live dispatcher claims only live traffic: nothing of the exercise.
  const live = await dispatchPending(db, { client: liveClient, smsc: 'live' }, { batch: 100, clock, traffic: 'live' });
  assert.equal(live.claimed, 0);
  // And should an EXERCISE message be put to a live channel, the gateway refuses it before anything is sent.
  const [row] = await db.query<{ destination: string; text: string; title: string | null }>(
    "SELECT o.destination, o.text, o.title FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id WHERE s.plan_id = $1 AND o.channel = 'sms' LIMIT 1", [ex.planId]);
  await assert.rejects(liveClient.send({ to: row!.destination, text: row!.text, exercise: true }), (e) => isDomainError(e, 'SMS_EXERCISE_ON_LIVE_CHANNEL'));
  await assert.rejects(liveClient.send({ to: row!.destination, text: row!.text, exercise: false }), (e) => isDomainError(e, 'SMS_EXERCISE_MARK_ON_LIVE'), 'nor can it pass as live: it carries the mark');
  const liveEgovClient = new EgovClient({ url: liveEgov.url, token: 't', channel: { name: 'egov', exercise: false } });
  await assert.rejects(liveEgovClient.post({ recipientIin: '980305300011', title: `${EXERCISE_MARK} test`, body: `${EXERCISE_MARK} test`, exercise: true, idempotencyKey: 'k1' }), (e) => isDomainError(e, 'EGOV_EXERCISE_ON_LIVE_CHANNEL'));

  const sent = await runExerciseDispatch(db, ex.planId, { clock, seed: 5 });
  assert.equal(sent.finished, true);
  assert.equal(sent.sms.submitted, 12);
  assert.equal(sent.egov.submitted, 4);
  assert.equal(sent.smsMessages.length, 12);
  for (const m of sent.smsMessages) assert.ok(m.text.startsWith(EXERCISE_MARK), m.text);
  assert.deepEqual(sent.egovMessages.map((m) => m.exercise), [true, true, true, true]);
  assert.equal(liveSmsc.messages.length, 0, 'nothing reached the live SMSC');
  assert.equal(liveEgov.messages.length, 0, 'nothing reached the live e-Gov service');
});

test('injects and observations go on the timeline; a stopped exercise takes no more', async () => {
  at(6.5);
  const first = await injectExercise(db, 'winter-drill', { next: true }, { actor: 'director', clock });
  assert.equal(first.body.index, 0);
  assert.equal(first.body.scheduledH, 6);
  assert.equal(first.body.lateByH, 0.5);
  at(7);
  await observeExercise(db, 'winter-drill', { text: 'Almaty LMA switched to phone calls within 20 minutes' }, { actor: 'observer-1', clock });
  await injectExercise(db, 'winter-drill', { text: 'Journalists ask whether this is a real mobilization' }, { actor: 'director', clock });
  await assert.rejects(injectExercise(db, 'winter-drill', { index: 0 }, { actor: 'director', clock }), (e) => isDomainError(e, 'EXERCISE_INJECT_REPEATED'));
  await assert.rejects(injectExercise(db, 'winter-drill', { index: 7 }, { actor: 'director', clock }), (e) => isDomainError(e, 'EXERCISE_NO_SUCH_INJECT'));

  // At the appearance time nine of the twelve come; the LMA records them.
  at(80);
  const ids = await db.query<{ id: string }>('SELECT id::text AS id FROM summonses WHERE plan_id = $1 ORDER BY id', [ex.planId]);
  for (const { id } of ids.slice(0, 9)) await recordOfficerAction(db, id, { kind: 'appeared' }, { actor: 'lma-officer', clock });
  at(90);
  const stopped = await stopExercise(db, 'winter-drill', { actor: 'director', clock, note: 'end of drill' });
  assert.equal(stopped.status, 'stopped');
  await assert.rejects(observeExercise(db, 'winter-drill', { text: 'late note' }, { actor: 'observer-1', clock }), (e) => isDomainError(e, 'EXERCISE_STOPPED'));
});

test('the after-action report sets what the ledger shows against the forecast', async () => {
  at(100);
  const r = await exerciseReport(db, 'winter-drill', { actor: 'auditor', clock });
  assert.equal(r.exercise.status, 'stopped');
  assert.equal(r.exercise.elapsedH, 90, 'counted to the stop, not to now');
  assert.equal(r.live.summonses, 12);
  assert.equal(r.live.curves.sent[0], 0);
  assert.equal(r.live.curves.sent[1], 12, 'sent at hour 1');
  assert.equal(r.live.curves.notified[1], 12, 'delivered SMS make all twelve duly notified');
  assert.equal(r.live.curves.appeared[79], 0);
  assert.equal(r.live.curves.appeared[80], 9);
  assert.deepEqual(r.live.legal, { not_notified: 0, duly_notified: 3, refused: 0, excused: 0, appeared: 9, referred: 0 });
  const appeared = r.comparisons.find((c) => c.live === 'appeared');
  assert.deepEqual(appeared?.atEnd, { hour: 90, actual: 9, p10: 12, p50: 12, p90: 12, verdict: 'behind' });
  assert.equal(r.comparisons.find((c) => c.live === 'sent')?.atEnd.verdict, 'within');
  assert.deepEqual(r.timeTo.map((t) => [t.share, t.people, t.actualH, t.verdict]), [[0.5, 6, 80, 'within'], [0.9, 11, null, 'behind'], [1, 12, null, 'behind']]);
  assert.deepEqual(r.timeline.map((t) => t.kind), ['start', 'inject', 'observation', 'inject', 'stop']);
  assert.deepEqual(r.injectsNotDelivered.map((i) => i.index), [1]);
  assert.ok(r.findings.some((f) => /^appeared at hour 90: 9; forecast arrived 12 .* behind of the forecast/.test(f)), r.findings.join('\n'));
  const [audit] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'exercise.outcome.read' AND actor = 'auditor'");
  assert.equal(audit?.n, 1, 'reading the ledger for the report is audited');
});
