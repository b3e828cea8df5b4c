import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { copyCsvLine, upsertPersons } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { staffToken } from './helpers/staff.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
const routes: { method: string; url: string }[] = [];
const alice = person(21);

before(async () => {
  db = await freshDb();
  await db.transaction((tx) => upsertPersons(tx, [{ iin: alice.iin, csv: copyCsvLine(alice) }], { at: clock.now(), actor: 'test', source: 'test' }));
  app = await buildApp({ db, clock });
  await app.ready();
});
after(async () => {
  await app.close();
  await db.close();
});

test('/openapi.json is a valid OpenAPI 3 document that covers every API route, with its security and schemas', async () => {
  const r = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(r.statusCode, 200);
  const spec = r.json();
  await SwaggerParser.validate(structuredClone(spec));
  const documented = new Set<string>();
  for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, { summary?: string; security?: unknown[] }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      documented.add(`${method.toUpperCase()} ${path}`);
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(Array.isArray(op.security), `${method} ${path} says who may call it`);
    }
  }
  // Every /api route Fastify serves, read from its router's own tree, is in the document.
  const stack: string[] = [];
  const served: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = Math.floor(line.indexOf('── ') / 4);
    stack[depth] = (depth > 0 ? (stack[depth - 1] ?? '') : '') + (m[1] as string);
    stack.length = depth + 1;
    for (const method of (m[2] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) served.push(`${method} ${(stack[depth] as string).replace(/:(\w+)/g, '{$1}')}`);
  }
  const api = served.filter((r) => r.includes(' /api/'));
  assert.ok(api.length >= 25, `${api.length} API routes read from the router`);
  for (const r of api) assert.ok(documented.has(r), `${r} is served but not documented`);
  for (const must of ['POST /api/session', 'GET /api/persons/{iin}', 'POST /api/callup/plans', 'POST /api/callup/plans/{ref}/approve', 'POST /api/callup/plans/{ref}/issue',
    'POST /api/summonses/{id}/actions', 'GET /api/summonses/referrals.csv', 'POST /api/citizen/code', 'GET /api/citizen/summonses', 'GET /api/audit', 'GET /api/verify/{code}']) {
    assert.ok(documented.has(must), `${must} is documented`);
  }
  const action = spec.paths['/api/summonses/{id}/actions'].post;
  const kinds = JSON.stringify(action.requestBody.content['application/json'].schema);
  for (const k of ['appeared', 'failed_to_appear', 'reason_accepted', 'paper_refused']) assert.match(kinds, new RegExp(k), 'the body schema comes from the zod schema the handler validates with');
  assert.deepEqual(spec.paths['/api/verify/{code}'].get.security, []);
});

test('/metrics serves Prometheus text with request durations by route pattern, never by the concrete URL', async () => {
  const token = await staffToken(db, 'metrics.coordinator', 'national_coordinator');
  assert.equal((await app.inject({ method: 'GET', url: `/api/persons/${alice.iin}`, headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
  await app.inject({ method: 'GET', url: '/healthz' });
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^text\/plain/);
  assert.match(r.body, /mobilize_http_request_duration_seconds_count\{method="GET",route="\/api\/persons\/:iin",status="200"\} 1/);
  assert.match(r.body, /mobilize_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
  assert.match(r.body, /process_cpu_user_seconds_total/);
  assert.equal(r.body.includes(alice.iin), false, 'no IIN in the metrics');
});

test('a body over the limit is refused before it reaches a handler', async () => {
  const r = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x', password: 'y'.repeat(2 << 20) }) });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().error.code, 'API_BAD_REQUEST');
});
