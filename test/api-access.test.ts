import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { seededRng } from '../src/kernel/rng.ts';
import type { Role } from '../src/modules/access/index.ts';
import { NATIONAL, assignTask, draftRequisition, registerEnterprise, setCapacity } from '../src/modules/economy/index.ts';
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
let economyTask = '';
let requisition = '';

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
  const ectx = { actor: 'test:setup', at: clock.now(), scope: NATIONAL };
  await registerEnterprise(db, { bin: employer, name: 'Access Test LLP', region: 'KZ-75', sector: 'other' }, ectx);
  await setCapacity(db, { bin: employer, kind: 'vehicles', subtype: 'truck', quantity: 10, region: 'KZ-75' }, ectx);
  economyTask = (await assignTask(db, { bin: employer, kind: 'vehicles', subtype: 'truck', quantity: 2, destination: 'KZ-75', dueDate: '2026-12-01' }, ectx)).id;
  requisition = (await draftRequisition(db, { owner: { bin: employer }, purpose: 'access test', useFrom: '2026-12-01', useUntil: '2026-12-31', items: [{ kind: 'truck', description: 'truck', condition: 'good', ageYears: 2 }] }, ectx)).id;
  for (const [username, role, scope] of USERS) tokens.set(username, await staffToken(db, username, role, scope));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = (username: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: username ? { authorization: `Bearer ${tokens.get(username)}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

interface Row {
  what: string;
  method: 'GET' | 'POST' | 'PATCH';
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
  { what: 'four-tier readiness dashboard', method: 'GET', url: () => '/api/dashboard/tiers', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'list plans', method: 'GET', url: () => '/api/dashboard/plans', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'summons funnel', method: 'GET', url: () => `/api/dashboard/funnel?plan=${planId}`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'summonses behind the funnel', method: 'GET', url: () => `/api/dashboard/funnel/summonses?plan=${planId}`, allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  // Territorial defence: read, write and member lists by coordinators, regional and district officers; approval regional.
  ...(() => {
    const td = ['coordinator', 'almaty.officer', 'district.officer'];
    const rows: Row[] = [
      { what: 'td: list units', method: 'GET', url: () => '/api/td/units', allowed: td },
      { what: 'td: raise a unit', method: 'POST', url: () => '/api/td/units', body: {}, allowed: td },
      { what: 'td: a unit', method: 'GET', url: () => '/api/td/units/999999', allowed: td },
      { what: "td: a unit's members", method: 'GET', url: () => '/api/td/units/999999/members', allowed: td },
      { what: 'td: add members', method: 'POST', url: () => '/api/td/units/999999/members', body: { iins: [almaty.iin] }, allowed: td },
      { what: 'td: remove a member', method: 'POST', url: () => `/api/td/units/999999/members/${almaty.iin}/remove`, body: { reason: 'x' }, allowed: td },
      { what: 'td: fill a unit', method: 'POST', url: () => '/api/td/units/999999/fill', body: {}, allowed: td },
      { what: 'td: put a unit on guard', method: 'POST', url: () => '/api/td/units/999999/protection', body: { objectId: 1, shiftStrength: 2 }, allowed: td },
      { what: 'td: give a unit a task', method: 'POST', url: () => '/api/td/units/999999/tasks', body: { kind: 'fortify', location: 'x', dueDate: '2026-12-01' }, allowed: td },
      { what: 'td: protection of critical objects', method: 'GET', url: () => '/api/td/protection', allowed: td },
      { what: 'td: stand a guard down', method: 'POST', url: () => '/api/td/protection/999999/end', body: { reason: 'closed' }, allowed: td },
      { what: 'td: tasks', method: 'GET', url: () => '/api/td/tasks', allowed: td },
      { what: 'td: advance a task', method: 'POST', url: () => '/api/td/tasks/999999/advance', body: { to: 'in_progress' }, allowed: td },
      { what: 'td: shelters', method: 'GET', url: () => '/api/td/shelters', allowed: td },
      { what: 'td: add a shelter', method: 'POST', url: () => '/api/td/shelters', body: {}, allowed: td },
      { what: 'td: transport', method: 'GET', url: () => '/api/td/transport', allowed: td },
      { what: 'td: add transport', method: 'POST', url: () => '/api/td/transport', body: {}, allowed: td },
      { what: 'td: evacuation plans', method: 'GET', url: () => '/api/td/evacuation-plans', allowed: td },
      { what: 'td: draft an evacuation plan', method: 'POST', url: () => '/api/td/evacuation-plans', body: {}, allowed: td },
      { what: 'td: an evacuation plan', method: 'GET', url: () => '/api/td/evacuation-plans/999999', allowed: td },
      { what: 'td: approve an evacuation plan', method: 'POST', url: () => '/api/td/evacuation-plans/999999/approve', body: {}, allowed: ['coordinator', 'almaty.officer'] },
      { what: 'td: readiness', method: 'GET', url: () => '/api/td/readiness', allowed: td },
    ];
    return rows;
  })(),
  { what: 'list infrastructure objects', method: 'GET', url: () => '/api/infra/objects', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'read an infrastructure object', method: 'GET', url: () => '/api/infra/objects/999999', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'register an infrastructure object', method: 'POST', url: () => '/api/infra/objects', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'change an infrastructure object', method: 'PATCH', url: () => '/api/infra/objects/999999', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'import infrastructure objects', method: 'POST', url: () => '/api/infra/objects/import', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'list cyber units', method: 'GET', url: () => '/api/infra/cyber-units', allowed: ['coordinator', 'almaty.officer'] },
  { what: 'create a cyber unit', method: 'POST', url: () => '/api/infra/cyber-units', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'form a cyber unit', method: 'POST', url: () => '/api/infra/cyber-units/form', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'read a cyber unit with members', method: 'GET', url: () => '/api/infra/cyber-units/999999', allowed: ['coordinator', 'almaty.officer'] },
  { what: 'add a cyber unit member', method: 'POST', url: () => '/api/infra/cyber-units/999999/members', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'remove a cyber unit member', method: 'POST', url: () => '/api/infra/cyber-units/999999/members/900101300011/remove', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'list incidents', method: 'GET', url: () => '/api/infra/incidents', allowed: ['coordinator', 'almaty.officer'] },
  { what: 'open an incident', method: 'POST', url: () => '/api/infra/incidents', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'read an incident', method: 'GET', url: () => '/api/infra/incidents/999999', allowed: ['coordinator', 'almaty.officer'] },
  { what: "append to an incident's timeline", method: 'POST', url: () => '/api/infra/incidents/999999/entries', body: { kind: 'note', note: 'x' }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'infrastructure readiness', method: 'GET', url: () => '/api/infra/readiness', allowed: ['coordinator', 'almaty.officer'] },
  // Economic tier: read = coordinator, regional, district and enterprise officers; the enterprise answers its tasks.
  { what: 'list enterprises', method: 'GET', url: () => '/api/economy/enterprises', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'register an enterprise', method: 'POST', url: () => '/api/economy/enterprises', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'an enterprise', method: 'GET', url: () => `/api/economy/enterprises/${employer}`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'declare a capacity line', method: 'POST', url: () => '/api/economy/capacities', body: {}, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'import capacities', method: 'POST', url: () => '/api/economy/capacities/import', body: { csv: 'x' }, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'list tasks', method: 'GET', url: () => '/api/economy/tasks', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'a task', method: 'GET', url: () => `/api/economy/tasks/${economyTask}`, allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'assign a task', method: 'POST', url: () => '/api/economy/tasks', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'accept a task', method: 'POST', url: () => '/api/economy/tasks/999999/accept', body: {}, allowed: ['enterprise.officer'] },
  { what: 'decline a task', method: 'POST', url: () => '/api/economy/tasks/999999/decline', body: {}, allowed: ['enterprise.officer'] },
  { what: 'report task progress', method: 'POST', url: () => '/api/economy/tasks/999999/progress', body: { quantity: 1 }, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'list requisitions', method: 'GET', url: () => '/api/economy/requisitions', allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'a requisition', method: 'GET', url: () => `/api/economy/requisitions/${requisition}`, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'draft a requisition', method: 'POST', url: () => '/api/economy/requisitions', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'approve a requisition', method: 'POST', url: () => '/api/economy/requisitions/999999/approve', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'reject a requisition', method: 'POST', url: () => '/api/economy/requisitions/999999/reject', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'record on the compensation ledger', method: 'POST', url: () => '/api/economy/requisitions/999999/ledger', body: { kind: 'paid', amountTiyn: 1 }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'compensation totals', method: 'GET', url: () => '/api/economy/compensation?by=owner', allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'reference market prices', method: 'GET', url: () => '/api/economy/market-prices', allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'economic readiness', method: 'GET', url: () => '/api/economy/readiness', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'civil: personnel counts', method: 'GET', url: () => '/api/civil/personnel/counts?by=sector,region', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'civil: list essential workers', method: 'GET', url: () => '/api/civil/personnel?sector=health', allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'civil: readiness', method: 'GET', url: () => '/api/civil/readiness', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'army.officer'] },
  { what: 'civil: list tasks', method: 'GET', url: () => '/api/civil/tasks', allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'civil: create a task', method: 'POST', url: () => '/api/civil/tasks', body: { id: 'x' }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'civil: read a task', method: 'GET', url: () => '/api/civil/tasks/none', allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: "civil: a task's people", method: 'GET', url: () => '/api/civil/tasks/none/assignments', allowed: ['coordinator', 'almaty.officer', 'district.officer'] },
  { what: 'civil: plan a task', method: 'POST', url: () => '/api/civil/tasks/none/plan', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'civil: approve a task', method: 'POST', url: () => '/api/civil/tasks/none/approve', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'civil: withdraw a task', method: 'POST', url: () => '/api/civil/tasks/none/withdraw', body: {}, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'civil: list reservations', method: 'GET', url: () => '/api/civil/reservations', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'civil: reservation conflicts', method: 'GET', url: () => '/api/civil/reservations/conflicts', allowed: ['coordinator', 'almaty.officer', 'district.officer', 'enterprise.officer'] },
  { what: 'civil: ask for a reservation', method: 'POST', url: () => '/api/civil/reservations', body: { iin: 'x' }, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'civil: import a reservation list', method: 'POST', url: () => '/api/civil/reservations/import', body: { csv: 'iin\n' }, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
  { what: 'civil: approve reservations', method: 'POST', url: () => '/api/civil/reservations/approve', body: { ids: [999999] }, allowed: ['coordinator', 'almaty.officer'] },
  { what: 'civil: revoke a reservation', method: 'POST', url: () => '/api/civil/reservations/999999/revoke', body: { reason: 'test' }, allowed: ['coordinator', 'almaty.officer', 'enterprise.officer'] },
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

test("civil: region A's officer never lists region B's essential workers or reserves them", async () => {
  const reads = async () => (await db.query("SELECT 1 FROM audit_log WHERE action = 'civil.personnel.read' AND actor = 'user:almaty.officer'")).length;
  const readsBefore = await reads();
  const own = await call('almaty.officer', 'GET', '/api/civil/personnel');
  assert.equal(own.statusCode, 200, own.body);
  assert.doesNotMatch(own.body, new RegExp(astana.iin));
  const other = await call('almaty.officer', 'GET', '/api/civil/personnel?region=KZ-71');
  assert.deepEqual([other.statusCode, other.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const all = await call('coordinator', 'GET', '/api/civil/personnel?region=KZ-71');
  assert.match(all.body, new RegExp(astana.iin), 'the national coordinator sees Astana');
  const reserve = { iin: astana.iin, requester_kind: 'agency', requester: 'emergencies', list_name: 'x', reason: 'rescue team', valid_from: '2026-11-23', valid_to: '2027-01-01' };
  const r = await call('almaty.officer', 'POST', '/api/civil/reservations', reserve);
  assert.deepEqual([r.statusCode, r.json().error.code], [404, 'CIVIL_PERSON_NOT_FOUND']);
  const task = { id: 'astana-medics', title: 'x', sector: 'health', region: 'KZ-71', due_date: '2026-12-01', lines: [{ skill: 'nurse', count: 1 }] };
  const t = await call('almaty.officer', 'POST', '/api/civil/tasks', task);
  assert.deepEqual([t.statusCode, t.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);
  const enterprise = await call('enterprise.officer', 'POST', '/api/civil/reservations', { ...reserve, iin: almaty.iin });
  assert.deepEqual([enterprise.statusCode, enterprise.json().error.code], [400, 'CIVIL_RESERVATION_INVALID'], 'an enterprise reserves on its own BIN only');
  assert.equal(await reads(), readsBefore + 1, 'the list read is audited; the refused one wrote nothing');
});
