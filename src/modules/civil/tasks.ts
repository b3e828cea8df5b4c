import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { CellResult } from '../callup/index.ts';
import { regions } from '../registry/index.ts';
import { ESSENTIAL_SECTORS, parseQuery, type CivilContext } from './context.ts';
import { applyTaskAction, taskState, type TaskAction, type TaskActionEntry, type TaskState } from './task-workflow.ts';

const isoDate = z.iso.date('must be a calendar date YYYY-MM-DD');

/** A civil mobilization task: so many people of given skills (occupations) from a sector, to a region, by a date. */
export const NewCivilTask = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_-]{1,62}$/, 'must be a lowercase code (letters, digits, _ or -)'),
    title: z.string().trim().min(1).max(300),
    sector: z.enum(ESSENTIAL_SECTORS),
    region: z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75'),
    due_date: isoDate,
    /** Territorial principle: only people registered in the task's region; otherwise anyone, nearest first. */
    territorial: z.boolean().default(false),
    lines: z.array(z.object({ skill: z.string().trim().min(1).max(200), count: z.number().int().positive().max(100_000) }).strict()).min(1).max(50),
    seed: z.string().min(1).max(200).optional(),
  })
  .strict();
export type NewCivilTask = z.infer<typeof NewCivilTask>;

export interface TaskReport {
  seed: string;
  lottery: string;
  plannedAt: string;
  cells: CellResult[];
  totals: { quota: number; filled: number; shortfall: number; travelKm: number };
  classes: number;
}

export interface CivilTask {
  id: string;
  title: string;
  sector: string;
  region: string;
  dueDate: string;
  territorial: boolean;
  lines: { skill: string; count: number }[];
  seed: string;
  createdAt: Date;
  createdBy: string;
  report: TaskReport | null;
  log: TaskActionEntry[];
  state: TaskState;
}

export function assertRegionInArea(ctx: CivilContext, region: string): void {
  if (ctx.region && ctx.region !== region) {
    throw new DomainError('ACCESS_OUT_OF_SCOPE', `${ctx.actor} works in ${ctx.region} and may not act for ${region}`);
  }
}

export async function createTask(db: Db, input: unknown, ctx: CivilContext): Promise<CivilTask> {
  const t = parseQuery(NewCivilTask, input, 'CIVIL_TASK_INVALID');
  if (!regions().some((r) => r.iso === t.region)) throw new DomainError('CIVIL_TASK_INVALID', `region: ${t.region} is not a known region ISO code`);
  const skills = t.lines.map((l) => l.skill);
  const twice = skills.find((s, i) => skills.indexOf(s) !== i);
  if (twice) throw new DomainError('CIVIL_TASK_INVALID', `lines: the skill "${twice}" is named twice; give one line per skill`);
  assertRegionInArea(ctx, t.region);
  const at = ctx.clock.now();
  return db.transaction(async (tx) => {
    const { rows: exists } = await tx.query('SELECT 1 FROM civil_tasks WHERE id = $1', [t.id]);
    if (exists.length) throw new DomainError('CIVIL_TASK_EXISTS', `A civil task ${t.id} already exists; choose another id.`);
    await tx.query(
      `INSERT INTO civil_tasks (id, title, sector, region, due_date, territorial, lines, seed, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [t.id, t.title, t.sector, t.region, t.due_date, t.territorial, JSON.stringify(t.lines), t.seed ?? `${t.id}:${t.due_date}`, at, ctx.actor],
    );
    await tx.query('INSERT INTO civil_task_actions (task_id, seq, at, actor, action) VALUES ($1, 1, $2, $3, $4)', [t.id, at, ctx.actor, 'create']);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'civil.task.create', subject: `civil_task:${t.id}`, details: { sector: t.sector, region: t.region, lines: t.lines, due: t.due_date } });
    return loadTask(tx, t.id);
  });
}

export async function loadTask(q: Pick<Tx, 'query'>, id: string, lock = false): Promise<CivilTask> {
  const { rows } = await q.query<{ id: string; title: string; sector: string; region: string; due_date: string; territorial: boolean; lines: CivilTask['lines']; seed: string; created_at: Date; created_by: string; report: TaskReport | null }>(
    `SELECT id, title, sector, region, to_char(due_date, 'YYYY-MM-DD') AS due_date, territorial, lines, seed, created_at, created_by, report
       FROM civil_tasks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new DomainError('CIVIL_TASK_NOT_FOUND', `No civil task ${id}.`);
  const { rows: log } = await q.query<{ seq: number; at: Date; actor: string; action: TaskAction; note: string | null }>('SELECT seq, at, actor, action, note FROM civil_task_actions WHERE task_id = $1 ORDER BY seq', [id]);
  const entries = log.map((e) => ({ seq: Number(e.seq), at: new Date(e.at), actor: e.actor, action: e.action, note: e.note }));
  return {
    id: r.id, title: r.title, sector: r.sector, region: r.region, dueDate: r.due_date, territorial: r.territorial, lines: r.lines, seed: r.seed,
    createdAt: new Date(r.created_at), createdBy: r.created_by, report: r.report, log: entries, state: taskState(entries),
  };
}

/** A task with its plan report and action log (no personal data). */
export function showTask(db: Db, id: string): Promise<CivilTask> {
  return db.transaction((tx) => loadTask(tx, id));
}

export interface TaskSummary {
  id: string;
  title: string;
  sector: string;
  region: string;
  dueDate: string;
  status: TaskState['status'];
  quota: number;
  filled: number | null;
  shortfall: number | null;
}

/** Tasks, newest first; a regional officer's own region only. */
export async function listTasks(db: Db, ctx: Pick<CivilContext, 'region'>): Promise<TaskSummary[]> {
  const params: unknown[] = [];
  const rows = await db.query<{ id: string }>(`SELECT id FROM civil_tasks ${ctx.region ? `WHERE region = $${params.push(ctx.region)}` : ''} ORDER BY created_at DESC, id LIMIT 500`, params);
  return db.transaction(async (tx) => {
    const out: TaskSummary[] = [];
    for (const { id } of rows) {
      const t = await loadTask(tx, id);
      out.push({
        id: t.id, title: t.title, sector: t.sector, region: t.region, dueDate: t.dueDate, status: t.state.status, quota: t.lines.reduce((s, l) => s + l.count, 0),
        filled: t.report?.totals.filled ?? null, shortfall: t.report?.totals.shortfall ?? null,
      });
    }
    return out;
  });
}

/** Approves or withdraws a task (approval by a second person: neither its author nor its planner). */
export async function recordTaskAction(db: Db, id: string, action: 'approve' | 'withdraw', ctx: CivilContext & { note?: string }): Promise<CivilTask> {
  return db.transaction(async (tx) => {
    const t = await loadTask(tx, id, true);
    assertRegionInArea(ctx, t.region);
    applyTaskAction(t.log, action, ctx.actor);
    const at = ctx.clock.now();
    await tx.query('INSERT INTO civil_task_actions (task_id, seq, at, actor, action, note) VALUES ($1, $2, $3, $4, $5, $6)', [t.id, t.log.length + 1, at, ctx.actor, action, ctx.note ?? null]);
    await appendAudit(tx, { at, actor: ctx.actor, action: `civil.task.${action}`, subject: `civil_task:${t.id}`, details: { note: ctx.note ?? null } });
    return loadTask(tx, t.id);
  });
}

export interface TaskAssignee {
  iin: string;
  name: string;
  skill: string;
  homeRegion: string;
  travelKm: number;
  lotteryRank: number;
}

/** The people a task assigns that the reader may see: personal data, so the read is audited. */
export async function taskAssignments(db: Db, id: string, ctx: CivilContext): Promise<TaskAssignee[]> {
  return db.transaction(async (tx) => {
    const t = await loadTask(tx, id);
    const params: unknown[] = [t.id];
    const { rows } = await tx.query<{ iin: string; last_name: string; first_name: string; line: number; home_region: string; travel_km: number; lottery_rank: number }>(
      `SELECT a.iin, p.last_name, p.first_name, a.line, a.home_region, a.travel_km, a.lottery_rank
         FROM civil_task_assignments a JOIN persons p ON p.iin = a.iin
        WHERE a.task_id = $1 AND ${ctx.scope('p', params)} ORDER BY a.line, a.home_region, a.lottery_rank`,
      params,
    );
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'civil.task.assignments.read', subject: `civil_task:${t.id}`, details: { rows: rows.length } });
    return rows.map((r) => ({ iin: r.iin, name: `${r.last_name} ${r.first_name}`, skill: t.lines[Number(r.line)]?.skill ?? '', homeRegion: r.home_region, travelKm: Number(r.travel_km), lotteryRank: Number(r.lottery_rank) }));
  });
}
