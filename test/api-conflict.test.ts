import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { NATIONAL, registerEnterprise } from '../src/modules/economy/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb, onPostgres, raceOnLock } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const bin = makeBin('1905', 4, 0, 4343) as string;
let db: Db;
let app: FastifyInstance;
let token = '';

before(async () => {
  db = await freshDb();
  await registerEnterprise(db, { bin, name: 'Kazakh Cargo LLP', region: 'KZ-75', sector: 'logistics' }, { actor: 'test:setup', at: clock.now(), scope: NATIONAL });
  token = await staffToken(db, 'coordinator', 'national_coordinator');
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

test('two retries of one request at the same moment: one is written, the other answers 409 API_CONFLICT, and sending it again gives the first', { skip: !onPostgres && 'PGlite runs one transaction at a time' }, async () => {
  const body = { owner: { bin }, purpose: 'trucks for the depot', useFrom: '2026-11-24', useUntil: '2026-12-24', idempotencyKey: 'retry-key-0001', items: [{ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3 }] };
  const post = () => app.inject({ method: 'POST', url: '/api/economy/requisitions', headers: { authorization: `Bearer ${token}` }, payload: body });
  // Both pass the idempotency-key lookup, then wait to insert while the table is locked.
  const results = await raceOnLock(db, 'LOCK TABLE economy_requisitions IN EXCLUSIVE MODE', [], () => [post(), post()]);
  const answers = results.map((r) => (r.status === 'fulfilled' ? r.value : assert.fail(String(r.reason))));
  assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 409]);
  const conflict = answers.find((a) => a.statusCode === 409);
  assert.equal(conflict?.json().error.code, 'API_CONFLICT');
  const first = answers.find((a) => a.statusCode === 201)?.json().id;
  const again = await post();
  assert.equal(again.json().id, first, 'the retry reads what the first request wrote');
  assert.equal((await db.query('SELECT 1 FROM economy_requisitions')).length, 1);
});
