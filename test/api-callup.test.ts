import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { planCallup, readOrderFile } from '../src/modules/callup/index.ts';
import { copyCsvLine, makeIin, upsertPersons } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { person } from './helpers/persons.ts';

let TOKEN = '';
const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
const medic = person(1, { iin: makeIin('1997-02-02', 'M', 17) as string, sex: 'M', birth_date: '1997-02-02', specialty: 'medical', region: 'KZ-35' });
const order = readOrderFile('examples/orders/reserve-officers-2024.yaml');

before(async () => {
  db = await freshDb();
  await db.transaction((tx) => upsertPersons(tx, [{ iin: medic.iin, csv: copyCsvLine(medic) }], { at: clock.now(), actor: 'test', source: 'test' }));
  TOKEN = await staffToken(db, 'coordinator', 'national_coordinator');
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

test('an order posted to the API becomes a draft plan; its author cannot approve it', async () => {
  const r = await call('POST', '/api/callup/plans', { order });
  assert.equal(r.statusCode, 201);
  const { id, report } = r.json() as { id: number; report: { totals: { filled: number; quota: number } } };
  assert.deepEqual([report.totals.filled, report.totals.quota], [1, 752]);
  const shown = await call('GET', `/api/callup/plans/${id}`);
  assert.equal(shown.json().state.status, 'draft');
  const self = await call('POST', `/api/callup/plans/${id}/approve`, {});
  assert.equal(self.statusCode, 403);
  assert.equal(self.json().error.code, 'CALLUP_SELF_APPROVAL');
  const why = await call('GET', `/api/callup/plans/${id}/explain/${medic.iin}`);
  assert.equal(why.json().selected, true);
});

test('a plan drafted by someone else is approved through the API once', async () => {
  const { id } = await planCallup(db, order, { actor: 'cli:officer-a', clock });
  const ok = await call('POST', `/api/callup/plans/${id}/approve`, { note: 'checked' });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().state.status, 'approved');
  const again = await call('POST', `/api/callup/plans/${id}/approve`, {});
  assert.equal(again.statusCode, 409);
});

test('an invalid order is refused with every problem and its path; nothing is written', async () => {
  const [before] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM callup_plans');
  const r = await call('POST', '/api/callup/plans', { order: { ...order, quotas: [{ agency: 'navy', specialty: 'medical', count: -1 }] } });
  assert.equal(r.statusCode, 400);
  const body = r.json();
  assert.equal(body.error.code, 'CALLUP_ORDER_INVALID');
  assert.deepEqual(body.error.details.issues.map((i: { path: string }) => i.path), ['quotas[0].count']);
  const [after] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM callup_plans');
  assert.equal(after!.n, before!.n);
  assert.equal((await call('GET', '/api/callup/plans/999')).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/api/callup/plans/1' })).statusCode, 401);
});
