import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError, type DomainError } from '../src/kernel/errors.ts';
import { NATIONAL, TASK_TRANSITIONS, actOnTask, assignTask, importCapacities, listEnterprises, listTasks, reduceTask, registerEnterprise, setCapacity, showEnterprise, type EconomyScope } from '../src/modules/economy/index.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = (actor: string, scope: EconomyScope = NATIONAL) => ({ actor, at: clock.now(), scope });
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
const trans = makeBin('1905', 4, 0, 4242) as string;
const fuel = makeBin('2003', 4, 0, 777) as string;
const astana = makeBin('1102', 4, 0, 31337) as string;
const officerOf = (bin: string) => ctx(`user:officer-${bin.slice(-4)}`, { region: null, bin });
let db: Db;
before(async () => {
  db = await freshDb();
  await registerEnterprise(db, { bin: trans, name: 'Tulpar Trans LLP', region: 'KZ-75', sector: 'logistics' }, ctx('test:setup'));
  await registerEnterprise(db, { bin: fuel, name: 'Kaspi Energy LLP', region: 'KZ-75', sector: 'energy' }, ctx('test:setup'));
  await registerEnterprise(db, { bin: astana, name: 'Baiterek Med LLP', region: 'KZ-71', sector: 'health' }, ctx('test:setup'));
});
after(async () => {
  await db.close();
});

const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

test('CSV import: every bad line reported with line, field and reason, and nothing written', async () => {
  const bad = [
    'bin,kind,subtype,quantity,unit,places,region,location',
    `${trans},vehicles,truck,40,,,KZ-75,Almaty depot`,
    `${trans.slice(0, 11)}0,vehicles,bus,10,,,KZ-75,`,
    `${trans},vehicles,bus,-3,,,KZ-75,`,
    `${fuel},fuel,diesel,200,units,,KZ-75,`,
    `${trans},vehicles,truck,5,,,KZ-75,duplicate`,
    `${fuel},buildings,warehouse,900,,12,KZ-99,`,
    `${makeBin('2101', 4, 0, 5) as string},vehicles,truck,1,,,KZ-75,`,
  ].join('\n');
  const before = [await count('economy_capacities'), await count('audit_log')];
  const e = await importCapacities(db, bad, ctx('officer-a')).then(() => assert.fail('imported'), (x: DomainError) => x);
  assert.equal(e.code, 'ECONOMY_IMPORT_INVALID');
  const issues = (e.details.issues as { line: number; field: string; reason: string }[]).map((i) => `${i.line}:${i.field}`);
  assert.deepEqual(issues, ['3:bin', '4:quantity', '5:unit', '6:subtype', '7:region', '8:bin'], JSON.stringify(e.details.issues));
  assert.match(e.message, /line 5, unit: fuel are counted in t\/day/);
  assert.deepEqual([await count('economy_capacities'), await count('audit_log')], before, 'nothing written');

  const header = await importCapacities(db, 'bin,kind,amount\n', ctx('officer-a')).catch((x: DomainError) => x);
  assert.deepEqual((header as DomainError).details.issues, [
    { line: 1, field: 'amount', reason: 'unknown column; columns are bin, kind, subtype, quantity, unit, places, region, location' },
    { line: 1, field: 'subtype', reason: 'required column missing' },
    { line: 1, field: 'quantity', reason: 'required column missing' },
    { line: 1, field: 'region', reason: 'required column missing' },
  ]);

  const good = ['bin,kind,subtype,quantity,places,region,location', `${trans},vehicles,truck,40,,KZ-75,"Almaty, depot 2"`, `${trans},vehicles,truck,10,,KZ-71,Astana yard`, `${trans},buildings,warehouse,1500,40,KZ-75,`, `${fuel},fuel,diesel,300,,KZ-75,refinery`].join('\r\n');
  assert.deepEqual(await importCapacities(db, good, ctx('officer-a')), { lines: 4, enterprises: 2 });
  const e2 = await showEnterprise(db, trans, NATIONAL);
  assert.deepEqual(e2.capacities.map((c) => [c.kind, c.subtype, c.region, c.quantity, c.unit, c.places, c.location]), [
    ['buildings', 'warehouse', 'KZ-75', 1500, 'm2', 40, null],
    ['vehicles', 'truck', 'KZ-71', 10, 'units', null, 'Astana yard'],
    ['vehicles', 'truck', 'KZ-75', 40, 'units', null, 'Almaty, depot 2'],
  ]);
  assert.equal(await count("audit_log WHERE action = 'economy.capacity.set'"), 4);
});

test('over-commit is refused with what is free; declining frees capacity; capacity cannot drop below what tasks hold', async () => {
  assert.deepEqual(Object.keys(TASK_TRANSITIONS).sort(), ['accepted', 'assigned', 'declined', 'fulfilled']);
  assert.throws(() => reduceTask(5, [{ action: 'assign', quantity: null }, { action: 'progress', quantity: 1 }]), code('ECONOMY_BAD_TRANSITION'));
  const base = { bin: trans, kind: 'vehicles', subtype: 'truck', destination: 'KZ-75', dueDate: '2026-12-01' };
  const t1 = await assignTask(db, { ...base, quantity: 30 }, ctx('officer-a'));
  assert.equal(t1.state, 'assigned');
  const tasks = await count('economy_tasks');
  const over = await assignTask(db, { ...base, quantity: 21 }, ctx('officer-a')).catch((x: DomainError) => x);
  assert.equal((over as DomainError).code, 'ECONOMY_OVER_COMMIT');
  assert.deepEqual((over as DomainError).details, { declared: 50, committed: 30, free: 20, asked: 21 });
  assert.match((over as DomainError).message, /declared 50 units of truck, 30 already tasked: 20 free, 21 asked/);
  assert.equal(await count('economy_tasks'), tasks, 'nothing written');
  await assert.rejects(assignTask(db, { ...base, subtype: 'bus', quantity: 1 }, ctx('officer-a')), code('ECONOMY_OVER_COMMIT'));
  await assert.rejects(assignTask(db, { bin: fuel, kind: 'fuel', subtype: 'diesel', quantity: 301, destination: 'KZ-75', dueDate: '2026-12-01' }, ctx('officer-a')), code('ECONOMY_OVER_COMMIT'));
  const t2 = await assignTask(db, { ...base, quantity: 20 }, ctx('officer-a'));
  await assert.rejects(setCapacity(db, { bin: trans, kind: 'vehicles', subtype: 'truck', quantity: 39, region: 'KZ-75' }, ctx('officer-a')), code('ECONOMY_CAPACITY_BELOW_COMMITTED'));
  await actOnTask(db, t2.id, 'decline', { note: 'trucks are in the harvest' }, officerOf(trans));
  const t3 = await assignTask(db, { ...base, quantity: 20, idempotencyKey: 'retry-key-0001' }, ctx('officer-a'));
  assert.equal((await assignTask(db, { ...base, quantity: 20, idempotencyKey: 'retry-key-0001' }, ctx('officer-a'))).id, t3.id, 'a retried assignment is the same task');
  const e = await showEnterprise(db, trans, NATIONAL);
  assert.equal(e.capacities.find((c) => c.region === 'KZ-75' && c.subtype === 'truck')?.committed, 50);
});

test('task states: the enterprise accepts or declines its own tasks; progress fulfils; every step audited', async () => {
  const t = await assignTask(db, { bin: fuel, kind: 'fuel', subtype: 'diesel', quantity: 200, destination: 'KZ-71', dueDate: '2026-12-05', note: '200 t/day diesel' }, ctx('officer-a'));
  await assert.rejects(actOnTask(db, t.id, 'progress', { quantity: 10 }, officerOf(fuel)), code('ECONOMY_BAD_TRANSITION'));
  await assert.rejects(actOnTask(db, t.id, 'accept', {}, officerOf(trans)), code('ECONOMY_TASK_NOT_FOUND'), "another enterprise's task is unknown to it");
  await actOnTask(db, t.id, 'accept', {}, officerOf(fuel));
  await assert.rejects(actOnTask(db, t.id, 'decline', {}, officerOf(fuel)), code('ECONOMY_BAD_TRANSITION'));
  await assert.rejects(actOnTask(db, t.id, 'progress', { quantity: 0 }, officerOf(fuel)), code('ECONOMY_BAD_INPUT'));
  const half = await actOnTask(db, t.id, 'progress', { quantity: 120 }, officerOf(fuel));
  assert.deepEqual([half.state, half.delivered], ['accepted', 120]);
  const done = await actOnTask(db, t.id, 'progress', { quantity: 80 }, ctx('officer-a'));
  assert.deepEqual([done.state, done.delivered, done.log.map((l) => l.action)], ['fulfilled', 200, ['assign', 'accept', 'progress', 'progress']]);
  await assert.rejects(actOnTask(db, t.id, 'progress', { quantity: 1 }, officerOf(fuel)), code('ECONOMY_BAD_TRANSITION'));
  const audit = await db.query<{ action: string }>('SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq', [`task:${t.id}`]);
  assert.deepEqual(audit.map((a) => a.action), ['economy.task.assign', 'economy.task.accept', 'economy.task.progress', 'economy.task.progress']);
  await assert.rejects(db.query('DELETE FROM economy_task_actions'), /append-only/);
});

test('an enterprise officer sees and declares for their own enterprise only; a regional officer their region', async () => {
  const mine = officerOf(fuel);
  assert.deepEqual((await listEnterprises(db, mine.scope)).map((e) => e.bin), [fuel]);
  assert.deepEqual([...new Set((await listTasks(db, mine.scope)).map((t) => t.bin))], [fuel]);
  await assert.rejects(showEnterprise(db, trans, mine.scope), code('ECONOMY_UNKNOWN_ENTERPRISE'));
  await assert.rejects(setCapacity(db, { bin: trans, kind: 'vehicles', subtype: 'truck', quantity: 99, region: 'KZ-75' }, mine), code('ECONOMY_UNKNOWN_ENTERPRISE'));
  const csv = `bin,kind,subtype,quantity,region\n${fuel},fuel,petrol,50,KZ-75\n${trans},vehicles,truck,99,KZ-75\n`;
  const e = await importCapacities(db, csv, mine).catch((x: DomainError) => x);
  assert.deepEqual((e as DomainError).details.issues, [{ line: 3, field: 'bin', reason: `no enterprise with BIN ${trans} that you may see` }]);
  assert.equal((await showEnterprise(db, fuel, NATIONAL)).capacities.some((c) => c.subtype === 'petrol'), false, 'the good line was not written either');
  await setCapacity(db, { bin: fuel, kind: 'fuel', subtype: 'petrol', quantity: 50, region: 'KZ-75' }, mine);
  assert.equal((await showEnterprise(db, fuel, mine.scope)).capacities.find((c) => c.subtype === 'petrol')?.updatedBy, mine.actor);

  const almaty = { region: 'KZ-75', bin: null };
  assert.deepEqual((await listEnterprises(db, almaty)).map((e) => e.bin).sort(), [fuel, trans].sort());
  await assert.rejects(showEnterprise(db, astana, almaty), code('ECONOMY_UNKNOWN_ENTERPRISE'));
  await assert.rejects(registerEnterprise(db, { bin: makeBin('2201', 4, 0, 9) as string, name: 'X', region: 'KZ-71' }, ctx('officer-a', almaty)), code('ACCESS_OUT_OF_SCOPE'));
});
