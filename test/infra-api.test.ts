import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Role } from '../src/modules/access/index.ts';
import { makeBin, makeIin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { asUser, staffToken } from './helpers/staff.ts';
import { addPeople } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const operator = makeBin('0504', 4, 0, 123) as string;
const coder = person(1, { iin: makeIin('1991-02-03', 'M', 31) as string, birth_date: '1991-02-03', sex: 'M', region: 'KZ-75', district: 'KZ-75-D01', sector: 'cyber', occupation: 'специалист по информационной безопасности', last_name: 'Жумабеков' });
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();
const USERS: [string, Role, Record<string, string>][] = [
  ['coordinator', 'national_coordinator', {}],
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['astana.officer', 'regional_officer', { region: 'KZ-71' }],
  ['enterprise.officer', 'enterprise_officer', { employerBin: operator }],
];

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [coder]);
  for (const [u, role, scope] of USERS) tokens.set(u, await staffToken(db, u, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = asUser(() => app, tokens);

const HEADER = 'code,name,kind,region,district,operator_bin,criticality,lat,lon';

test('objects over HTTP: a bad CSV answers 400 with lines and writes nothing; a good one is listed by region and operator', async () => {
  const bad = await call('coordinator', 'POST', '/api/infra/objects/import', { csv: `${HEADER}\nKZ-75-TEL,Узел,telecom,KZ-75,,${operator},1,,\nKZ-71-TEC,ТЭЦ,energy,KZ-71,,${operator.slice(0, 11)}0,1,,` });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'INFRA_IMPORT_INVALID');
  const issues = bad.json().error.details.issues as { line: number; field: string }[];
  if (operator.endsWith('0')) assert.fail('the test needs an operator BIN whose check digit is not 0');
  assert.deepEqual(issues.map((i) => [i.line, i.field]), [[3, 'operator_bin']]);
  assert.deepEqual((await call('coordinator', 'GET', '/api/infra/objects')).json().objects, []);
  const otherOperator = makeBin('1102', 4, 0, 77) as string;
  const good = await call('coordinator', 'POST', '/api/infra/objects/import', { csv: `${HEADER}\nKZ-75-TEL,Узел,telecom,KZ-75,,${operator},1,,\nKZ-71-TEC,ТЭЦ,energy,KZ-71,,${otherOperator},1,51.1,71.4` });
  assert.equal(good.statusCode, 201, good.body);
  const codes = async (user: string, q = '') => (await call(user, 'GET', `/api/infra/objects${q}`)).json().objects.map((o: { code: string }) => o.code);
  assert.deepEqual(await codes('coordinator'), ['KZ-71-TEC', 'KZ-75-TEL']);
  assert.deepEqual(await codes('almaty.officer'), ['KZ-75-TEL']);
  assert.deepEqual(await codes('enterprise.officer'), ['KZ-75-TEL']);
  assert.deepEqual(await codes('coordinator', '?kind=energy'), ['KZ-71-TEC']);
  const outside = await call('almaty.officer', 'GET', '/api/infra/objects?region=KZ-71');
  assert.deepEqual([outside.statusCode, outside.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const [tec] = (await call('coordinator', 'GET', '/api/infra/objects?region=KZ-71')).json().objects;
  assert.equal((await call('almaty.officer', 'GET', `/api/infra/objects/${tec.id}`)).statusCode, 404);
  assert.equal((await call('almaty.officer', 'PATCH', `/api/infra/objects/${tec.id}`, { criticality: 3 })).statusCode, 404);
  const patched = await call('astana.officer', 'PATCH', `/api/infra/objects/${tec.id}`, { criticality: 2 });
  assert.deepEqual([patched.statusCode, patched.json().criticality], [200, 2]);
});

test('cyber unit and incident over HTTP: formed from the pool, members shown only in the region, timeline in +05:00', async () => {
  const formed = await call('almaty.officer', 'POST', '/api/infra/cyber-units/form', { name: 'Киберрезерв Алматы', homeRegion: 'KZ-75', sizeTarget: 4, apply: true });
  assert.equal(formed.statusCode, 201, formed.body);
  const unit = formed.json().unit;
  assert.deepEqual(formed.json().proposed.map((c: { iin: string; role: string }) => [c.iin, c.role]), [[coder.iin, 'lead']]);
  const shown = await call('almaty.officer', 'GET', `/api/infra/cyber-units/${unit.id}`);
  assert.equal(shown.json().members[0].lastName, 'Жумабеков');
  const foreign = await call('astana.officer', 'GET', `/api/infra/cyber-units/${unit.id}`);
  assert.equal(foreign.statusCode, 404);
  assert.doesNotMatch(foreign.body, /Жумабеков/);
  const again = await call('coordinator', 'POST', `/api/infra/cyber-units/${unit.id}/members`, { iin: coder.iin, role: 'analyst' });
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'INFRA_ALREADY_IN_UNIT']);

  const [tel] = (await call('almaty.officer', 'GET', '/api/infra/objects')).json().objects;
  const opened = await call('almaty.officer', 'POST', '/api/infra/incidents', { objectId: tel.id, kind: 'cyber', severity: 'critical', title: 'Шифровальщик в АСУ узла', reportedAt: '2026-11-23T10:15:00+05:00', respondingUnitId: unit.id });
  assert.equal(opened.statusCode, 201, opened.body);
  const id = opened.json().id;
  const early = await call('almaty.officer', 'POST', `/api/infra/incidents/${id}/entries`, { kind: 'resolve' });
  assert.deepEqual([early.statusCode, early.json().error.code], [409, 'INFRA_BAD_TRANSITION']);
  assert.equal((await call('almaty.officer', 'POST', `/api/infra/incidents/${id}/entries`, { kind: 'contain', note: 'Сегмент изолирован' })).statusCode, 201);
  const bad = await call('almaty.officer', 'POST', `/api/infra/incidents/${id}/entries`, { kind: 'explode' });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'INFRA_INVALID_INCIDENT']);
  const log = (await call('almaty.officer', 'GET', `/api/infra/incidents/${id}`)).json();
  assert.equal(log.incident.status, 'contained');
  assert.equal(log.incident.respondingUnitCode, unit.code);
  assert.deepEqual(log.timeline.map((e: { kind: string; at: string }) => [e.kind, e.at]), [['open', '2026-11-23T11:00:00+05:00'], ['contain', '2026-11-23T11:00:00+05:00']]);
  assert.equal((await call('astana.officer', 'GET', `/api/infra/incidents/${id}`)).statusCode, 404);
  const readiness = (await call('almaty.officer', 'GET', '/api/infra/readiness')).json().regions;
  assert.deepEqual(readiness, [{ region: 'KZ-75', measures: { objects: 1, nationalObjects: 1, cyberUnits: 1, cyberReservists: 1, cyberFill: 25, openIncidents: 1, criticalOpenIncidents: 1 } }]);

  const remove = (user: string, body: unknown) => call(user, 'POST', `/api/infra/cyber-units/${unit.id}/members/${coder.iin}/remove`, body);
  assert.equal((await remove('astana.officer', { reason: 'moved to Astana' })).statusCode, 404, "another region's unit is not there to change");
  const noReason = await remove('almaty.officer', {});
  assert.deepEqual([noReason.statusCode, noReason.json().error.code], [400, 'INFRA_INVALID_UNIT']);
  const removed = await remove('almaty.officer', { reason: 'moved to Astana' });
  assert.deepEqual([removed.statusCode, removed.json().members], [200, 0], removed.body);
  const twice = await remove('almaty.officer', { reason: 'moved to Astana' });
  assert.deepEqual([twice.statusCode, twice.json().error.code], [404, 'INFRA_PERSON_NOT_FOUND']);
  const [entry] = await db.query<{ actor: string; subject: string; details: Record<string, unknown> }>("SELECT actor, subject, details FROM audit_log WHERE action = 'infra.cyber_unit.member.remove'");
  assert.deepEqual(entry, { actor: 'user:almaty.officer', subject: `person:${coder.iin}`, details: { unit: unit.code, role: 'lead', reason: 'moved to Astana' } });
  const rejoined = await call('coordinator', 'POST', `/api/infra/cyber-units/${unit.id}/members`, { iin: coder.iin, role: 'analyst' });
  assert.deepEqual([rejoined.statusCode, rejoined.json().members], [201, 1], 'once out, the person may join a unit again');
});
