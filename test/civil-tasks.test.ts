import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { planCallup } from '../src/modules/callup/index.ts';
import { civilReadiness, createTask, personnelCounts, personnelList, planTask, recordTaskAction, showTask, taskAssignments, unconfined, type CivilContext } from '../src/modules/civil/index.ts';
import type { PersonRecord } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const author: CivilContext = unconfined('user:coordinator', clock);
const second: CivilContext = unconfined('user:second', clock);
let db: Db;

// A hand-built registry: Almaty 4 nurses (one volunteer) + 2 engineers, Astana 3 nurses, Shymkent 1 nurse + 1 teacher.
let k = 100;
const p = (region: string, district: string, sector: string, occupation: string, over: Partial<PersonRecord> = {}) =>
  person(k++, { region, district, sector, occupation, specialty: null, mil_registered: false, ...over } as Partial<PersonRecord>);
const registry = [
  p('KZ-75', 'KZ-75-D01', 'health', 'медицинская сестра'),
  p('KZ-75', 'KZ-75-D01', 'health', 'медицинская сестра', { volunteer: true }),
  p('KZ-75', 'KZ-75-D02', 'health', 'медицинская сестра'),
  p('KZ-75', 'KZ-75-D02', 'health', 'медицинская сестра'),
  p('KZ-75', 'KZ-75-D01', 'energy', 'инженер-энергетик'),
  p('KZ-75', 'KZ-75-D02', 'energy', 'инженер-энергетик'),
  p('KZ-71', 'KZ-71-D01', 'health', 'медицинская сестра'),
  p('KZ-71', 'KZ-71-D01', 'health', 'медицинская сестра'),
  p('KZ-71', 'KZ-71-D02', 'health', 'медицинская сестра'),
  p('KZ-79', 'KZ-79-D01', 'health', 'медицинская сестра'),
  p('KZ-79', 'KZ-79-D01', 'other', 'учитель'),
];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, registry);
});
after(async () => db.close());

/** The expected counts, computed from the hand-built list itself. */
function expected(key: (x: PersonRecord) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of registry) if (x.sector !== 'other') m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

test('essential personnel counts by sector, region, district and skill leave out the "other" sector', async () => {
  for (const [by, key] of [
    ['sector', (x: PersonRecord) => x.sector as string],
    ['region', (x: PersonRecord) => x.region],
    ['district', (x: PersonRecord) => x.district as string],
    ['skill', (x: PersonRecord) => x.occupation as string],
  ] as const) {
    const r = await personnelCounts(db, { by: [by] });
    assert.deepEqual(new Map(r.rows.map((row) => [row.keys[by], row.count])), expected(key), by);
    assert.equal(r.total, 10);
  }
  const cross = await personnelCounts(db, { by: 'sector,region', sector: 'health' });
  assert.deepEqual(cross.rows.map((r) => `${r.keys.sector}/${r.keys.region}:${r.count}`), ['health/KZ-75:4', 'health/KZ-71:3', 'health/KZ-79:1']);
  await assert.rejects(personnelCounts(db, { by: ['salary'] }), (e) => isDomainError(e, 'CIVIL_BAD_QUERY'));
});

test("lists are confined to the reader's area and audited", async () => {
  const almaty: CivilContext = { ...author, actor: 'user:almaty.officer', region: 'KZ-75', scope: (alias, params) => `${alias}.region = $${params.push('KZ-75')}` };
  const list = await personnelList(db, { sector: 'health' }, almaty);
  assert.equal(list.total, 4);
  assert.ok(list.people.every((x) => x.region === 'KZ-75'));
  const audit = await db.query<{ details: { rows: number } }>("SELECT details FROM audit_log WHERE action = 'civil.personnel.read' AND actor = 'user:almaty.officer'");
  assert.deepEqual(audit.map((a) => a.details.rows), [4]);
});

test('a civil task is planned by the call-up planner: nearest first, volunteers first, shortfall with its reason', async () => {
  await createTask(db, { id: 'nurses-almaty', title: '6 nurses to Almaty', sector: 'health', region: 'KZ-75', due_date: '2026-12-01', lines: [{ skill: 'медицинская сестра', count: 6 }] }, author);
  const t = await planTask(db, 'nurses-almaty', author);
  assert.equal(t.state.status, 'planned');
  // Eight nurses in all: Almaty's four (no travel) and the two nearest of the rest; Shymkent (≈ 600 km) is nearer than Astana (≈ 970 km).
  assert.deepEqual([t.report?.totals.quota, t.report?.totals.filled, t.report?.totals.shortfall], [6, 6, 0]);
  const people = await taskAssignments(db, 'nurses-almaty', author);
  const byRegion = new Map<string, number>();
  for (const x of people) byRegion.set(x.homeRegion, (byRegion.get(x.homeRegion) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byRegion), { 'KZ-75': 4, 'KZ-79': 1, 'KZ-71': 1 });

  await createTask(db, { id: 'nurses-astana', title: 'territorial', sector: 'health', region: 'KZ-71', due_date: '2026-12-01', territorial: true, lines: [{ skill: 'медицинская сестра', count: 5 }, { skill: 'фельдшер', count: 2 }] }, author);
  const s = await planTask(db, 'nurses-astana', author);
  // Astana's three nurses minus the one the Almaty task already holds: no double assignment.
  assert.deepEqual(s.report?.cells.map((c) => [c.filled, c.shortfall]), [[2, 3], [0, 2]]);
  assert.match(s.report?.cells[0]?.reason ?? '', /3 of 5 places unfilled/);
  assert.match(s.report?.cells[1]?.reason ?? '', /no eligible people with specialty фельдшер/);
});

test('two-person rule: neither the author nor the planner approves; approved tasks cannot be re-planned', async () => {
  await assert.rejects(recordTaskAction(db, 'nurses-almaty', 'approve', author), (e) => isDomainError(e, 'CIVIL_SELF_APPROVAL'));
  const t = await recordTaskAction(db, 'nurses-almaty', 'approve', second);
  assert.deepEqual([t.state.status, t.state.approvedBy], ['approved', 'user:second']);
  await assert.rejects(planTask(db, 'nurses-almaty', second), (e) => isDomainError(e, 'CIVIL_BAD_TRANSITION'));
  const astanaOfficer: CivilContext = { ...second, region: 'KZ-71' };
  await assert.rejects(createTask(db, { id: 'elsewhere', title: 'x', sector: 'health', region: 'KZ-75', due_date: '2026-12-01', lines: [{ skill: 'x', count: 1 }] }, astanaOfficer), (e) => isDomainError(e, 'ACCESS_OUT_OF_SCOPE'));
  const log = await db.query<{ action: string }>("SELECT action FROM audit_log WHERE subject = 'civil_task:nurses-almaty' ORDER BY seq");
  assert.deepEqual(log.map((l) => l.action), ['civil.task.create', 'civil.task.plan', 'civil.task.assignments.read', 'civil.task.approve']);
});

test('people holding a place in a live call-up plan are not given a civil task', async () => {
  const soldier = officer({ sector: 'energy', occupation: 'электромонтёр', region: 'KZ-75', specialty: 'aviation' });
  const other = officer({ sector: 'energy', occupation: 'электромонтёр', region: 'KZ-75', specialty: 'medical' });
  await addPeople(db, clock, [soldier, other]);
  await planCallup(db, order('civil-busy', 1), { actor: 'officer-a', clock });
  await createTask(db, { id: 'electricians', title: 'x', sector: 'energy', region: 'KZ-75', due_date: '2026-12-01', lines: [{ skill: 'электромонтёр', count: 2 }] }, author);
  await planTask(db, 'electricians', author);
  const got = (await taskAssignments(db, 'electricians', author)).map((a) => a.iin);
  assert.deepEqual(got, [other.iin]);
});

test('readiness per region: essential, reserved, demand, assigned, shortfall', async () => {
  const r = new Map((await civilReadiness(db, clock)).map((x) => [x.region, x.measures]));
  assert.equal(r.get('KZ-75')?.essential, 8);
  assert.equal(r.get('KZ-75')?.taskDemand, 8);
  assert.equal(r.get('KZ-75')?.assigned, 7);
  assert.equal(r.get('KZ-71')?.shortfall, 5);
  const task = await showTask(db, 'nurses-astana');
  assert.equal(task.state.status, 'planned');
});
