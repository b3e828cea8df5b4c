import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import {
  advanceTask,
  approveEvacuationPlan,
  assignProtection,
  endProtection,
  assignTask,
  createEvacuationPlan,
  createUnit,
  listProtection,
  listTasks,
  territorialReadiness,
  unprotectedCritical,
  type TdContext,
} from '../src/modules/territorial/index.ts';
import { freshDb } from './helpers/db.ts';
import { infrastructureObject } from './helpers/territorial.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const ctx = (region: string | null = null, district: string | null = null): TdContext => ({ actor: 'officer-a', clock, area: { region, district } });
const code = (c: string) => (e: unknown) => isDomainError(e, c) || assert.fail(`expected ${c}, got ${(e as Error).message}`);
let db: Db;
const ids = { plant: 0, grid: 0, dam: 0, local: 0, almaty: 0, astanaUnit: 0, secondUnit: 0, almatyUnit: 0 };

before(async () => {
  db = await freshDb();
  ids.plant = await infrastructureObject(db, { region: 'KZ-71', code: 'A-PLANT', criticality: 1 });
  ids.grid = await infrastructureObject(db, { region: 'KZ-71', code: 'A-GRID', criticality: 1 });
  ids.dam = await infrastructureObject(db, { region: 'KZ-71', code: 'A-DAM', criticality: 1 });
  ids.local = await infrastructureObject(db, { region: 'KZ-71', code: 'A-LOCAL', criticality: 3 });
  ids.almaty = await infrastructureObject(db, { region: 'KZ-75', code: 'B-PLANT', criticality: 1 });
  ids.astanaUnit = (await createUnit(db, { name: 'Astana battalion', region: 'KZ-71', kind: 'territorial_troops', strengthTarget: 30 }, ctx())).id;
  ids.secondUnit = (await createUnit(db, { name: 'Astana guards', region: 'KZ-71', district: 'KZ-71-D02', kind: 'rapid_response', strengthTarget: 10 }, ctx())).id;
  ids.almatyUnit = (await createUnit(db, { name: 'Almaty battalion', region: 'KZ-75', kind: 'territorial_troops', strengthTarget: 30 }, ctx())).id;
});
after(async () => {
  await db.close();
});

test('a unit guards objects in its own region only; one object may have several units, a unit guards it once', async () => {
  await assert.rejects(assignProtection(db, ids.almatyUnit, { objectId: ids.plant, shiftStrength: 4 }, ctx()), code('TD_OUT_OF_REGION'));
  await assert.rejects(assignProtection(db, ids.astanaUnit, { objectId: ids.almaty, shiftStrength: 4 }, ctx()), code('TD_OUT_OF_REGION'));
  await assert.rejects(assignProtection(db, ids.astanaUnit, { objectId: 999_999, shiftStrength: 4 }, ctx()), code('TD_OBJECT_NOT_FOUND'));
  await assert.rejects(assignProtection(db, ids.astanaUnit, { objectId: ids.plant, shiftStrength: 0 }, ctx()), code('TD_BAD_INPUT'));
  await assert.rejects(assignProtection(db, ids.secondUnit, { objectId: ids.plant, shiftStrength: 50 }, ctx()), code('TD_UNIT_TOO_SMALL'), 'a unit of 10 cannot put 50 on one shift');
  assert.equal((await db.query('SELECT 1 FROM td_protection')).length, 0, 'refusals write nothing');
  await assignProtection(db, ids.astanaUnit, { objectId: ids.plant, shiftStrength: 6 }, ctx());
  await assignProtection(db, ids.secondUnit, { objectId: ids.plant, shiftStrength: 3 }, ctx('KZ-71'));
  await assert.rejects(assignProtection(db, ids.astanaUnit, { objectId: ids.plant, shiftStrength: 2 }, ctx()), code('TD_ALREADY_GUARDING'));
  // A regional officer cannot put another region's unit on guard.
  await assert.rejects(assignProtection(db, ids.almatyUnit, { objectId: ids.almaty, shiftStrength: 2 }, ctx('KZ-71')), code('TD_UNIT_NOT_FOUND'));
  const guards = await listProtection(db, ctx('KZ-71').area);
  assert.deepEqual(guards.map((g) => [g.objectCode, g.unitName, g.shiftStrength]), [['A-PLANT', 'Astana battalion', 6], ['A-PLANT', 'Astana guards', 3]]);
});

test('unprotected criticality-1 objects per region; a guard task is a protection assignment', async () => {
  assert.deepEqual((await unprotectedCritical(db, ctx('KZ-71').area)).map((o) => o.code), ['A-DAM', 'A-GRID']);
  assert.deepEqual((await unprotectedCritical(db, ctx().area)).map((o) => o.code), ['A-DAM', 'A-GRID', 'B-PLANT']);
  const task = await assignTask(db, ids.astanaUnit, { kind: 'guard', objectId: ids.grid, shiftStrength: 5 }, ctx());
  assert.equal(task.kind, 'guard');
  assert.ok(task.protectionId);
  assert.deepEqual((await unprotectedCritical(db, ctx('KZ-71').area)).map((o) => o.code), ['A-DAM']);
  await assert.rejects(assignTask(db, ids.almatyUnit, { kind: 'guard', objectId: ids.dam, shiftStrength: 5 }, ctx()), code('TD_OUT_OF_REGION'));
  assert.equal((await listTasks(db, ctx('KZ-75').area)).length, 0, 'a refused guard task leaves no task behind');
  const astana = (await territorialReadiness(db)).find((r) => r.region === 'KZ-71');
  assert.deepEqual([astana?.measures.critObjects, astana?.measures.critProtected, astana?.measures.critUnprotected, astana?.measures.units, astana?.measures.strengthTarget], [3, 2, 1, 2, 40]);
});

test('tasks go assigned → in progress → done, never skipping or going back', async () => {
  const fort = await assignTask(db, ids.secondUnit, { kind: 'fortify', location: 'Esil bridge', dueDate: '2026-12-01' }, ctx());
  assert.deepEqual([fort.state, fort.location, fort.dueDate], ['assigned', 'Esil bridge', '2026-12-01']);
  await assert.rejects(advanceTask(db, String(fort.id), 'done', ctx()), code('TD_BAD_TRANSITION'));
  assert.equal((await advanceTask(db, String(fort.id), 'in_progress', ctx('KZ-71', 'KZ-71-D02'))).state, 'in_progress');
  await assert.rejects(advanceTask(db, String(fort.id), 'done', ctx('KZ-71', 'KZ-71-D01')), code('TD_TASK_NOT_FOUND'));
  assert.equal((await advanceTask(db, String(fort.id), 'done', ctx())).state, 'done');
  await assert.rejects(advanceTask(db, String(fort.id), 'in_progress', ctx()), code('TD_BAD_TRANSITION'));
  await assert.rejects(assignTask(db, ids.secondUnit, { kind: 'fortify', location: 'x', dueDate: '1 Dec' }, ctx()), code('TD_BAD_INPUT'));
  await assert.rejects(assignTask(db, ids.secondUnit, { kind: 'dig' }, ctx()), code('TD_BAD_INPUT'));
  const plan = await createEvacuationPlan(db, { name: 'p', region: 'KZ-75', fromDistricts: ['KZ-75-D01'], toDistricts: ['KZ-75-D02'], windowHours: 24 }, ctx());
  await assert.rejects(assignTask(db, ids.astanaUnit, { kind: 'evacuate', planId: plan.id }, ctx()), code('TD_OUT_OF_REGION'));
  const evac = await assignTask(db, ids.almatyUnit, { kind: 'evacuate', planId: (await approveEvacuationPlan(db, String(plan.id), { ...ctx(), actor: 'officer-b', acceptShortfall: 'test' })).id }, ctx());
  assert.equal(evac.evacuationPlanId, plan.id);
  const states = await db.query<{ details: { from: string; to: string } }>("SELECT details FROM audit_log WHERE action = 'td.task.advance' ORDER BY seq");
  assert.deepEqual(states.map((s) => `${s.details.from}>${s.details.to}`), ['assigned>in_progress', 'in_progress>done']);
});

test('a unit carries out an approved evacuation plan only: a draft has not passed the second person nor the capacity gate', async () => {
  const plan = await createEvacuationPlan(db, { name: 'draft', region: 'KZ-75', fromDistricts: ['KZ-75-D03'], toDistricts: ['KZ-75-D04'], windowHours: 24 }, ctx());
  assert.equal(plan.status, 'draft');
  const before = (await listTasks(db, ctx('KZ-75').area)).length;
  await assert.rejects(assignTask(db, ids.almatyUnit, { kind: 'evacuate', planId: plan.id }, ctx()), code('TD_PLAN_NOT_APPROVED'));
  assert.equal((await listTasks(db, ctx('KZ-75').area)).length, before, 'a refused evacuation task leaves no task behind');
  await approveEvacuationPlan(db, String(plan.id), { ...ctx(), actor: 'officer-b', acceptShortfall: 'test' });
  const task = await assignTask(db, ids.almatyUnit, { kind: 'evacuate', planId: plan.id }, ctx());
  assert.deepEqual([task.kind, task.evacuationPlanId, task.state], ['evacuate', plan.id, 'assigned']);
});

test('a guard is stood down with a reason once its guard task is done; the object is unprotected again and may be guarded anew', async () => {
  const guard = (await listTasks(db, ctx('KZ-71').area)).find((t) => t.kind === 'guard');
  const id = guard?.protectionId as number;
  assert.ok(guard && id);
  await assert.rejects(endProtection(db, id, { reason: 'x' }, ctx()), code('TD_BAD_INPUT'));
  await assert.rejects(endProtection(db, id, { reason: 'handed to the police' }, ctx('KZ-75')), code('TD_PROTECTION_NOT_FOUND'), 'not in the actor\'s area');
  await assert.rejects(endProtection(db, id, { reason: 'handed to the police' }, ctx()), code('TD_GUARD_TASK_OPEN'));
  await advanceTask(db, String(guard.id), 'in_progress', ctx());
  await advanceTask(db, String(guard.id), 'done', ctx());
  const ended = await endProtection(db, id, { reason: 'handed to the police' }, ctx('KZ-71'));
  assert.deepEqual([ended.objectCode, ended.ended?.by, ended.ended?.reason], ['A-GRID', 'officer-a', 'handed to the police']);
  await assert.rejects(endProtection(db, id, { reason: 'again' }, ctx()), code('TD_PROTECTION_NOT_FOUND'));
  await assert.rejects(endProtection(db, Number.NaN, { reason: 'again' }, ctx()), code('TD_PROTECTION_NOT_FOUND'));
  assert.ok(!(await listProtection(db, ctx().area)).some((g) => g.id === id), 'only standing guards are listed');
  assert.deepEqual((await unprotectedCritical(db, ctx('KZ-71').area)).map((o) => o.code), ['A-DAM', 'A-GRID']);
  const [audit] = await db.query<{ subject: string; details: unknown }>("SELECT subject, details FROM audit_log WHERE action = 'td.protection.end'");
  assert.deepEqual(audit, { subject: `td_protection:${id}`, details: { unitId: ids.astanaUnit, reason: 'handed to the police' } });
  const anew = await assignProtection(db, ids.astanaUnit, { objectId: ids.grid, shiftStrength: 2 }, ctx());
  assert.deepEqual([anew.objectCode, anew.ended], ['A-GRID', null]);
  assert.deepEqual((await unprotectedCritical(db, ctx('KZ-71').area)).map((o) => o.code), ['A-DAM']);
});
