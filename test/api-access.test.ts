import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import type { Role } from '../src/modules/access/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { issuePlan } from '../src/modules/summons/index.ts';
import { freshDb } from './helpers/db.ts';
import { PASSWORD, staffToken } from './helpers/staff.ts';
import { addPeople, approvedPlan, officer, order } from './helpers/summons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const employer = makeBin('0504', 4, 0, 123) as string;
// Almaty: in district KZ-75-D01, works for `employer`, assigned to the army by a plan. Astana: none of these.
const almaty = officer({ specialty: 'aviation', region: 'KZ-75', district: 'KZ-75-D01', employer_bin: employer, sector: 'other', occupation: 'driver' });
const astana = officer({ specialty: 'medical', region: 'KZ-71', district: 'KZ-71-D02' });
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();
let almatySummons = '';
let astanaSummons = '';
let planId = 0;

const USERS: [string, Role, Record<string, string>][] = [
  ['coordinator', 'national_coordinator', {}],
  ['almaty.officer', 'regional_officer', { region: 'KZ-75' }],
  ['district.officer', 'district_officer', { region: 'KZ-75', district: 'KZ-75-D01' }],
  ['army.officer', 'agency_officer', { agency: 'army' }],
  ['mia.officer', 'internal_affairs', {}],
  ['enterprise.officer', 'enterprise_officer', { employerBin: employer }],
  ['auditor', 'auditor', {}],
];
const ALL = USERS.map(([u]) => u);

before(async () => {
  db = await freshDb();
  await addPeople(db, clock, [almaty, astana]);
  planId = await approvedPlan(db, clock, order('access-army', 1, false, 'aviation'));
  const medics = order('access-medics', 1, false, 'medical');
  const guard = { ...medics, agencies: { guard: { name: 'National Guard', region: 'KZ-71' } }, quotas: medics.quotas.map((q) => ({ ...q, agency: 'guard' })) };
  const medicPlan = await approvedPlan(db, clock, guard as typeof medics);
  const appearanceAt = new Date('2026-12-01T09:00:00+05:00');
  await issuePlan(db, String(planId), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(1) });
  await issuePlan(db, String(medicPlan), { actor: 'officer-b', clock, appearanceAt, rng: seededRng(2) });
  const ids = await db.query<{ id: string; iin: string }>('SELECT id::text AS id, iin FROM summonses');
  almatySummons = (ids.find((r) => r.iin === almaty.iin) as { id: string }).id;
  astanaSummons = (ids.find((r) => r.iin === astana.iin) as { id: string }).id;
  for (const [username, role, scope] of USERS) tokens.set(username, await staffToken(db, username, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = (username: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: username ? { authorization: `Bearer ${tokens.get(username)}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

interface Row {
  what: string;
  method: 'GET' | 'POST';
  url: () => string;
  body?: unknown;
  /** Who gets past access control (whatever the answer then is); everyone else gets 403 ACCESS_DENIED. */
  allowed: string[];
}

// Written out by hand, not derived from the permission table, so a change to either shows here.
const MATRIX: Row[] = [
  { what: 'read a person', method: 'GET', url: () => `/api/persons/${almaty.iin}`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer'] },
  { what: "read a person's history", method: 'GET', url: () => `/api/persons/${almaty.iin}/history`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer'] },
  { what: 'draft a plan', method: 'POST', url: () => '/api/callup/plans', body: { order: { id: 'x' } }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'read a plan', method: 'GET', url: () => `/api/callup/plans/${planId}`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'approve a plan', method: 'POST', url: () => '/api/callup/plans/999999/approve', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'withdraw a plan', method: 'POST', url: () => '/api/callup/plans/999999/withdraw', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'issue summonses', method: 'POST', url: () => '/api/callup/plans/999999/issue', body: { appearanceAt: '2026-12-10T09:00:00+05:00' }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'read a summons', method: 'GET', url: () => `/api/summonses/${almatySummons}`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: "read a summons' proof", method: 'GET', url: () => `/api/summonses/${almatySummons}/proof`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'record on a summons', method: 'POST', url: () => '/api/summonses/999999/actions', body: { kind: 'appeared' }, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'list failures to appear', method: 'GET', url: () => '/api/summonses/failures', allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'refer failures', method: 'POST', url: () => '/api/summonses/failures/refer', body: {}, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'export referrals', method: 'GET', url: () => '/api/summonses/referrals.csv', allowed: ['coordinator', 'mia.officer'] },
  { what: 'see dispatch', method: 'GET', url: () => '/api/summonses/dispatch', allowed: ['coordinator', 'almaty.officer'] },
  { what: 'read the audit log', method: 'GET', url: () => '/api/audit', allowed: ['auditor'] },
  { what: 'verify the audit log', method: 'GET', url: () => '/api/audit/verify', allowed: ['auditor'] },
  { what: 'list users', method: 'GET', url: () => '/api/users', allowed: ['coordinator'] },
  { what: 'create a user', method: 'POST', url: () => '/api/users', body: { username: 'x' }, allowed: ['coordinator'] },
  { what: 'reference lists', method: 'GET', url: () => '/api/reference', allowed: ALL },
  { what: "a region's districts", method: 'GET', url: () => '/api/regions/KZ-75/districts', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer'] },
  { what: 'search the registry', method: 'GET', url: () => `/api/persons?q=${almaty.iin.slice(0, 6)}`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer'] },
  { what: "a person's card", method: 'GET', url: () => `/api/persons/${almaty.iin}/card`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer'] },
  { what: 'readiness dashboard', method: 'GET', url: () => '/api/dashboard/readiness', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'list plans', method: 'GET', url: () => '/api/dashboard/plans', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'summons funnel', method: 'GET', url: () => `/api/dashboard/funnel?plan=${planId}`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'summonses behind the funnel', method: 'GET', url: () => `/api/dashboard/funnel/summonses?plan=${planId}`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
];

for (const row of MATRIX) {
  test(`permission matrix: ${row.what}`, async () => {
    const anonymous = await call(null, row.method, row.url(), row.body);
    assert.equal(anonymous.statusCode, 401, 'without a session');
    for (const user of ALL) {
      const r = await call(user, row.method, row.url(), row.body);
      const denied = r.statusCode === 403 && r.json().error.code === 'ACCESS_DENIED';
      assert.equal(!denied, row.allowed.includes(user), `${user}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      assert.notEqual(r.statusCode, 401, `${user} is signed in`);
      assert.ok(r.statusCode < 500, `${user}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    }
  });
}

test("region A's officer never reads region B's people, their summonses or their failures", async () => {
  for (const user of ['almaty.officer', 'district.officer', 'army.officer', 'enterprise.officer']) {
    for (const url of [`/api/persons/${astana.iin}`, `/api/persons/${astana.iin}/history`, `/api/callup/plans/${planId}/explain/${astana.iin}`]) {
      const r = await call(user, 'GET', url);
      // 404 as for a person who does not exist; 403 where the role may not use the endpoint at all.
      assert.ok([403, 404].includes(r.statusCode), `${user} ${url}: ${r.statusCode}`);
      assert.doesNotMatch(r.body, new RegExp(astana.last_name));
    }
  }
  for (const user of ['almaty.officer', 'district.officer']) {
    assert.equal((await call(user, 'GET', `/api/summonses/${astanaSummons}`)).statusCode, 404);
    assert.equal((await call(user, 'POST', `/api/summonses/${astanaSummons}/actions`, { kind: 'appeared' })).statusCode, 404);
    const other = await call(user, 'GET', '/api/summonses/failures?region=KZ-71');
    assert.deepEqual([other.statusCode, other.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  }
  const wrongDistrict = await call('district.officer', 'GET', '/api/summonses/failures?district=KZ-75-D02');
  assert.equal(wrongDistrict.statusCode, 403);
  assert.equal((await call('coordinator', 'GET', `/api/persons/${astana.iin}`)).statusCode, 200);
  const denials = await db.query<{ actor: string; subject: string }>("SELECT actor, subject FROM audit_log WHERE action = 'access.person.denied' AND actor = 'user:almaty.officer'");
  assert.ok(denials.some((d) => d.subject === `person:${astana.iin}`), 'a refused read is audited');
});

test("a regional officer's call-up stays in the region: territorial, every quota there; plans beyond it cannot be approved or issued", async () => {
  const base = order('access-regional', 1, false, 'aviation');
  const national = { ...base, territorial: false, quotas: base.quotas.map((q) => ({ ...q, region: 'KZ-75' })) };
  const elsewhere = { ...base, territorial: true, quotas: base.quotas.map((q) => ({ ...q, region: 'KZ-71' })) };
  const own = { ...base, id: 'access-regional-own', territorial: true, quotas: base.quotas.map((q) => ({ ...q, region: 'KZ-75' })) };
  for (const o of [national, elsewhere, base]) {
    const r = await call('almaty.officer', 'POST', '/api/callup/plans', { order: o });
    assert.deepEqual([r.statusCode, r.json().error?.code], [403, 'ACCESS_OUT_OF_SCOPE'], JSON.stringify(o.quotas));
  }
  const ok = await call('almaty.officer', 'POST', '/api/callup/plans', { order: own });
  assert.equal(ok.statusCode, 201, ok.body);
  const approveNational = await call('almaty.officer', 'POST', `/api/callup/plans/${planId}/approve`, {});
  assert.deepEqual([approveNational.statusCode, approveNational.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const issueNational = await call('almaty.officer', 'POST', `/api/callup/plans/${planId}/issue`, { appearanceAt: '2026-12-10T09:00:00+05:00' });
  assert.deepEqual([issueNational.statusCode, issueNational.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
});

test('an agency officer sees its own quotas only', async () => {
  await addPeople(db, clock, [officer({ specialty: 'aviation' })]);
  const o = order('access-two-agencies', 1, false, 'aviation');
  const both = { ...o, agencies: { ...o.agencies, navy: { name: 'Navy', region: 'KZ-47' } }, quotas: [...o.quotas, { agency: 'navy', specialty: 'aviation', count: 1 }] };
  const id = await approvedPlan(db, clock, both as typeof o);
  const r = await call('army.officer', 'GET', `/api/callup/plans/${id}`);
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json().report.cells.map((c: { agency: string }) => c.agency), ['army']);
  assert.deepEqual(Object.keys(r.json().order.agencies), ['army']);
  assert.equal(r.json().report.totals.quota, 1);
  assert.equal(JSON.stringify(r.json()).includes('navy'), false);
});

test('sign-in: a wrong password and an unknown user answer alike; guessing is throttled; sessions end at sign-out', async () => {
  const wrong = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'auditor', password: 'nope' } });
  const unknown = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'nobody', password: 'nope' } });
  assert.deepEqual([wrong.statusCode, wrong.json().error], [401, unknown.json().error]);
  for (let i = 0; i < 4; i++) await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'auditor', password: 'still wrong' } });
  const locked = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'auditor', password: PASSWORD } });
  assert.deepEqual([locked.statusCode, locked.json().error.code], [429, 'ACCESS_THROTTLED'], 'even the right password is refused while throttled');

  const ok = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'mia.officer', password: PASSWORD } });
  assert.equal(ok.statusCode, 201);
  const cookie = ok.cookies.find((c) => c.name === 'mobilize_session');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
  const me = await app.inject({ method: 'GET', url: '/api/me', cookies: { mobilize_session: cookie.value } });
  assert.equal(me.json().username, 'mia.officer');
  await app.inject({ method: 'DELETE', url: '/api/session', cookies: { mobilize_session: cookie.value } });
  assert.equal((await app.inject({ method: 'GET', url: '/api/me', cookies: { mobilize_session: cookie.value } })).statusCode, 401);
  const stored = await db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'mia.officer'");
  assert.match(stored[0]?.password_hash as string, /^scrypt\$32768\$8\$1\$/);
  assert.equal(stored[0]?.password_hash.includes(PASSWORD), false);
});
