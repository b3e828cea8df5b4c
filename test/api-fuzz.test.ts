import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

/**
 * Random bodies, query strings and path parameters — with NUL, lone surrogates, control characters, invalid UTF-8
 * and numbers beyond bigint — sent to every route of the OpenAPI document, signed out and as a coordinator. No
 * answer may be a 5xx, every refusal carries a stable code, and the audit chain verifies afterwards.
 */
const clock = fixedClock('2026-11-23T06:00:00Z');
let db: Db;
let app: FastifyInstance;
let token = '';
let citizenToken = '';
const person = officer({ specialty: 'aviation', region: 'KZ-75', district: 'KZ-75-D01' });

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [person]);
  const planId = await approvedPlan(db, clock, order('fuzz-army', 1, false, 'aviation'));
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt: new Date('2026-12-01T09:00:00+05:00'), rng: seededRng(1) });
  token = await staffToken(db, 'coordinator', 'national_coordinator');
  let code = '';
  app = await buildApp({ db, clock, codeSender: { sendCode: async (_to, text) => void (code = /\d{6}/.exec(text)?.[0] ?? '') } });
  await app.inject({ method: 'POST', url: '/api/citizen/code', payload: { iin: person.iin } });
  const s = await app.inject({ method: 'POST', url: '/api/citizen/session', payload: { iin: person.iin, code } });
  citizenToken = (s.json() as { token: string }).token;
});

after(async () => {
  await app?.close();
  await db?.close();
});

const BAD = ['\u0000', '\ud800', '\udfff', 'x\ud800x', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u202e', '😀', 'Ә', '\ufffd'];
const HUGE = ['99999999999999999999999', '9223372036854775808', '-1', '0', '1e400', 'NaN', '1.5', '00000000000000000001'];

const badString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 10, unit: 'binary' }),
  { arbitrary: fc.constantFrom(...BAD, ...HUGE), weight: 2 },
  { arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...BAD), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c), weight: 3 },
);
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, badString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(...HUGE.map(Number)), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(badString, tie('value'), { maxKeys: 4 })),
})).value;
/** A body: JSON built from the fields the route documents (with random values) or random JSON, or raw bytes. */
const body = (fields: string[]) =>
  fc.oneof(
    fc.record(Object.fromEntries(fields.map((f) => [f, jsonValue])), { requiredKeys: [] }).map((o) => ({ json: o })),
    fc.record(Object.fromEntries(fields.map((f) => [f, badString]))).map((o) => ({ json: o })),
    jsonValue.map((v) => ({ json: v })),
    fc.uint8Array({ maxLength: 40 }).map((b) => ({ raw: Buffer.concat([Buffer.from('{"a":"'), Buffer.from(b), Buffer.from('"}')]) })),
    fc.constant({ raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }),
  );
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate cannot be percent-encoded as UTF-8: send the bytes a careless client would.
    return s.replace(/[\ud800-\udfff]/g, '%ED%A0%80');
  }
};

interface Route {
  method: string;
  path: string;
  params: string[];
  query: string[];
  fields: string[];
}

function routes(): Route[] {
  const spec = app.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ps = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        params: ps.filter((p) => p.in === 'path').map((p) => p.name),
        query: ps.filter((p) => p.in === 'query').map((p) => p.name),
        fields: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      });
    }
  }
  return out;
}

test('no route answers 5xx to random input, every refusal has a stable code, the audit chain still verifies', async () => {
  const all = routes();
  assert.ok(all.length > 60, `the OpenAPI document lists the routes (${all.length})`);
  const failures: string[] = [];
  let requests = 0;
  const deadline = Date.now() + 60_000;
  for (const r of all) {
    if (Date.now() > deadline) break;
    const request = fc.record({
      params: fc.tuple(...r.params.map(() => badString)),
      query: fc.dictionary(fc.constantFrom(...r.query, 'q', 'x'), badString, { maxKeys: 3 }),
      body: body(r.fields),
      who: fc.constantFrom('none', 'staff', 'citizen'),
    });
    await fc.assert(
      fc.asyncProperty(request, async (q) => {
        let url = r.path;
        r.params.forEach((p, i) => (url = url.replace(`{${p}}`, enc(q.params[i] as string) || '1')));
        const qs = Object.entries(q.query).map(([k, v]) => `${k}=${enc(v)}`).join('&');
        const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : 'raw' in q.body ? q.body.raw : JSON.stringify(q.body.json);
        const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
        if (q.who === 'staff') headers.authorization = `Bearer ${token}`;
        if (q.who === 'citizen') headers.authorization = `Bearer ${citizenToken}`;
        // A new loopback address each time, so the sign-in throttles do not stop the fuzzing of sign-in itself.
        const remoteAddress = `127.0.${(requests >> 8) & 255}.${requests & 255}`;
        const res = await app.inject({ method: r.method as 'GET', url: qs ? `${url}?${qs}` : url, headers, remoteAddress, ...(payload !== undefined ? { payload } : {}) });
        requests++;
        if (process.env.FUZZ_DEBUG && url.includes(process.env.FUZZ_DEBUG)) console.error(r.method, url, qs, String(payload).slice(0, 80), res.statusCode, res.body.slice(0, 80));
        if (res.statusCode >= 500) {
          failures.push(`${r.method} ${url}?${qs} ${payload ?? ''} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          return;
        }
        if (res.statusCode >= 400 && res.headers['content-type']?.toString().includes('json')) {
          const code = (res.json() as { error?: { code?: unknown } }).error?.code;
          if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) failures.push(`${r.method} ${url} → ${res.statusCode} without a stable code: ${res.body.slice(0, 200)}`);
        }
      }),
      { seed: 19, numRuns: 30, endOnFailure: true },
    );
  }
  assert.ok(requests > 1000, `enough requests were sent (${requests})`);
  assert.deepEqual(failures.slice(0, 20), []);
  const v = await verifyAudit(db);
  assert.equal(v.ok, true, JSON.stringify(v.problem));
});

test('ids beyond bigint, negative or not numbers are refused before the database sees them', async () => {
  const failures: string[] = [];
  for (const r of routes().filter((x) => x.params.length > 0)) {
    for (const v of [...HUGE, 'abc', '1 OR 1=1']) {
      let url = r.path;
      for (const p of r.params) url = url.replace(`{${p}}`, encodeURIComponent(v));
      const res = await app.inject({ method: r.method as 'GET', url, headers: { authorization: `Bearer ${token}`, ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }) }, ...(r.method === 'GET' ? {} : { payload: '{}' }) });
      const code = res.headers['content-type']?.toString().includes('json') ? (res.json() as { error?: { code?: string } }).error?.code : undefined;
      // INPUT_INVALID_VALUE is the database refusing the value: the edge let it through.
      if (res.statusCode >= 500 || code === 'INPUT_INVALID_VALUE') failures.push(`${r.method} ${url} → ${res.statusCode} ${code}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('a lone surrogate in a sign-in is refused at the edge and the audit chain stays whole', async () => {
  const res = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{"username":"\\ud800x","password":"whatever"}' });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error.code, 'INPUT_BAD_TEXT');
  assert.equal(res.json().error.details.path, 'username');
  const nul = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{"username":"a\\u0000b","password":"whatever"}' });
  assert.equal(nul.json().error.code, 'INPUT_BAD_TEXT');
  const bytes = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0x22, 0x75, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) });
  assert.equal(bytes.json().error.code, 'INPUT_BAD_ENCODING');
  const q = await app.inject({ method: 'GET', url: '/api/persons/search?q=%00', headers: { authorization: `Bearer ${token}` } });
  assert.equal(q.json().error.code, 'INPUT_BAD_TEXT');
  assert.equal((await verifyAudit(db)).ok, true);
});

test('every answer carries a request id and the security headers', async () => {
  for (const url of ['/healthz', '/verify/ABC', '/api/alerts/feed.atom', '/']) {
    const res = await app.inject({ method: 'GET', url });
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, url);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url);
    assert.equal(res.headers['x-frame-options'], 'DENY', url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
  }
});

test('a 5xx is logged with its request id, which the answer names too', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const broken = await freshDb();
  const logged = await buildApp({ db: broken, clock, logger });
  await broken.close();
  const res = await logged.inject({ method: 'GET', url: '/healthz' });
  await logged.close();
  assert.equal(res.statusCode, 500);
  const id = res.json().error.details.requestId as string;
  assert.equal(res.headers['x-request-id'], id);
  const entry = lines.map((l) => JSON.parse(l) as { level: number; reqId?: string; msg?: string }).find((l) => l.level >= 50);
  assert.equal(entry?.reqId, id, 'the error line carries the request id');
  assert.ok(lines.some((l) => (JSON.parse(l) as { reqId?: string; msg?: string }).msg === 'incoming request'), 'requests are logged');
});
