import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  explainPlanFor,
  getPlan,
  parseOrderText,
  planAssignments,
  planCallup,
  readOrderFile,
  recordPlanAction,
  regionDistanceKm,
  type CallupOrder,
} from '../src/modules/callup/index.ts';
import { copyCsvLine, makeIin, upsertPersons, type PersonRecord } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = { actor: 'officer-a', clock };
let db: Db;
let n = 1000;

/** A reserve officer eligible for the 2024 call-up on 2024-10-01 (age 26), in the given region and specialty. */
function officer(region: string, specialty: string, over: Partial<PersonRecord> = {}): PersonRecord {
  const birth = over.birth_date ?? '1998-03-05';
  let iin: string | null = null;
  while (!iin) iin = makeIin(birth, 'M', n++);
  return person(1, { iin, sex: 'M', region, district: null, specialty, birth_date: birth, ...over });
}

async function add(people: PersonRecord[]): Promise<void> {
  await db.transaction((tx) => upsertPersons(tx, people.map((p) => ({ iin: p.iin, csv: copyCsvLine(p) })), { at: clock.now(), actor: 'test', source: 'test' }));
}

function order(yaml: string): CallupOrder {
  const base = `
title: test order
legal_basis: { document: test resolution }
rule_set: reserve-officer-callup
reference_date: 2024-10-01
appearance: { from: 2024-10-15, to: 2024-10-31 }
agencies:
  army: { name: Army, region: KZ-71 }
  guard: { name: Guard, region: KZ-75 }
`;
  const { order: o, issues } = parseOrderText(base + yaml);
  assert.deepEqual(issues, []);
  return o as CallupOrder;
}

before(async () => {
  db = await freshDb();
});
after(async () => db.close());

test('people go to the nearest places, volunteers before the unemployed before the rest', async () => {
  // Aviation: 2 places in Astana (KZ-71), 1 in Almaty (KZ-75). Candidates in Astana, Almaty and far-off Mangystau.
  const astana = officer('KZ-71', 'aviation');
  const almaty = officer('KZ-75', 'aviation');
  const aktau = officer('KZ-47', 'aviation');
  const aktauVolunteer = officer('KZ-47', 'aviation', { volunteer: true });
  const farRest = officer('KZ-63', 'aviation');
  await add([astana, almaty, aktau, aktauVolunteer, farRest]);
  const o = order(`
id: nearest
quotas:
  - { agency: army, specialty: aviation, count: 2 }
  - { agency: guard, specialty: aviation, count: 1 }
`);
  const { id, report } = await planCallup(db, o, ctx);
  assert.equal(report.totals.filled, 3);
  const got = new Map((await planAssignments(db, String(id), { actor: 'test', at: clock.now(), purpose: 'test' })).map((a) => [a.iin, a.cell]));
  // The volunteer is taken first whatever the distance; then the two nearest of the rest fill the places.
  assert.equal(got.get(aktauVolunteer.iin) !== undefined, true);
  assert.equal(got.get(almaty.iin), 1, 'the Almaty officer serves in Almaty');
  assert.equal(got.get(astana.iin), 0, 'the Astana officer serves in Astana');
  assert.equal(got.has(aktau.iin), false);
  assert.equal(got.has(farRest.iin), false);
  const expected =
    regionDistanceKm('KZ-47', report.cells[got.get(aktauVolunteer.iin) as number]!.receivingRegion);
  assert.equal(report.totals.travelKm, expected, 'only the volunteer travels');
  // Tiers: volunteer 0, unemployed 1, rest 2 at 5000 km a step; the two others taken are of the rest.
  assert.equal(report.totals.priorityPenalty, 2 * 2 * 5000);
});

test('shortfalls name their reason; reserved workers are kept out unless the order allows them', async () => {
  const eng = officer('KZ-35', 'engineering');
  const reservedEng = officer('KZ-35', 'engineering', { employer_bin: '000740000728', sector: 'energy', employment: 'employed' });
  await add([eng, reservedEng]);
  const quotas = `
quotas:
  - { agency: army, specialty: engineering, count: 3 }
  - { agency: army, specialty: artillery, count: 2 }
`;
  const { report } = await planCallup(db, order(`id: short\n${quotas}`), ctx);
  const [engCell, artCell] = report.cells;
  assert.equal(engCell!.filled, 1);
  assert.match(engCell!.reason!, /^2 of 3 places unfilled: all 1 eligible people with specialty engineering are called; 1 more are reserved essential workers/);
  assert.equal(artCell!.filled, 0);
  assert.equal(artCell!.reason, '2 of 2 places unfilled: no eligible people with specialty artillery');
  assert.equal(report.totals.shortfall, 4);

  const allowed = await planCallup(db, order(`id: short-allowed\nallow_reserved: true\n${quotas}`), ctx);
  assert.equal(allowed.report.cells[0]!.filled, 2);

  const why = await explainPlanFor(db, 'short', reservedEng.iin, { actor: 'test', at: clock.now() });
  assert.equal(why.selected, false);
  assert.match(why.summary, /reserved as an essential worker under essential-worker-reservation@1/);
});

test('the territorial principle keeps people to places in their own region', async () => {
  const inKaraganda = officer('KZ-35', 'radio');
  const inPavlodar = officer('KZ-55', 'radio');
  await add([inKaraganda, inPavlodar]);
  const { id, report } = await planCallup(db, order(`
id: territorial
territorial: true
quotas:
  - { agency: army, specialty: radio, region: KZ-35, count: 2 }
`), ctx);
  assert.equal(report.cells[0]!.filled, 1);
  assert.match(report.cells[0]!.reason!, /registered in KZ-35/);
  const got = await planAssignments(db, String(id), { actor: 'test', at: clock.now(), purpose: 'test' });
  assert.deepEqual(got.map((a) => a.iin), [inKaraganda.iin]);
});

test('the same order and seed give the same plan; the lottery decides within a class', async () => {
  const pool = Array.from({ length: 12 }, () => officer('KZ-59', 'logistics'));
  await add(pool);
  const o = order(`
id: lottery
seed: first
quotas:
  - { agency: army, specialty: logistics, count: 5 }
`);
  const pick = async (seed?: string) => {
    const { id } = await planCallup(db, o, { ...ctx, ...(seed ? { seed } : {}) });
    return (await planAssignments(db, String(id), { actor: 'test', at: clock.now(), purpose: 'test' })).map((a) => `${a.iin}:${a.lotteryRank}`).sort();
  };
  const a = await pick();
  const b = await pick();
  assert.equal(a.length, 5);
  assert.deepEqual(a, b, 'same order + seed ⇒ identical plan');
  const c = await pick('second');
  assert.notDeepEqual(a, c, 'another seed draws other people from the class');
  const plan = await getPlan(db, 'lottery');
  assert.equal(plan.version, 3);
  const loser = pool.find((p) => !a.some((x) => x.startsWith(p.iin)))!;
  const why = await explainPlanFor(db, 'lottery@v1', loser.iin, { actor: 'test', at: clock.now() });
  assert.equal(why.selected, false);
  assert.match(why.summary, /takes 5 of 12 in this class and the lottery ranked this person (\d+)/);
  assert.ok(Number(/ranked this person (\d+)/.exec(why.summary)![1]) > 5);
});

test('a plan is approved by a second person only, then cannot change', async () => {
  const o = order(`
id: approval
quotas:
  - { agency: army, specialty: logistics, count: 1 }
`);
  const { id } = await planCallup(db, o, ctx);
  await assert.rejects(recordPlanAction(db, String(id), 'approve', ctx), (e) => isDomainError(e, 'CALLUP_SELF_APPROVAL'));
  const approved = await recordPlanAction(db, String(id), 'approve', { actor: 'officer-b', clock, note: 'checked' });
  assert.equal(approved.state.status, 'approved');
  assert.equal(approved.state.approvedBy, 'officer-b');
  await assert.rejects(recordPlanAction(db, String(id), 'withdraw', { actor: 'officer-b', clock }), (e) => isDomainError(e, 'CALLUP_BAD_TRANSITION'));
  await assert.rejects(db.query('UPDATE callup_assignments SET cell = 0 WHERE plan_id = $1', [id]), /append-only/);
  await assert.rejects(db.query('DELETE FROM callup_plans WHERE id = $1', [id]), /append-only/);
  const [audit] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'callup.plan.approve' AND subject = $1", [`callup_plan:${id}`]);
  assert.equal(audit!.n, 1);
});

test('a person who is not eligible is told why, with the rule that failed', async () => {
  const old = officer('KZ-59', 'logistics', { birth_date: '1990-01-01' });
  await add([old]);
  const why = await explainPlanFor(db, 'lottery@v1', old.iin, { actor: 'test', at: clock.now() });
  assert.equal(why.selected, false);
  assert.match(why.summary, /^not eligible under reserve-officer-callup@2024 on 2024-10-01/);
  assert.match(why.details.join('\n'), /age 34 on 2024-10-01/);
});

test('bad orders are refused with path and line', () => {
  // Lines 1-10 of both orders; the quota lines after them differ.
  const head = `id: bad
title: t
legal_basis: { document: d }
rule_set: reserve-officer-callup
reference_date: 2024-10-01
appearance: { from: 2024-10-15, to: 2024-10-01 }
agencies:
  army: { name: Army, region: KZ-99 }
quotas:
  - { agency: navy, specialty: medical, count: 2 }
`;
  const { issues } = parseOrderText(`${head}  - { agency: army, specialty: cooking, count: 0 }\n`);
  const shown = issues.map((i) => `${i.line}:${i.path}`);
  assert.ok(shown.includes('11:quotas[1].count'), shown.join(' '));
  const { issues: semantic } = parseOrderText(`${head}  - { agency: army, specialty: cooking, count: 1 }\n  - { agency: army, specialty: cooking, count: 1 }\n`);
  const text = semantic.map((i) => `${i.line}:${i.path}: ${i.message}`);
  assert.deepEqual(text, [
    '6:appearance.to: is before appearance.from 2024-10-15',
    '8:agencies.army.region: KZ-99 is not a known region ISO code',
    '10:quotas[0].agency: navy is not one of the order\'s agencies (army)',
    '11:quotas[1].specialty: cooking is not a known military specialty code',
    '12:quotas[2].specialty: cooking is not a known military specialty code',
    '12:quotas[2]: repeats the cell of quotas[1] (same agency, specialty and region)',
  ]);
});

test('the shipped 2024 order is valid and asks for 752 places: 600/80/42/30', () => {
  const o = readOrderFile('examples/orders/reserve-officers-2024.yaml');
  const by = new Map<string, number>();
  for (const q of o.quotas) by.set(q.agency, (by.get(q.agency) ?? 0) + q.count);
  assert.deepEqual(Object.fromEntries(by), { armed_forces: 600, border_service: 80, national_guard: 42, emergencies: 30 });
});
