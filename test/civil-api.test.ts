import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Role } from '../src/modules/access/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { asUser, staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const employer = makeBin('0611', 4, 0, 5) as string;
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();
const USERS: [string, Role, Record<string, string>][] = [
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['almaty.officer2', 'regional_officer', { region: 'KZ-75' }],
  ['hospital.hr', 'enterprise_officer', { employerBin: employer }],
];
// Five nurses in Almaty working for the hospital; one is also a reserve officer on a draft call-up plan.
const nurses = [1, 2, 3, 4].map((i) => person(300 + i, { region: 'KZ-75', district: 'KZ-75-D01', sector: 'health', occupation: 'медицинская сестра', employer_bin: employer, specialty: null, mil_registered: false }));
const reserveNurse = officer({ region: 'KZ-71', sector: 'other', occupation: 'медицинская сестра', employer_bin: employer });

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [...nurses, reserveNurse]);
  for (const [u, role, scope] of USERS) tokens.set(u, await staffToken(db, u, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = asUser(() => app, tokens);

test('a civil task over HTTP: created and planned by one officer, shortfall shown, approved by a second', async () => {
  const task = { id: 'almaty-nurses', title: '6 nurses', sector: 'health', region: 'KZ-75', due_date: '2026-12-10', territorial: true, lines: [{ skill: 'медицинская сестра', count: 6 }] };
  const created = await call('almaty.officer', 'POST', '/api/civil/tasks', task);
  assert.equal(created.statusCode, 201, created.body);
  const again = await call('almaty.officer', 'POST', '/api/civil/tasks', task);
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'CIVIL_TASK_EXISTS']);
  const bad = await call('almaty.officer', 'POST', '/api/civil/tasks', { ...task, id: 'x2', lines: [{ skill: '', count: 0 }] });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'CIVIL_TASK_INVALID']);

  const planned = await call('almaty.officer', 'POST', '/api/civil/tasks/almaty-nurses/plan', {});
  assert.equal(planned.statusCode, 200, planned.body);
  assert.deepEqual(planned.json().report.totals, { quota: 6, filled: 4, shortfall: 2, travelKm: 0 }, 'four Almaty nurses; the fifth is registered in Astana');
  const self = await call('almaty.officer', 'POST', '/api/civil/tasks/almaty-nurses/approve', {});
  assert.deepEqual([self.statusCode, self.json().error.code], [403, 'CIVIL_SELF_APPROVAL']);
  const approved = await call('almaty.officer2', 'POST', '/api/civil/tasks/almaty-nurses/approve', { note: 'checked' });
  assert.equal(approved.json().state.status, 'approved');
  const people = await call('almaty.officer2', 'GET', '/api/civil/tasks/almaty-nurses/assignments');
  assert.deepEqual(people.json().assignments.map((a: { iin: string }) => a.iin).sort(), nurses.map((n) => n.iin).sort());
  const counts = await call('hospital.hr', 'GET', '/api/civil/personnel/counts?by=region');
  assert.equal(counts.statusCode, 403, 'an enterprise officer has no head counts');
});

test('an enterprise reserves its employee by CSV; an officer approves; the draft call-up plan loses them', async () => {
  const planId = await approvedPlan(db, clock, order('api-civil-draft', 1), false);
  const line = `${reserveNurse.iin},organisation,${employer},hospital-2026,операционная медсестра,2026-11-23,2027-11-22`;
  const header = 'iin,requester_kind,requester,list_name,reason,valid_from,valid_to';
  const wrong = await call('hospital.hr', 'POST', '/api/civil/reservations/import', { csv: `${header}\n${line}\n${line.replace(employer, makeBin('0611', 4, 0, 6) as string)}\n` });
  assert.deepEqual([wrong.statusCode, wrong.json().error.code], [422, 'CIVIL_IMPORT_INVALID']);
  assert.deepEqual(wrong.json().error.details.issues, [{ line: 3, field: 'requester', reason: `you reserve for your own organisation only (BIN ${employer})` }]);
  assert.equal((await db.query('SELECT 1 FROM civil_reservations')).length, 0, 'nothing written');

  const imported = await call('hospital.hr', 'POST', '/api/civil/reservations/import', { csv: `${header}\n${line}\n` });
  assert.equal(imported.statusCode, 201, imported.body);
  const ids = imported.json().ids as number[];
  const own = await call('hospital.hr', 'POST', '/api/civil/reservations/approve', { ids });
  assert.equal(own.statusCode, 403, 'an enterprise may not approve');
  const outOfRegion = await call('almaty.officer', 'POST', '/api/civil/reservations/approve', { ids });
  assert.deepEqual([outOfRegion.statusCode, outOfRegion.json().error.code], [404, 'CIVIL_RESERVATION_NOT_FOUND'], 'the person lives in Astana');
  await staffToken(db, 'astana.officer', 'regional_officer', { region: 'KZ-71' }).then((t) => tokens.set('astana.officer', t));
  const done = await call('astana.officer', 'POST', '/api/civil/reservations/approve', { ids });
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual(done.json().results[0].removed, [{ planId, cell: 0, status: 'draft' }]);
  const plan = await call('astana.officer', 'GET', `/api/callup/plans/${planId}`);
  assert.deepEqual([plan.json().removals, plan.json().shortfallAfterRemovals], [[{ cell: 0, removed: 1 }], 1]);
  const list = await call('hospital.hr', 'GET', '/api/civil/reservations?status=approved');
  assert.deepEqual(list.json().reservations.map((r: { iin: string }) => r.iin), [reserveNurse.iin]);
  const revoked = await call('hospital.hr', 'POST', `/api/civil/reservations/${ids[0]}/revoke`, { reason: 'left the hospital' });
  assert.equal(revoked.json().status, 'revoked');
});
