import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import type { Scenario, SimulationReport } from '../simulation/index.ts';

/** One entry of an exercise's timeline. */
export type ExerciseLogKind = 'start' | 'inject' | 'observation' | 'stop';

export interface ExerciseLogEntry {
  seq: number;
  at: Date;
  actor: string;
  kind: ExerciseLogKind;
  body: Record<string, unknown>;
}

/** An exercise as stored: the row written at its start and its timeline. */
export interface StoredExercise {
  id: string;
  title: string;
  scenario: Scenario;
  planId: number;
  appearanceAt: Date;
  /** Places needed per cell of the plan's order (the plan may summon more). */
  targets: number[];
  forecast: SimulationReport;
  startedAt: Date;
  startedBy: string;
  log: ExerciseLogEntry[];
  /** Running until a stop is on the timeline. */
  status: 'running' | 'stopped';
  stoppedAt: Date | null;
}

export const EXERCISE_ID = /^[a-z][a-z0-9_-]{1,62}$/;

export function assertExerciseId(id: string): void {
  if (!EXERCISE_ID.test(id)) throw new DomainError('EXERCISE_BAD_ID', `"${id}" is not an exercise id: use 2–63 lowercase letters, digits, _ or -, starting with a letter`);
}

async function readLog(q: Pick<Tx, 'query'>, id: string): Promise<ExerciseLogEntry[]> {
  const { rows } = await q.query<{ seq: number; at: Date; actor: string; kind: ExerciseLogKind; body: Record<string, unknown> }>(
    'SELECT seq, at, actor, kind, body FROM exercise_log WHERE exercise_id = $1 ORDER BY seq',
    [id],
  );
  return rows.map((r) => ({ seq: Number(r.seq), at: new Date(r.at), actor: r.actor, kind: r.kind, body: r.body }));
}

/** The exercise with its timeline; `lock` holds its row for the rest of the transaction, so log entries queue. */
export async function loadExercise(q: Pick<Tx, 'query'>, id: string, lock = false): Promise<StoredExercise> {
  assertExerciseId(id);
  const { rows } = await q.query<{ id: string; title: string; scenario: Scenario; plan_id: number; appearance_at: Date; targets: number[]; forecast: SimulationReport; started_at: Date; started_by: string }>(
    `SELECT id, title, scenario, plan_id, appearance_at, targets, forecast, started_at, started_by FROM exercises WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new DomainError('EXERCISE_NOT_FOUND', `no exercise ${id}; start one with: mobilize exercise start SCENARIO --id ${id}`);
  const log = await readLog(q, id);
  const stop = log.find((e) => e.kind === 'stop');
  return {
    id: r.id, title: r.title, scenario: r.scenario, planId: Number(r.plan_id), appearanceAt: new Date(r.appearance_at), targets: r.targets.map(Number),
    forecast: r.forecast, startedAt: new Date(r.started_at), startedBy: r.started_by, log, status: stop ? 'stopped' : 'running', stoppedAt: stop?.at ?? null,
  };
}

export function getExercise(db: Db, id: string): Promise<StoredExercise> {
  return db.transaction((tx) => loadExercise(tx, id));
}

/** Appends one timeline entry after those already there. */
export async function appendLog(tx: Tx, id: string, entry: Omit<ExerciseLogEntry, 'seq'>): Promise<number> {
  const { rows } = await tx.query<{ seq: number }>('SELECT coalesce(max(seq), 0) + 1 AS seq FROM exercise_log WHERE exercise_id = $1', [id]);
  const seq = Number(rows[0]?.seq ?? 1);
  await tx.query('INSERT INTO exercise_log (exercise_id, seq, at, actor, kind, body) VALUES ($1, $2, $3, $4, $5, $6)', [id, seq, entry.at, entry.actor, entry.kind, JSON.stringify(entry.body)]);
  return seq;
}

export interface ExerciseSummary {
  id: string;
  title: string;
  planId: number;
  startedAt: Date;
  status: 'running' | 'stopped';
}

export async function listExercises(db: Db): Promise<ExerciseSummary[]> {
  const rows = await db.query<{ id: string; title: string; plan_id: number; started_at: Date; stopped: boolean }>(
    `SELECT e.id, e.title, e.plan_id, e.started_at, EXISTS (SELECT 1 FROM exercise_log l WHERE l.exercise_id = e.id AND l.kind = 'stop') AS stopped
       FROM exercises e ORDER BY e.started_at, e.id`,
  );
  return rows.map((r) => ({ id: r.id, title: r.title, planId: Number(r.plan_id), startedAt: new Date(r.started_at), status: r.stopped ? 'stopped' : 'running' }));
}
