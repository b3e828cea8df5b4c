import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { addMembers, createUnit, fillUnit, listMembers, removeMember, type TdContext } from '../src/modules/territorial/index.ts';
import { freshDb, onPostgres, raceOnLock } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const national: TdContext = { actor: 'officer-a', clock, area: { region: null, district: null } };
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
let db: Db;

// Astana (KZ-71). A reservist qualifies when registered, served and fit (A/B); a volunteer qualifies as such.
const reservist = (n: number, district: string, over = {}) => person(n, { sex: 'M', region: 'KZ-71', district, mil_registered: true, served: true, fitness: 'B', volunteer: false, ...over });
const volunteer = (n: number, district: string, over = {}) => person(n, { sex: 'F', region: 'KZ-71', district, volunteer: true, ...over });
const people = {
  dRes1: reservist(101, 'KZ-71-D01'),
  dRes2: reservist(103, 'KZ-71-D01'),
  dVol: volunteer(102, 'KZ-71-D01'),
  rVol: volunteer(104, 'KZ-71-D02'),
  rRes: reservist(105, 'KZ-71-D03'),
  unfit: reservist(107, 'KZ-71-D01', { fitness: 'V' }),
  notServed: reservist(109, 'KZ-71-D01', { served: false }),
  prisoner: volunteer(106, 'KZ-71-D01', { serving_sentence: true }),
  elsewhere: volunteer(108, 'KZ-71-D01', { region: 'KZ-75', district: 'KZ-75-D01' }),
};
// Almaty (KZ-75) volunteers for the concurrent fills: more than two fills of a unit of 2 could take.
const almatyVolunteers = [201, 202, 203, 204, 205, 206].map((n) => person(n, { region: 'KZ-75', district: 'KZ-75-D01', volunteer: true }));
// In an approved call-up plan (and a volunteer, so only the call-up keeps them out).
const called = officer({ volunteer: true, district: 'KZ-71-D01' });

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...Object.values(people), called, ...almatyVolunteers]);
  await approvedPlan(db, clock, order('td-units-callup', 1));
});
after(async () => {
  await db.close();
});

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params))[0]?.n);

test('a person serves in one unit only, and only if a volunteer or a fit reservist who has served', async () => {
  const a = await createUnit(db, { name: 'Astana battalion', region: 'KZ-71', kind: 'territorial_troops', strengthTarget: 10 }, national);
  const b = await createUnit(db, { name: 'Esil volunteers', region: 'KZ-71', district: 'KZ-71-D01', kind: 'volunteer_formation', strengthTarget: 5 }, national);
  const joined = await addMembers(db, a.id, [people.dRes1.iin, people.dVol.iin], national);
  assert.deepEqual([joined.members, joined.volunteers, joined.reservists], [2, 1, 1]);
  await assert.rejects(addMembers(db, b.id, [people.dRes1.iin], national), code('TD_ALREADY_MEMBER'));
  await assert.rejects(addMembers(db, a.id, [people.dVol.iin], national), code('TD_ALREADY_MEMBER'));
  for (const p of [people.unfit, people.notServed, people.prisoner]) await assert.rejects(addMembers(db, b.id, [p.iin], national), code('TD_NOT_ELIGIBLE'), p.iin);
  await assert.rejects(addMembers(db, b.id, [people.elsewhere.iin], national), code('TD_PERSON_NOT_FOUND'), 'a unit takes people of its own region');
  // All or none: a good person listed with a bad one is not added either.
  await assert.rejects(addMembers(db, b.id, [people.dRes2.iin, people.unfit.iin], national), code('TD_NOT_ELIGIBLE'));
  assert.equal(await count('SELECT 1 FROM td_members WHERE unit_id = $1', [b.id]), 0);
  await assert.rejects(createUnit(db, { name: 'x', region: 'KZ-71', district: 'KZ-75-D01', kind: 'engineering', strengthTarget: 5 }, national), code('TD_BAD_INPUT'));
  await assert.rejects(createUnit(db, { name: 'x', region: 'KZ-71', kind: 'militia', strengthTarget: 5 }, national), code('TD_BAD_INPUT'));
  await assert.rejects(createUnit(db, { name: 'Astana battalion', region: 'KZ-71', kind: 'engineering', strengthTarget: 5 }, national), code('TD_UNIT_EXISTS'));
  // Leaving a unit frees the person for another.
  await removeMember(db, a.id, people.dRes1.iin, { ...national, reason: 'moved to the volunteers' });
  assert.equal((await addMembers(db, b.id, [people.dRes1.iin], national)).members, 1);
  await removeMember(db, b.id, people.dRes1.iin, { ...national, reason: 'test reset' });
  await removeMember(db, a.id, people.dVol.iin, { ...national, reason: 'test reset' });
});

test('someone in an approved call-up plan cannot join a unit, nor be proposed by fill', async () => {
  const u = await createUnit(db, { name: 'Call-up check', region: 'KZ-71', kind: 'rapid_response', strengthTarget: 50 }, national);
  const planned = await db.query<{ iin: string }>('SELECT iin FROM callup_assignments');
  assert.deepEqual(planned.map((r) => r.iin), [called.iin], 'the officer is in the plan');
  await assert.rejects(addMembers(db, u.id, [called.iin], national), code('TD_IN_CALLUP'));
  const proposal = await fillUnit(db, u.id, { ...national, apply: false });
  assert.equal(proposal.proposed.some((p) => p.iin === called.iin), false);
  assert.equal(await count('SELECT 1 FROM td_members WHERE unit_id = $1', [u.id]), 0, 'a proposal writes nothing');
});

test('fill proposes the district pool before the region, volunteers before reservists, then by IIN; the same every time', async () => {
  const u = await createUnit(db, { name: 'Esil company', region: 'KZ-71', district: 'KZ-71-D01', kind: 'territorial_troops', strengthTarget: 4 }, national);
  const byIin = (a: { iin: string }, b: { iin: string }) => (a.iin < b.iin ? -1 : 1);
  const expected = [people.dVol, ...[people.dRes1, people.dRes2].sort(byIin), people.rVol].map((p) => p.iin);
  const first = await fillUnit(db, u.id, { ...national, apply: false });
  const again = await fillUnit(db, u.id, { ...national, apply: false });
  assert.equal(first.open, 4);
  assert.deepEqual(first.proposed.map((p) => p.iin), expected);
  assert.deepEqual(first.proposed.map((p) => [p.pool, p.basis]), [['district', 'volunteer'], ['district', 'reservist'], ['district', 'reservist'], ['region', 'volunteer']]);
  assert.deepEqual(again.proposed, first.proposed);
  const applied = await fillUnit(db, u.id, { ...national, actor: 'officer-b', apply: true });
  assert.equal(applied.unit.members, 4);
  assert.deepEqual((await fillUnit(db, u.id, { ...national, apply: false })).proposed, [], 'a full unit has no open places');
  // A region-level unit has no district pool: the region's remaining people by volunteer then IIN.
  const r = await createUnit(db, { name: 'Reserve', region: 'KZ-71', kind: 'territorial_troops', strengthTarget: 9 }, national);
  const rest = await fillUnit(db, r.id, { ...national, apply: false });
  assert.deepEqual(rest.proposed.map((p) => p.iin), [people.rRes.iin]);
  assert.deepEqual(rest.proposed.map((p) => p.pool), ['region']);
});

test('member lists are confined to the officer area and every read is audited', async () => {
  const [u] = await db.query<{ id: number }>("SELECT id FROM td_units WHERE name = 'Esil company'");
  const id = Number(u?.id);
  const astana: TdContext = { actor: 'user:astana', clock, area: { region: 'KZ-71', district: null } };
  const almaty: TdContext = { actor: 'user:almaty', clock, area: { region: 'KZ-75', district: null } };
  const otherDistrict: TdContext = { actor: 'user:d02', clock, area: { region: 'KZ-71', district: 'KZ-71-D02' } };
  const before = await count("SELECT 1 FROM audit_log WHERE action = 'td.members.read'");
  const members = await listMembers(db, id, { ...astana, purpose: 'test' });
  assert.equal(members.length, 4);
  assert.equal(await count("SELECT 1 FROM audit_log WHERE action = 'td.members.read' AND actor = 'user:astana'"), before + 1);
  await assert.rejects(listMembers(db, id, { ...almaty, purpose: 'test' }), code('TD_UNIT_NOT_FOUND'));
  await assert.rejects(listMembers(db, id, { ...otherDistrict, purpose: 'test' }), code('TD_UNIT_NOT_FOUND'));
  await assert.rejects(createUnit(db, { name: 'Almaty unit', region: 'KZ-75', kind: 'engineering', strengthTarget: 3 }, astana), code('ACCESS_OUT_OF_SCOPE'));
  const writes = await db.query<{ action: string }>("SELECT DISTINCT action FROM audit_log WHERE action LIKE 'td.%' ORDER BY action");
  assert.deepEqual(writes.map((w) => w.action), ['td.members.add', 'td.members.read', 'td.members.remove', 'td.unit.create', 'td.unit.fill', 'td.unit.fill.propose']);
});

test('two fills at once do not over-fill a unit: the second counts the first one\'s members', { skip: !onPostgres && 'PGlite runs one transaction at a time' }, async () => {
  const u = await createUnit(db, { name: 'Almaty pair', region: 'KZ-75', kind: 'rapid_response', strengthTarget: 2 }, national);
  const [a, b] = await raceOnLock(db, 'SELECT id FROM td_units WHERE id = $1 FOR UPDATE', [u.id], () => [
    fillUnit(db, u.id, { ...national, actor: 'officer-a', apply: true }),
    fillUnit(db, u.id, { ...national, actor: 'officer-b', apply: true }),
  ]);
  assert.deepEqual([a?.status, b?.status], ['fulfilled', 'fulfilled']);
  const opens = [a, b].map((r) => (r?.status === 'fulfilled' ? r.value.open : -1)).sort();
  assert.deepEqual(opens, [0, 2], 'one fill took both places, the other found none open');
  assert.equal(await count('SELECT 1 FROM td_members WHERE unit_id = $1', [u.id]), 2);
});
