import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.ts';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { asUser, staffToken } from './helpers/staff.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const own = makeBin('1905', 4, 0, 4242) as string;
const other = makeBin('2003', 4, 0, 777) as string;
const astana = makeBin('1102', 4, 0, 31337) as string;
let db: Db;
let app: FastifyInstance;
const tokens = new Map<string, string>();
before(async () => {
  db = await freshDb();
  tokens.set('coordinator', await staffToken(db, 'coordinator', 'national_coordinator'));
  tokens.set('coordinator2', await staffToken(db, 'coordinator2', 'national_coordinator'));
  tokens.set('almaty', await staffToken(db, 'almaty', 'regional_officer', { region: 'KZ-75' }));
  tokens.set('enterprise', await staffToken(db, 'enterprise', 'enterprise_officer', { employerBin: own }));
  app = await buildApp({ db, clock });
});
after(async () => {
  await app.close();
  await db.close();
});

const call = asUser(() => app, tokens);

test('through the API: enterprises registered and declared, a task answered by its enterprise only, scopes held', async () => {
  for (const [bin, region] of [[own, 'KZ-75'], [other, 'KZ-75'], [astana, 'KZ-71']] as const) {
    assert.equal((await call('coordinator', 'POST', '/api/economy/enterprises', { bin, name: `E ${bin}`, region })).statusCode, 201);
  }
  assert.equal((await call('coordinator', 'POST', '/api/economy/enterprises', { bin: `${own.slice(0, 11)}${(Number(own[11]) + 1) % 10}`, name: 'bad', region: 'KZ-75' })).json().error.code, 'REGISTRY_INVALID_BIN');
  const csv = `bin,kind,subtype,quantity,region\n${own},vehicles,truck,30,KZ-75\n${other},vehicles,truck,10,KZ-75\n${astana},buildings,hospital,abc,KZ-71\n`;
  const bad = await call('coordinator', 'POST', '/api/economy/capacities/import', { csv });
  assert.deepEqual([bad.statusCode, bad.json().error.code, bad.json().error.details.issues], [400, 'ECONOMY_IMPORT_INVALID', [{ line: 4, field: 'quantity', reason: '"abc" is not a whole number' }]]);
  assert.equal((await call('coordinator', 'GET', `/api/economy/enterprises/${own}`)).json().capacities.length, 0, 'nothing written');
  assert.equal((await call('coordinator', 'POST', '/api/economy/capacities/import', { csv: csv.split('\n').slice(0, 3).join('\n') })).statusCode, 201);

  const list = await call('enterprise', 'GET', '/api/economy/enterprises');
  assert.deepEqual(list.json().enterprises.map((e: { bin: string }) => e.bin), [own]);
  assert.equal((await call('enterprise', 'GET', `/api/economy/enterprises/${other}`)).statusCode, 404);
  assert.equal((await call('enterprise', 'POST', '/api/economy/capacities', { bin: other, kind: 'vehicles', subtype: 'truck', quantity: 1, region: 'KZ-75' })).statusCode, 404);
  const regional = await call('almaty', 'GET', '/api/economy/enterprises?region=KZ-71');
  assert.deepEqual([regional.statusCode, regional.json().error.code], [403, 'ACCESS_OUT_OF_SCOPE']);

  const over = await call('almaty', 'POST', '/api/economy/tasks', { bin: own, kind: 'vehicles', subtype: 'truck', quantity: 31, destination: 'KZ-75', dueDate: '2026-12-01' });
  assert.deepEqual([over.statusCode, over.json().error.code, over.json().error.details.free], [409, 'ECONOMY_OVER_COMMIT', 30]);
  const task = (await call('almaty', 'POST', '/api/economy/tasks', { bin: own, kind: 'vehicles', subtype: 'truck', quantity: 30, destination: 'KZ-75', dueDate: '2026-12-01' })).json();
  const accepted = await call('enterprise', 'POST', `/api/economy/tasks/${task.id}/accept`, { note: 'trucks at the depot by 08:00' });
  assert.deepEqual([accepted.statusCode, accepted.json().state], [200, 'accepted']);
  const done = await call('enterprise', 'POST', `/api/economy/tasks/${task.id}/progress`, { quantity: 30 });
  assert.equal(done.json().state, 'fulfilled');
  assert.equal((await call('enterprise', 'GET', '/api/economy/enterprises')).json().enterprises[0].openTasks, 0, 'a fulfilled task is no longer open');

  const readiness = (await call('almaty', 'GET', '/api/economy/readiness')).json().regions as { region: string; measures: Record<string, number> }[];
  assert.deepEqual(readiness.find((r) => r.region === 'KZ-75')?.measures, { enterprises: 2, vehiclesDeclared: 40, vehiclesTasked: 30, vehiclesFree: 10, fuelTonnesPerDay: 0, tasksOpen: 0, requisitionsOpen: 0, compensationOutstandingTenge: 0 });
  assert.equal(readiness.length, 20);
});

test('through the API: a requisition approved by a second person, paid up to its balance and no further', async () => {
  const draft = await call('almaty', 'POST', '/api/economy/requisitions', { owner: { bin: own }, purpose: 'transport', useFrom: '2026-11-24', useUntil: '2027-02-22', items: [{ kind: 'truck', description: 'KAMAZ', condition: 'good', ageYears: 3 }] });
  assert.equal(draft.statusCode, 201, draft.body);
  const id = draft.json().id as string;
  const self = await call('almaty', 'POST', `/api/economy/requisitions/${id}/approve`, {});
  assert.deepEqual([self.statusCode, self.json().error.code], [403, 'ECONOMY_SELF_APPROVAL']);
  assert.equal((await call('coordinator', 'POST', `/api/economy/requisitions/${id}/approve`, {})).json().state, 'in_use');
  const over = await call('coordinator', 'POST', `/api/economy/requisitions/${id}/ledger`, { kind: 'paid', amountTiyn: 1_853_603_841 });
  assert.deepEqual([over.statusCode, over.json().error.code], [422, 'ECONOMY_OVERPAYMENT']);
  const paid = await call('coordinator', 'POST', `/api/economy/requisitions/${id}/ledger`, { kind: 'paid', amountTiyn: 853_603_840 });
  assert.equal(paid.json().totals.balance, 1_000_000_000);
  assert.equal((await call('enterprise', 'GET', `/api/economy/requisitions/${id}`)).json().totals.balance, 1_000_000_000, 'the owner enterprise sees its requisition');
  const listed = (await call('enterprise', 'GET', '/api/economy/requisitions?state=in_use')).json().requisitions;
  assert.deepEqual(listed.map((x: { id: string; balanceTiyn: number; ownerName: string }) => [x.id, x.balanceTiyn, x.ownerName]), [[id, 1_000_000_000, `E ${own}`]]);
  assert.deepEqual((await call('enterprise', 'GET', '/api/economy/requisitions?state=draft')).json().requisitions, []);
  const totals = (await call('coordinator', 'GET', '/api/economy/compensation?by=region')).json().totals;
  assert.deepEqual(totals, [{ key: 'KZ-75', requisitions: 1, owedTiyn: 1_853_603_840, returnedTiyn: 0, damageTiyn: 0, paidTiyn: 853_603_840, balanceTiyn: 1_000_000_000 }]);
  const kz75 = (await call('coordinator', 'GET', '/api/economy/readiness')).json().regions.find((r: { region: string }) => r.region === 'KZ-75');
  assert.deepEqual([kz75.measures.requisitionsOpen, kz75.measures.compensationOutstandingTenge], [1, 10_000_000]);
});
