import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Db } from '../src/db/client.ts';
import { copyCsvLine, upsertPersons } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { person } from './helpers/persons.ts';

let TOKEN = '';
const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
const alice = person(11);

before(async () => {
  db = await freshDb();
  await db.transaction((tx) => upsertPersons(tx, [{ iin: alice.iin, csv: copyCsvLine(alice) }], { at: clock.now(), actor: 'test', source: 'test' }));
  TOKEN = await staffToken(db, 'coordinator', 'national_coordinator');
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

test('health needs no token and names the engine', async () => {
  const r = await get('/healthz');
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().status, 'ok');
  assert.equal(r.json().engine, db.engine);
});

test('personal data needs the token', async () => {
  for (const token of [undefined, 'wrong', `${TOKEN}x`]) {
    const r = await get(`/api/persons/${alice.iin}`, token);
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'API_UNAUTHENTICATED');
  }
});

test('lookup by IIN returns the person and audits the read', async () => {
  const before = await db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'registry.person.read'");
  const r = await get(`/api/persons/${alice.iin}`, TOKEN);
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().last_name, alice.last_name);
  assert.equal(r.json().birth_date, alice.birth_date);
  const rows = await db.query<{ subject: string; actor: string }>(
    "SELECT subject, actor FROM audit_log WHERE action = 'registry.person.read' ORDER BY seq",
  );
  assert.equal(rows.length, Number(before[0]?.n) + 1);
  assert.deepEqual(rows.at(-1), { subject: `person:${alice.iin}`, actor: 'user:coordinator' });
});

test('an invalid IIN is a 400 with a stable code; an unknown one is a 404', async () => {
  const bad = await get('/api/persons/900101300018', TOKEN);
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'REGISTRY_INVALID_IIN');
  const missing = await get(`/api/persons/${person(12).iin}`, TOKEN);
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'API_NOT_FOUND');
});

test('history starts with the creation', async () => {
  const r = await get(`/api/persons/${alice.iin}/history`, TOKEN);
  assert.equal(r.statusCode, 200);
  const [first] = r.json();
  assert.equal(first.kind, 'create');
  assert.equal(first.actor, 'test');
  assert.deepEqual(first.changes.last_name, [null, alice.last_name]);
});
