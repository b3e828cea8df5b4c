import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Role } from '../src/modules/access/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { asUser, staffToken } from './helpers/staff.ts';
import { addPeople } from './helpers/summons.ts';
import { infrastructureObject } from './helpers/territorial.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();
const astanaVolunteer = person(201, { region: 'KZ-71', district: 'KZ-71-D01', volunteer: true, last_name: 'Сейтказиева' });
const almatyVolunteer = person(202, { region: 'KZ-75', district: 'KZ-75-D01', volunteer: true, last_name: 'Жумабекова' });
const USERS: [string, Role, Record<string, string>][] = [
  ['coordinator', 'national_coordinator', {}],
  ['astana.officer', 'regional_officer', { region: 'KZ-71' }],
  ['astana.second', 'regional_officer', { region: 'KZ-71' }],
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['esil.officer', 'district_officer', { region: 'KZ-71', district: 'KZ-71-D01' }],
];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [astanaVolunteer, almatyVolunteer, person(203, { region: 'KZ-71', district: 'KZ-71-D02' })]);
  await infrastructureObject(db, { region: 'KZ-71', code: 'AST-TPP', criticality: 1 });
  for (const [u, role, scope] of USERS) tokens.set(u, await staffToken(db, u, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = asUser(() => app, tokens);

test('an officer works in their own area: other regions are refused, not shown empty', async () => {
  const unit = await call('astana.officer', 'POST', '/api/td/units', { name: 'Esil company', region: 'KZ-71', district: 'KZ-71-D01', kind: 'volunteer_formation', strengthTarget: 3 });
  assert.equal(unit.statusCode, 201, unit.body);
  const id = unit.json().id as number;
  const fill = await call('esil.officer', 'POST', `/api/td/units/${id}/fill`, { apply: true });
  assert.equal(fill.statusCode, 200, fill.body);
  assert.deepEqual(fill.json().proposed.map((p: { iin: string }) => p.iin), [astanaVolunteer.iin], 'a district officer draws from their district only');

  const almatyUnit = await call('almaty.officer', 'GET', `/api/td/units/${id}`);
  assert.equal(almatyUnit.statusCode, 404);
  const almatyMembers = await call('almaty.officer', 'GET', `/api/td/units/${id}/members`);
  assert.equal(almatyMembers.statusCode, 404);
  assert.doesNotMatch(almatyMembers.body, /Сейтказиева/);
  assert.deepEqual((await call('almaty.officer', 'GET', '/api/td/units')).json().units, []);
  const asked = await call('almaty.officer', 'GET', '/api/td/units?region=KZ-71');
  assert.deepEqual([asked.statusCode, asked.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const raise = await call('almaty.officer', 'POST', '/api/td/units', { name: 'x', region: 'KZ-71', kind: 'engineering', strengthTarget: 3 });
  assert.deepEqual([raise.statusCode, raise.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const addForeign = await call('astana.officer', 'POST', `/api/td/units/${id}/members`, { iins: [almatyVolunteer.iin] });
  assert.deepEqual([addForeign.statusCode, addForeign.json().error.code], [404, 'TD_PERSON_NOT_FOUND']);

  const members = await call('astana.officer', 'GET', `/api/td/units/${id}/members`);
  assert.deepEqual(members.json().members.map((m: { iin: string }) => m.iin), [astanaVolunteer.iin]);
  const reads = await db.query("SELECT 1 FROM audit_log WHERE action = 'td.members.read' AND actor = 'user:astana.officer'");
  assert.equal(reads.length, 1, 'the member list read is audited');

  const readiness = await call('almaty.officer', 'GET', '/api/td/readiness');
  assert.deepEqual(readiness.json().regions.map((r: { region: string }) => r.region), ['KZ-75']);
  const national = (await call('coordinator', 'GET', '/api/td/readiness')).json().regions.find((r: { region: string }) => r.region === 'KZ-71');
  assert.deepEqual([national.measures.units, national.measures.members, national.measures.strengthPct, national.measures.critUnprotected], [1, 1, 33, 1]);
  const protection = (await call('astana.officer', 'GET', '/api/td/protection')).json();
  assert.deepEqual(protection.unprotected.map((o: { code: string }) => o.code), ['AST-TPP']);

  const guard = await call('astana.officer', 'POST', `/api/td/units/${id}/protection`, { objectId: protection.unprotected[0].id, shiftStrength: 2 });
  assert.equal(guard.statusCode, 201, guard.body);
  const end = (user: string, body: unknown) => call(user, 'POST', `/api/td/protection/${guard.json().id}/end`, body);
  assert.deepEqual([(await end('almaty.officer', { reason: 'not mine' })).statusCode], [404]);
  const noReason = await end('astana.officer', {});
  assert.deepEqual([noReason.statusCode, noReason.json().error.code], [400, 'TD_BAD_INPUT']);
  const ended = await end('astana.officer', { reason: 'object closed' });
  assert.deepEqual([ended.statusCode, ended.json().ended.reason, ended.json().ended.by], [200, 'object closed', 'user:astana.officer'], ended.body);
  const afterEnd = (await call('astana.officer', 'GET', '/api/td/protection')).json();
  assert.deepEqual([afterEnd.assignments, afterEnd.unprotected.map((o: { code: string }) => o.code)], [[], ['AST-TPP']]);
});

test('evacuation over HTTP: a bad plan writes nothing; approval needs a second person and a reason for a shortfall', async () => {
  const bad = await call('astana.officer', 'POST', '/api/td/evacuation-plans', { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 'two days' });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'TD_BAD_INPUT']);
  assert.match(bad.json().error.message, /windowHours/);
  assert.equal((await db.query('SELECT 1 FROM td_evacuation_plans')).length, 0);
  const district = await call('esil.officer', 'POST', '/api/td/evacuation-plans', { name: 'x', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 24 });
  assert.deepEqual([district.statusCode, district.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE'], 'plans span districts: regional work');

  assert.equal((await call('astana.officer', 'POST', '/api/td/shelters', { name: 'Gym', region: 'KZ-71', district: 'KZ-71-D03', capacity: 1000 })).statusCode, 201);
  const plan = await call('astana.officer', 'POST', '/api/td/evacuation-plans', { name: 'D02 out', region: 'KZ-71', fromDistricts: ['KZ-71-D02'], toDistricts: ['KZ-71-D03'], windowHours: 24 });
  assert.equal(plan.statusCode, 201, plan.body);
  const check = plan.json().check;
  // No transport in D02 at all: nobody moves, whatever the shelters hold.
  assert.deepEqual([check.seatTrips, check.shelterPlaces, check.shortfall.transport, check.feasible], [0, 1000, check.peopleToMove, false]);
  const url = `/api/td/evacuation-plans/${plan.json().id}/approve`;
  assert.equal((await call('astana.officer', 'POST', url, {})).json().error.code, 'TD_SELF_APPROVAL');
  const refused = await call('astana.second', 'POST', url, {});
  assert.deepEqual([refused.statusCode, refused.json().error.code], [422, 'TD_PLAN_INFEASIBLE']);
  assert.equal(refused.json().error.details.check.shortfall.transport, check.peopleToMove);
  assert.equal((await call('almaty.officer', 'POST', url, { acceptShortfall: 'x' })).statusCode, 404);
  const ok = await call('astana.second', 'POST', url, { acceptShortfall: 'residents shelter in place; buses requested from the region' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual([ok.json().status, ok.json().approvedBy], ['approved', 'user:astana.second']);
});
