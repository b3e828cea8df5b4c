import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { NATIONAL, addCyberMember, infrastructureReadiness, createCyberUnit, cyberSkillMatch, formCyberUnit, listCyberUnits, showCyberUnit, type InfraContext } from '../src/modules/infrastructure/index.ts';
import { makeIin, type PersonRecord } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const national: InfraContext = { actor: 'user:coordinator', at: clock.now(), scope: NATIONAL };
const almaty: InfraContext = { actor: 'user:almaty.officer', at: clock.now(), scope: { region: 'KZ-75', district: null, operatorBin: null } };
const astana: InfraContext = { actor: 'user:astana.officer', at: clock.now(), scope: { region: 'KZ-71', district: null, operatorBin: null } };

// Almaty people; `tier` is the skill tier the test expects (null: not eligible), written by hand from the rule.
const civil = (n: number, over: Partial<PersonRecord>) => {
  const birth = over.birth_date ?? '1990-05-05';
  // Serial n makes IINs distinct among people sharing a birth date.
  const iin = makeIin(birth, 'F', n) as string;
  return person(n, { iin, region: 'KZ-75', district: 'KZ-75-D01', birth_date: birth, mil_registered: false, mil_exemption: 'female_no_specialty', mil_category: null, rank: null, specialty: null, sex: 'F', volunteer: false, ...over });
};
const people: { p: PersonRecord; tier: 1 | 2 | 3 | null; why: string }[] = [
  { p: civil(11, { sector: 'cyber', occupation: 'инженер-программист' }), tier: 1, why: 'cyber sector' },
  { p: civil(12, { sector: 'communications', occupation: 'инженер связи', volunteer: true }), tier: 2, why: 'telecom occupation, volunteer' },
  { p: civil(13, { sector: 'other', occupation: 'системный администратор' }), tier: 1, why: 'cyber occupation outside the sector' },
  { p: civil(14, { sector: 'cyber', occupation: 'сетевой инженер', volunteer: true }), tier: 1, why: 'cyber sector, volunteer' },
  { p: person(15, { iin: makeIin('1992-01-01', 'M', 15) as string, region: 'KZ-75', birth_date: '1992-01-01', sex: 'M', specialty: 'information', sector: 'other', occupation: 'учитель' }), tier: 3, why: 'information specialty' },
  { p: civil(16, { sector: 'health', occupation: 'медицинская сестра' }), tier: null, why: 'no skill' },
  { p: civil(17, { sector: 'cyber', occupation: 'инженер-программист', serving_sentence: true }), tier: null, why: 'serving a sentence' },
  { p: civil(18, { sector: 'cyber', occupation: 'инженер-программист', birth_date: '1965-11-22' }), tier: null, why: 'turned 61 yesterday' },
  { p: civil(19, { sector: 'cyber', occupation: 'инженер-программист', birth_date: '2008-11-24' }), tier: null, why: '18 tomorrow' },
  { p: civil(20, { sector: 'cyber', occupation: 'инженер-программист', resides_abroad: true }), tier: null, why: 'abroad' },
];
const edge60 = civil(21, { sector: 'cyber', occupation: 'инженер-программист', birth_date: '1965-11-24' }); // 60 until tomorrow
const edge18 = civil(22, { sector: 'cyber', occupation: 'инженер-программист', birth_date: '2008-11-23' }); // 18 today
// A radio-engineering reserve officer the army's call-up plan takes: skilled, but held by the plan.
const drafted = officer({ specialty: 'radio', region: 'KZ-75', district: 'KZ-75-D01', sector: 'other', occupation: 'учитель' });
const astanaCoder = civil(23, { region: 'KZ-71', district: 'KZ-71-D01', sector: 'cyber', occupation: 'инженер-программист' });
let db: Db;

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...people.map((x) => x.p), edge60, edge18, drafted, astanaCoder]);
  await approvedPlan(db, clock, order('cyber-radio', 1, false, 'radio'));
  const held = await db.query('SELECT 1 FROM callup_assignments WHERE iin = $1', [drafted.iin]);
  assert.equal(held.length, 1, 'the plan assigns the radio engineer');
});
after(async () => {
  await db.close();
});

async function refused(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e) => isDomainError(e, code) || assert.fail(`expected ${code}, got ${String(e)}`));
}

test('the skill rule: cyber sector, cyber/telecom occupations and signal specialties, of age, reachable', () => {
  for (const { p, tier, why } of people) assert.equal(cyberSkillMatch(p, '2026-11-23').tier, tier, why);
  assert.equal(cyberSkillMatch(edge60, '2026-11-23').tier, 1, 'still 60');
  assert.equal(cyberSkillMatch(edge18, '2026-11-23').tier, 1, '18 today');
  assert.equal(cyberSkillMatch(drafted, '2026-11-23').tier, 3, 'radio engineering specialty');
});

test('proposals follow the documented order, the same on every run, without the drafted officer or other regions', async () => {
  const first = await formCyberUnit(db, { name: 'Киберрезерв Алматы', homeRegion: 'KZ-75', sizeTarget: 20 }, almaty);
  const again = await formCyberUnit(db, { name: 'Киберрезерв Алматы', homeRegion: 'KZ-75', sizeTarget: 20 }, almaty);
  assert.equal(first.unit, null, 'a proposal creates nothing');
  assert.deepEqual(again.proposed, first.proposed);
  // Tier, then volunteers, then IIN — computed here from the hand-written tiers.
  const eligible = [...people.filter((x) => x.tier !== null).map((x) => ({ iin: x.p.iin, tier: x.tier as number, volunteer: x.p.volunteer })), { iin: edge60.iin, tier: 1, volunteer: false }, { iin: edge18.iin, tier: 1, volunteer: false }];
  eligible.sort((a, b) => a.tier - b.tier || Number(b.volunteer) - Number(a.volunteer) || (a.iin < b.iin ? -1 : 1));
  assert.deepEqual(first.proposed.map((c) => c.iin), eligible.map((e) => e.iin));
  assert.equal(first.proposed[0]?.role, 'lead');
  assert.deepEqual(first.proposed.slice(1).map((c) => c.role), eligible.slice(1).map((e) => ({ 1: 'analyst', 2: 'engineer', 3: 'operator' })[e.tier]));
  const audit = await db.query<{ details: { iins: string[] } }>("SELECT details FROM audit_log WHERE action = 'infra.cyber_unit.propose' AND actor = 'user:almaty.officer'");
  assert.equal(audit.length, 2, 'reading the pool is audited');
  assert.deepEqual(audit[0]?.details.iins, eligible.map((e) => e.iin));
  await refused(formCyberUnit(db, { name: 'Чужой', homeRegion: 'KZ-71', sizeTarget: 3 }, almaty), 'ACCESS_OUT_OF_SCOPE');
});

test('forming a unit takes the top of the pool; the next formation proposes only those left', async () => {
  const { unit, proposed } = await formCyberUnit(db, { name: 'Киберрезерв Алматы-1', homeRegion: 'KZ-75', sizeTarget: 3, apply: true }, almaty);
  assert.ok(unit);
  assert.deepEqual([unit.code, unit.members, unit.sizeTarget], ['CYB-KZ-75-01', 3, 3]);
  const shown = await showCyberUnit(db, unit.id, almaty);
  assert.deepEqual(shown.members.map((m) => m.iin).sort(), proposed.map((c) => c.iin).sort());
  assert.equal(shown.members[0]?.role, 'lead');
  const next = await formCyberUnit(db, { name: 'x-unit', homeRegion: 'KZ-75', sizeTarget: 20 }, almaty);
  assert.equal(next.proposed.filter((c) => proposed.some((p) => p.iin === c.iin)).length, 0);
  assert.equal(next.proposed[0]?.role, 'lead');
});

test('a member must match the skill rule, be in no other unit and not be held by a call-up; the unit has room and one lead', async () => {
  const unit = await createCyberUnit(db, { name: 'Киберрезерв Алматы-2', homeRegion: 'KZ-75', sizeTarget: 2 }, almaty);
  const nurse = people[5]?.p as PersonRecord;
  const convict = people[6]?.p as PersonRecord;
  const taken = (await db.query<{ iin: string }>('SELECT iin FROM cyber_unit_members ORDER BY joined_at, iin'))[0]?.iin as string;
  await refused(addCyberMember(db, unit.id, { iin: nurse.iin, role: 'analyst' }, almaty), 'INFRA_NOT_ELIGIBLE');
  await refused(addCyberMember(db, unit.id, { iin: convict.iin, role: 'analyst' }, almaty), 'INFRA_NOT_ELIGIBLE');
  await refused(addCyberMember(db, unit.id, { iin: drafted.iin, role: 'operator' }, almaty), 'INFRA_IN_CALLUP');
  await refused(addCyberMember(db, unit.id, { iin: taken, role: 'analyst' }, almaty), 'INFRA_ALREADY_IN_UNIT');
  await refused(addCyberMember(db, unit.id, { iin: astanaCoder.iin, role: 'analyst' }, almaty), 'INFRA_PERSON_NOT_FOUND');
  await refused(addCyberMember(db, unit.id, { iin: '123', role: 'analyst' }, almaty), 'INFRA_INVALID_UNIT');
  const free = (await formCyberUnit(db, { name: 'probe', homeRegion: 'KZ-75', sizeTarget: 5 }, national)).proposed.map((c) => c.iin);
  assert.ok(!free.includes(taken), 'a member is not proposed again');
  await addCyberMember(db, unit.id, { iin: free[0] as string, role: 'lead' }, almaty);
  await refused(addCyberMember(db, unit.id, { iin: free[1] as string, role: 'lead' }, almaty), 'INFRA_UNIT_HAS_LEAD');
  const full = await addCyberMember(db, unit.id, { iin: free[1] as string, role: 'operator' }, almaty);
  assert.equal(full.members, 2);
  await refused(addCyberMember(db, unit.id, { iin: free[2] as string, role: 'operator' }, almaty), 'INFRA_UNIT_FULL');
  // The database itself holds a person to one unit.
  const other = await createCyberUnit(db, { name: 'Киберрезерв Алматы-3', homeRegion: 'KZ-75', sizeTarget: 5 }, national);
  await assert.rejects(db.query("INSERT INTO cyber_unit_members (iin, unit_id, role, joined_at, added_by) VALUES ($1, $2, 'analyst', now(), 'sql')", [free[0], other.id]));
  await refused(createCyberUnit(db, { name: 'Киберрезерв Алматы-4', homeRegion: 'KZ-75', sizeTarget: 5, members: [{ iin: free[2], role: 'lead' }, { iin: nurse.iin, role: 'analyst' }] }, national), 'INFRA_NOT_ELIGIBLE');
  assert.equal((await db.query("SELECT 1 FROM cyber_units WHERE name = 'Киберрезерв Алматы-4'")).length, 0, 'a unit with a bad member is not created at all');
});

test("members' personal data stays in the region, and every read of it is audited, refused ones too", async () => {
  const [unit] = await listCyberUnits(db, almaty.scope);
  assert.ok(unit);
  assert.deepEqual(await listCyberUnits(db, astana.scope), []);
  await refused(listCyberUnits(db, almaty.scope, 'KZ-71'), 'ACCESS_OUT_OF_SCOPE');
  await refused(showCyberUnit(db, unit.id, astana), 'INFRA_UNIT_NOT_FOUND');
  await refused(showCyberUnit(db, unit.id, { ...almaty, scope: { region: 'KZ-75', district: 'KZ-75-D01', operatorBin: null } }), 'ACCESS_DENIED');
  const shown = await showCyberUnit(db, unit.id, almaty);
  const reads = await db.query<{ actor: string; details: { found: boolean; iins: string[] } }>("SELECT actor, details FROM audit_log WHERE action = 'infra.cyber_unit.members.read' ORDER BY seq");
  assert.deepEqual(reads.slice(-2).map((r) => [r.actor, r.details.found]), [['user:astana.officer', false], ['user:almaty.officer', true]]);
  assert.deepEqual(reads.at(-1)?.details.iins, shown.members.map((m) => m.iin));
  assert.deepEqual(reads.at(-2)?.details.iins, [], 'the refused read disclosed nobody');
});

test('readiness counts the reservists in units per region against the units\' size targets', async () => {
  const [n] = await db.query<{ members: number; target: number }>(
    "SELECT (SELECT count(*)::int FROM cyber_unit_members m JOIN cyber_units u ON u.id = m.unit_id WHERE u.home_region = 'KZ-75') AS members, (SELECT sum(size_target)::int FROM cyber_units WHERE home_region = 'KZ-75') AS target",
  );
  const almatyReadiness = (await infrastructureReadiness(db)).find((r) => r.region === 'KZ-75')?.measures;
  assert.ok(Number(n?.members) >= 5, 'units were formed above');
  assert.equal(almatyReadiness?.cyberReservists, Number(n?.members));
  assert.equal(almatyReadiness?.cyberFill, Math.round((100 * Number(n?.members)) / Number(n?.target)));
  assert.equal((await infrastructureReadiness(db)).find((r) => r.region === 'KZ-71')?.measures.cyberReservists, 0);
});
