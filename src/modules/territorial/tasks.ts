import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { AreaScope } from '../access/index.ts';
import { areaSql, parseId, type TdContext } from './context.ts';
import { assignProtectionTx } from './protection.ts';
import { NewTask, parseInput, type TaskState } from './schemas.ts';
import { loadUnit } from './units.ts';

/** A task moves forward only: assigned → in progress → done. */
const NEXT: Record<TaskState, TaskState | null> = { assigned: 'in_progress', in_progress: 'done', done: null };

export interface Task {
  id: number;
  unitId: number;
  unitName: string;
  region: string;
  kind: 'guard' | 'fortify' | 'evacuate';
  state: TaskState;
  protectionId: number | null;
  location: string | null;
  dueDate: string | null;
  evacuationPlanId: number | null;
  updatedAt: string;
}

const TASK_SELECT = `SELECT t.id, t.unit_id, u.name AS unit_name, u.region, t.kind, t.state, t.protection_id, t.location, t.due_date::text AS due_date, t.evacuation_plan_id, t.updated_at
  FROM td_tasks t JOIN td_units u ON u.id = t.unit_id`;
interface TaskRow { id: number; unit_id: number; unit_name: string; region: string; kind: Task['kind']; state: TaskState; protection_id: number | null; location: string | null; due_date: string | null; evacuation_plan_id: number | null; updated_at: Date }
const toTask = (r: TaskRow): Task => ({
  id: Number(r.id), unitId: Number(r.unit_id), unitName: r.unit_name, region: r.region, kind: r.kind, state: r.state,
  protectionId: r.protection_id === null ? null : Number(r.protection_id), location: r.location, dueDate: r.due_date,
  evacuationPlanId: r.evacuation_plan_id === null ? null : Number(r.evacuation_plan_id), updatedAt: new Date(r.updated_at).toISOString(),
});

/**
 * Gives a unit a task. Guarding a facility is a protection assignment (written with the task, same region rule);
 * an evacuation task carries out an approved evacuation plan of the unit's region.
 */
export async function assignTask(db: Db, unitRef: string | number, input: unknown, ctx: TdContext): Promise<Task> {
  const t = parseInput(NewTask, input, 'task');
  return db.transaction(async (tx) => {
    const unit = await loadUnit(tx, unitRef, ctx.area);
    let protectionId: number | null = null;
    let planId: number | null = null;
    if (t.kind === 'guard') protectionId = (await assignProtectionTx(tx, unit.id, { objectId: t.objectId, shiftStrength: t.shiftStrength }, ctx)).id;
    if (t.kind === 'evacuate') {
      // Only an approved plan is carried out: otherwise a task would bypass the second person and the capacity gate.
      // An approval is never withdrawn (the action log is append-only), so no lock is needed to rely on it.
      const { rows } = await tx.query<{ region: string; approved: boolean }>(
        `SELECT p.region, EXISTS (SELECT 1 FROM td_evacuation_actions a WHERE a.plan_id = p.id AND a.action = 'approve') AS approved
           FROM td_evacuation_plans p WHERE p.id = $1`,
        [t.planId],
      );
      if (!rows[0]) throw new DomainError('TD_PLAN_NOT_FOUND', `no evacuation plan ${t.planId}`);
      if (rows[0].region !== unit.region) throw new DomainError('TD_OUT_OF_REGION', `plan ${t.planId} is for ${rows[0].region}; unit ${unit.id} serves ${unit.region}.`);
      if (!rows[0].approved) throw new DomainError('TD_PLAN_NOT_APPROVED', `evacuation plan ${t.planId} is a draft; a second person must approve it before a unit is tasked with it.`);
      planId = t.planId;
    }
    const at = ctx.clock.now();
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO td_tasks (unit_id, kind, protection_id, location, due_date, evacuation_plan_id, state, created_at, created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'assigned', $7, $8, $7) RETURNING id`,
      [unit.id, t.kind, protectionId, t.kind === 'fortify' ? t.location : null, t.kind === 'fortify' ? t.dueDate : null, planId, at, ctx.actor],
    );
    const id = Number(rows[0]?.id);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.task.assign', subject: `td_task:${id}`, details: { unitId: unit.id, ...t } });
    const { rows: out } = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(out[0] as TaskRow);
  });
}

/** Moves a task to its next state, which must be the one asked for (so a retried request cannot skip a step). */
export async function advanceTask(db: Db, ref: string, to: TaskState, ctx: TdContext): Promise<Task> {
  const id = parseId(ref, 'TD_TASK_NOT_FOUND', 'task');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<TaskRow & { district: string | null }>(`${TASK_SELECT.replace('u.region,', 'u.region, u.district,')} WHERE t.id = $1 FOR UPDATE OF t`, [id]);
    const task = rows[0];
    if (!task) throw new DomainError('TD_TASK_NOT_FOUND', `no task ${id}`);
    await loadUnit(tx, Number(task.unit_id), ctx.area).catch(() => {
      throw new DomainError('TD_TASK_NOT_FOUND', `no task ${id} in your area`);
    });
    if (NEXT[task.state] !== to) throw new DomainError('TD_BAD_TRANSITION', `task ${id} is ${task.state}; it can only move to ${NEXT[task.state] ?? 'nothing (done)'}, not ${to}.`);
    const at = ctx.clock.now();
    await tx.query('UPDATE td_tasks SET state = $2, updated_at = $3 WHERE id = $1', [id, to, at]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'td.task.advance', subject: `td_task:${id}`, details: { from: task.state, to } });
    return { ...toTask(task), state: to, updatedAt: at.toISOString() };
  });
}

export async function listTasks(db: Db, area: AreaScope, unitId?: number): Promise<Task[]> {
  const params: unknown[] = [];
  const unit = unitId ? ` AND t.unit_id = $${params.push(unitId)}` : '';
  const where = areaSql(area, 'u', params);
  const rows = await db.query<TaskRow>(`${TASK_SELECT} WHERE ${where}${unit} ORDER BY t.id`, params);
  return rows.map(toTask);
}
