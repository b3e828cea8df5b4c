import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { assertRegion, committed, declared, enterpriseScopeSql, visibleEnterprise } from './enterprises.ts';
import { BinText, CAPACITY_UNIT, CapacityKind, RegionCode, Subtype, parseInput, type EconomyContext, type EconomyScope } from './vocab.ts';

/**
 * A mobilization task given to an enterprise ("30 trucks to KZ-75 by 1 December", "200 t/day of diesel"). Its state
 * is derived from an append-only action log: assigned → accepted or declined by the enterprise → fulfilled once
 * the progress reported reaches the quantity.
 */
export type TaskState = 'assigned' | 'accepted' | 'declined' | 'fulfilled';
export type TaskAction = 'accept' | 'decline' | 'progress';

export const TASK_TRANSITIONS = {
  assigned: { accept: 'accepted', decline: 'declined' },
  accepted: { progress: 'accepted' },
  declined: {},
  fulfilled: {},
} as const satisfies Record<TaskState, Partial<Record<TaskAction, TaskState>>>;

export interface TaskLogEntry {
  seq: number;
  at: string;
  actor: string;
  action: 'assign' | TaskAction;
  quantity: number | null;
  note: string | null;
}

/** Pure: the state and quantity delivered after a log; refuses a log the transition table does not allow. */
export function reduceTask(quantity: number, log: readonly Pick<TaskLogEntry, 'action' | 'quantity'>[]): { state: TaskState; delivered: number } {
  let state: TaskState = 'assigned';
  let delivered = 0;
  log.forEach((e, i) => {
    if (e.action === 'assign') {
      if (i !== 0) throw new DomainError('ECONOMY_BAD_TRANSITION', 'a task is assigned once, first');
      return;
    }
    const next = (TASK_TRANSITIONS[state] as Partial<Record<TaskAction, TaskState>>)[e.action];
    if (!next) throw new DomainError('ECONOMY_BAD_TRANSITION', `a task that is ${state} cannot be ${e.action === 'progress' ? 'reported on' : `${e.action}ed`}`, { state, action: e.action });
    state = next;
    if (e.action === 'progress') {
      delivered += e.quantity ?? 0;
      if (delivered >= quantity) state = 'fulfilled';
    }
  });
  return { state, delivered };
}

export const NewTask = z.object({
  bin: BinText,
  kind: CapacityKind,
  subtype: Subtype,
  quantity: z.number().int().positive().max(1e12),
  destination: RegionCode,
  dueDate: z.iso.date(),
  note: z.string().trim().max(1000).optional(),
  idempotencyKey: z.string().min(8).max(200).optional(),
}).strict();
export type NewTask = z.infer<typeof NewTask>;

export const TaskResponse = z.object({ note: z.string().trim().max(1000).optional() }).strict();
export const TaskProgress = z.object({ quantity: z.number().int().positive().max(1e12), note: z.string().trim().max(1000).optional() }).strict();

export interface Task {
  id: string;
  bin: string;
  enterprise: string;
  enterpriseRegion: string | null;
  kind: CapacityKind;
  subtype: string;
  quantity: number;
  unit: string;
  destination: string;
  dueDate: string;
  note: string | null;
  state: TaskState;
  delivered: number;
  createdAt: string;
  createdBy: string;
  log: TaskLogEntry[];
}

interface TaskRow { id: string; bin: string; name: string; region: string | null; kind: CapacityKind; subtype: string; quantity: number; unit: string; destination: string; due_date: string; note: string | null; created_at: Date; created_by: string }

async function logsOf(q: Pick<Tx, 'query'>, ids: string[]): Promise<Map<string, TaskLogEntry[]>> {
  const out = new Map<string, TaskLogEntry[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const { rows } = await q.query<{ task_id: string; seq: number; at: Date; actor: string; action: TaskLogEntry['action']; quantity: number | null; note: string | null }>(
    'SELECT task_id::text AS task_id, seq, at, actor, action, quantity, note FROM economy_task_actions WHERE task_id = ANY($1::bigint[]) ORDER BY task_id, seq', [ids],
  );
  for (const r of rows) out.get(r.task_id)?.push({ seq: r.seq, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, quantity: r.quantity === null ? null : Number(r.quantity), note: r.note });
  return out;
}

function toTask(r: TaskRow, log: TaskLogEntry[]): Task {
  const quantity = Number(r.quantity);
  return { id: r.id, bin: r.bin, enterprise: r.name, enterpriseRegion: r.region, kind: r.kind, subtype: r.subtype, quantity, unit: r.unit, destination: r.destination, dueDate: r.due_date, note: r.note, ...reduceTask(quantity, log), createdAt: new Date(r.created_at).toISOString(), createdBy: r.created_by, log };
}

const TASK_SELECT = `SELECT t.id::text AS id, t.bin, o.name, o.region, t.kind, t.subtype, t.quantity, t.unit, t.destination, t.due_date, t.note, t.created_at, t.created_by
  FROM economy_tasks t JOIN organisations o ON o.bin = t.bin`;

export async function listTasks(db: Db, scope: EconomyScope, filter: { bin?: string; state?: TaskState } = {}): Promise<Task[]> {
  const params: unknown[] = [];
  const where = [enterpriseScopeSql(scope, params)];
  if (filter.bin) where.push(`t.bin = $${params.push(filter.bin)}`);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<TaskRow>(`${TASK_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.id DESC LIMIT 500`, params);
    const logs = await logsOf(tx, rows.map((r) => r.id));
    const tasks = rows.map((r) => toTask(r, logs.get(r.id) ?? []));
    return filter.state ? tasks.filter((t) => t.state === filter.state) : tasks;
  });
}

async function loadTask(q: Pick<Tx, 'query'>, id: string, scope: EconomyScope): Promise<Task> {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError('ECONOMY_TASK_NOT_FOUND', `"${id}" is not a task number`);
  const params: unknown[] = [id];
  const { rows } = await q.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1 AND ${enterpriseScopeSql(scope, params)}`, params);
  const r = rows[0];
  if (!r) throw new DomainError('ECONOMY_TASK_NOT_FOUND', `no task ${id} that you may see`, { task: id });
  return toTask(r, (await logsOf(q, [id])).get(id) ?? []);
}

export function readTask(db: Db, id: string, scope: EconomyScope): Promise<Task> {
  return db.transaction((tx) => loadTask(tx, id, scope));
}

/**
 * Assigns a task, refusing one that would commit more than the enterprise declared: the declared quantity of the
 * kind and subtype (all its lines) minus what tasks not declined already hold. The enterprise row is locked, so two
 * tasks assigned at once cannot both take the last trucks.
 */
export async function assignTask(db: Db, input: unknown, ctx: EconomyContext): Promise<Task> {
  const t = parseInput(NewTask, input, 'a task: {"bin", "kind", "subtype", "quantity", "destination", "dueDate"}');
  assertRegion(t.destination, 'destination');
  const id = await db.transaction(async (tx) => {
    if (t.idempotencyKey) {
      const { rows } = await tx.query<{ id: string }>('SELECT id::text AS id FROM economy_tasks WHERE idempotency_key = $1', [t.idempotencyKey]);
      if (rows[0]) return rows[0].id;
    }
    const e = await visibleEnterprise(tx, t.bin, ctx.scope, { lock: true });
    const [have, held] = [await declared(tx, t.bin, t.kind, t.subtype), await committed(tx, t.bin, t.kind, t.subtype)];
    if (held + t.quantity > have) {
      throw new DomainError('ECONOMY_OVER_COMMIT', `${e.name} (${e.bin}) declared ${have} ${CAPACITY_UNIT[t.kind]} of ${t.subtype}, ${held} already tasked: ${have - held} free, ${t.quantity} asked`, { declared: have, committed: held, free: have - held, asked: t.quantity });
    }
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO economy_tasks (bin, kind, subtype, quantity, unit, destination, due_date, note, idempotency_key, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id::text AS id`,
      [t.bin, t.kind, t.subtype, t.quantity, CAPACITY_UNIT[t.kind], t.destination, t.dueDate, t.note ?? null, t.idempotencyKey ?? null, ctx.at, ctx.actor],
    );
    const taskId = (rows[0] as { id: string }).id;
    await tx.query("INSERT INTO economy_task_actions (task_id, seq, at, actor, action) VALUES ($1, 1, $2, $3, 'assign')", [taskId, ctx.at, ctx.actor]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.task.assign', subject: `task:${taskId}`, details: { bin: t.bin, kind: t.kind, subtype: t.subtype, quantity: t.quantity, destination: t.destination, dueDate: t.dueDate, declared: have, committedBefore: held } });
    return taskId;
  });
  return readTask(db, id, ctx.scope);
}

/** Accept, decline or report progress: the enterprise answers for its own tasks only (the scope sees to that). */
export async function actOnTask(db: Db, id: string, action: TaskAction, input: unknown, ctx: EconomyContext): Promise<Task> {
  const body = action === 'progress' ? parseInput(TaskProgress, input ?? {}, 'progress: {"quantity", "note"?}') : parseInput(TaskResponse, input ?? {}, '{"note"?}');
  const quantity: number | null = 'quantity' in body ? (body.quantity as number) : null;
  await db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM economy_tasks WHERE id = $1 FOR UPDATE', [/^\d{1,18}$/.test(id) ? id : '0']);
    const task = await loadTask(tx, id, ctx.scope);
    const after = reduceTask(task.quantity, [...task.log, { action, quantity }]);
    await tx.query('INSERT INTO economy_task_actions (task_id, seq, at, actor, action, quantity, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [id, task.log.length + 1, ctx.at, ctx.actor, action, quantity, body.note ?? null]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: `economy.task.${action}`, subject: `task:${id}`, details: { bin: task.bin, from: task.state, to: after.state, ...(quantity !== null ? { quantity, delivered: after.delivered } : {}) } });
  });
  return readTask(db, id, ctx.scope);
}
