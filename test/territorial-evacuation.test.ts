import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  addShelter,
  addTransport,
  approveEvacuationPlan,
  capacityCheck,
  createEvacuationPlan,
  getEvacuationPlan,
  territorialReadiness,
  wholeTrips,
  type TdContext,
} from '../src/modules/territorial/index.ts';
import { freshDb, onPostgres, raceOnLock } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const as = (actor: string, region: string | null = null): TdContext => ({ actor, clock, area: { region, district: null } });
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
let db: Db;

// Astana (KZ-71) has population_k 1529 in the reference data. The registry holds 3 people in D01 and 1 in D02, so
// D01 = round(1,529,000 × 3/4) = 1,146,750 and D02 = round(1,529,000 × 1/4) = 382,250; D03 and D04 hold nobody.
const D02_POPULATION = 382_250;

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [101, 102, 103].map((n) => person(n, { region: 'KZ-71', district: 'KZ-71-D01' })).concat(person(104, { region: 'KZ-71', district: 'KZ-71-D02' })));
  const ctx = as('planner');
  await addShelter(db, { name: 'Arena', region: 'KZ-71', district: 'KZ-71-D03', capacity: 300_000 }, ctx);
  await addShelter(db, { name: 'Schools', region: 'KZ-71', district: 'KZ-71-D03', capacity: 100_000 }, ctx);
  await addShelter(db, { name: 'Stadium', region: 'KZ-71', district: 'KZ-71-D04', capacity: 200_000 }, ctx);
  // Buses based in the evacuated district: 1000 × 45 seats × 3 trips a day.
  await addTransport(db, { label: 'City buses', region: 'KZ-71', district: 'KZ-71-D02', vehicles: 1000, seats: 45, tripsPerDay: 3 }, ctx);
  // Transport elsewhere does not move D02's people.
  await addTransport(db, { label: 'D01 buses', region: 'KZ-71', district: 'KZ-71-D01', vehicles: 500, seats: 45, tripsPerDay: 3 }, ctx);
});
after(async () => {
  await db.close();
});

test('whole trips only: a trip not finished in the window moves nobody', () => {
  assert.equal(wholeTrips(1.5, 16), 1);
  assert.equal(wholeTrips(2.5, 20), 2);
  assert.equal(wholeTrips(3, 7), 0);
  const c = capacityCheck({ peopleToMove: 100, shelterPlaces: 80, fleets: [{ vehicles: 2, seats: 10, tripsPerDay: 2 }, { vehicles: 1, seats: 5, tripsPerDay: 1 }], windowHours: 24 });
  // 2 × 10 × 2 + 1 × 5 × 1 = 45 seat-trips.
  assert.deepEqual([c.seatTrips, c.shortfall.shelter, c.shortfall.transport, c.feasible, c.bottleneck, c.coveragePct], [45, 20, 55, false, 'transport', 45]);
});

test('transport-bound plan: 48 h gives 6 trips, 1000 × 45 × 6 = 270,000 seat-trips for 382,250 people', async () => {
  const plan = await createEvacuationPlan(db, { name: 'D02 to D03 in 48 h', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 48 }, as('planner'));
  assert.deepEqual(plan.check.population, { 'KZ-71-D02': D02_POPULATION });
  assert.deepEqual([plan.check.peopleToMove, plan.check.shelterPlaces, plan.check.seatTrips], [D02_POPULATION, 400_000, 270_000]);
  assert.deepEqual(plan.check.shortfall, { shelter: 0, transport: D02_POPULATION - 270_000 });
  assert.deepEqual([plan.check.feasible, plan.check.bottleneck, plan.status], [false, 'transport', 'draft']);
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), as('approver')), (e) => isDomainError(e, 'TD_PLAN_INFEASIBLE') && (e.details.check as { shortfall: { transport: number } }).shortfall.transport === 112_250);
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), { ...as('approver'), acceptShortfall: '   ' }), code('TD_PLAN_INFEASIBLE'), 'a blank reason is no reason');
  const stillDraft = await getEvacuationPlan(db, String(plan.id), as('approver'));
  assert.equal(stillDraft.status, 'draft', 'nothing written by a refused approval');
  const accepted = await approveEvacuationPlan(db, String(plan.id), { ...as('approver'), acceptShortfall: 'the rest leave by rail, agreed with KTZ' });
  assert.deepEqual([accepted.status, accepted.approvedBy, accepted.acceptedReason], ['approved', 'approver', 'the rest leave by rail, agreed with KTZ']);
  assert.equal(accepted.approvedCheck?.shortfall.transport, 112_250, 'the check approved against is recorded');
  const audit = await db.query<{ details: { acceptedReason: string } }>("SELECT details FROM audit_log WHERE action = 'td.evacuation.approve' AND subject = $1", [`td_evacuation_plan:${plan.id}`]);
  assert.equal(audit[0]?.details.acceptedReason, 'the rest leave by rail, agreed with KTZ');
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), as('third')), code('TD_BAD_TRANSITION'));
});

test('shelter-bound plan: D04 has 200,000 places for 382,250 people; 96 h of buses (540,000 seat-trips) would do', async () => {
  const plan = await createEvacuationPlan(db, { name: 'D02 to D04', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D04'], windowHours: 96 }, as('planner'));
  assert.deepEqual([plan.check.shelterPlaces, plan.check.seatTrips], [200_000, 540_000]);
  assert.deepEqual(plan.check.shortfall, { shelter: D02_POPULATION - 200_000, transport: 0 });
  assert.deepEqual([plan.check.feasible, plan.check.bottleneck, plan.check.coveragePct], [false, 'shelter', 52]);
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), as('approver')), code('TD_PLAN_INFEASIBLE'));
});

test('feasible plan: 72 h gives 405,000 seat-trips and D03 400,000 places for 382,250; approved by a second person only', async () => {
  const plan = await createEvacuationPlan(db, { name: 'D02 to D03 in 72 h', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 72 }, as('planner'));
  assert.deepEqual([plan.check.seatTrips, plan.check.shelterPlaces, plan.check.feasible, plan.check.coveragePct], [405_000, 400_000, true, 100]);
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), as('planner')), code('TD_SELF_APPROVAL'));
  await assert.rejects(approveEvacuationPlan(db, String(plan.id), as('almaty.approver', 'KZ-75')), code('TD_PLAN_NOT_FOUND'));
  const ok = await approveEvacuationPlan(db, String(plan.id), as('approver', 'KZ-71'));
  assert.deepEqual([ok.status, ok.acceptedReason], ['approved', null]);
});

test('a named shelter counts without its district; bad plans are refused whole and write nothing', async () => {
  const [stadium] = await db.query<{ id: number }>("SELECT id FROM td_shelters WHERE name = 'Stadium'");
  const plan = await createEvacuationPlan(db, { name: 'D02 to the stadium', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], shelterIds: [Number(stadium?.id)], windowHours: 72 }, as('planner'));
  assert.equal(plan.check.shelterPlaces, 200_000);
  const before = (await db.query('SELECT id FROM td_evacuation_plans')).length;
  const bad = [
    { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-75-D01'], toDistricts: ['KZ-71-D03'], windowHours: 24 },
    { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D02'], windowHours: 24 },
    { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], windowHours: 24 },
    { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 0 },
  ];
  for (const b of bad) await assert.rejects(createEvacuationPlan(db, b, as('planner')), code('TD_BAD_INPUT'), JSON.stringify(b));
  await assert.rejects(createEvacuationPlan(db, { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], shelterIds: [999_999], windowHours: 24 }, as('planner')), code('TD_BAD_INPUT'));
  await assert.rejects(createEvacuationPlan(db, { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 24 }, as('almaty', 'KZ-75')), code('ACCESS_OUT_OF_SCOPE'));
  assert.equal((await db.query('SELECT id FROM td_evacuation_plans')).length, before);
  await assert.rejects(addShelter(db, { name: 'x', region: 'KZ-71', district: 'KZ-71-D03', capacity: -5 }, as('planner')), code('TD_BAD_INPUT'));
});

test('a shelter in an evacuated district is refused: its places would count as receiving places; nothing written', async () => {
  const [arena] = await db.query<{ id: number }>("SELECT id FROM td_shelters WHERE name = 'Arena'");
  const plans = (await db.query('SELECT id FROM td_evacuation_plans')).length;
  const audits = (await db.query("SELECT seq FROM audit_log WHERE action = 'td.evacuation.draft'")).length;
  const input = { name: 'D03 into its own arena', region: 'KZ-71', fromDistricts: ['KZ-71-D02', 'KZ-71-D03'], toDistricts: ['KZ-71-D04'], shelterIds: [Number(arena?.id)], windowHours: 96 };
  await assert.rejects(createEvacuationPlan(db, input, as('planner')), (e) => isDomainError(e, 'TD_BAD_INPUT') && /"Arena" is in KZ-71-D03/.test(e.message));
  assert.equal((await db.query('SELECT id FROM td_evacuation_plans')).length, plans);
  assert.equal((await db.query("SELECT seq FROM audit_log WHERE action = 'td.evacuation.draft'")).length, audits);
});

test('readiness: approved plans count toward evacuation coverage, drafts do not', async () => {
  const astana = (await territorialReadiness(db)).find((r) => r.region === 'KZ-71');
  // Approved: the accepted 48 h plan (270,000 of 382,250 through) and the feasible 72 h plan (382,250 of 382,250).
  assert.deepEqual(
    [astana?.measures.evacPlansApproved, astana?.measures.evacPeopleToMove, astana?.measures.evacCoveragePct, astana?.measures.shelterPlaces],
    [2, 2 * D02_POPULATION, Math.floor((100 * (270_000 + D02_POPULATION)) / (2 * D02_POPULATION)), 600_000],
  );
  const almaty = (await territorialReadiness(db)).find((r) => r.region === 'KZ-75');
  assert.deepEqual([almaty?.measures.evacPlansApproved, almaty?.measures.evacCoveragePct, almaty?.measures.units], [0, 0, 0]);
});

test('two approvals at once: one approves, the other is told the plan is already approved (not a database error)', { skip: !onPostgres && 'PGlite runs one transaction at a time' }, async () => {
  const plan = await createEvacuationPlan(db, { name: 'D02 to D03, approved twice at once', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 72 }, as('planner'));
  const results = await raceOnLock(db, 'SELECT id FROM td_evacuation_plans WHERE id = $1 FOR UPDATE', [plan.id], () => [
    approveEvacuationPlan(db, String(plan.id), as('approver')),
    approveEvacuationPlan(db, String(plan.id), as('second.approver')),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected');
  assert.ok(refused && isDomainError(refused.reason, 'TD_BAD_TRANSITION'), `expected TD_BAD_TRANSITION, got ${(refused?.reason as Error)?.message}`);
  assert.equal((await db.query("SELECT 1 FROM td_evacuation_actions WHERE plan_id = $1 AND action = 'approve'", [plan.id])).length, 1);
});
