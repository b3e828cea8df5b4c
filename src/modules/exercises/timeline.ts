import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { describeInject } from '../simulation/index.ts';
import { appendLog, loadExercise, type ExerciseLogEntry, type StoredExercise } from './store.ts';

interface Ctx {
  actor: string;
  clock: Clock;
}

const HOUR = 3_600_000;

async function running(tx: Tx, id: string): Promise<StoredExercise> {
  const ex = await loadExercise(tx, id, true);
  if (ex.status === 'stopped') throw new DomainError('EXERCISE_STOPPED', `exercise ${id} was stopped at ${ex.stoppedAt?.toISOString()}; its timeline is closed`);
  return ex;
}

/** Which of the scenario's injects are already on the timeline (by their index in the scenario). */
export function injectedIndexes(log: readonly ExerciseLogEntry[]): Set<number> {
  return new Set(log.flatMap((e) => (e.kind === 'inject' && typeof e.body.index === 'number' ? [e.body.index] : [])));
}

export type InjectChoice = { next: true } | { index: number } | { text: string };

/**
 * Delivers an inject: one of the scenario's (the next not yet delivered, or by its index), recorded with when it was
 * due and when it came, or an unscripted one in words. Injects are the exercise director's messages to the players
 * ("SMS delivery in Almaty is down"); the live channels are not touched — the exercise runs on simulators anyway.
 */
export async function injectExercise(db: Db, id: string, choice: InjectChoice, ctx: Ctx): Promise<ExerciseLogEntry> {
  return db.transaction(async (tx) => {
    const ex = await running(tx, id);
    const at = ctx.clock.now();
    const elapsedH = (at.getTime() - ex.startedAt.getTime()) / HOUR;
    let body: Record<string, unknown>;
    if ('text' in choice) {
      if (!choice.text.trim()) throw new DomainError('EXERCISE_EMPTY_INJECT', 'an unscripted inject needs its text');
      body = { index: null, text: choice.text.trim(), elapsedH };
    } else {
      const done = injectedIndexes(ex.log);
      const injects = ex.scenario.injects;
      const index = 'next' in choice ? injects.findIndex((_, k) => !done.has(k)) : choice.index;
      if ('next' in choice && index < 0) throw new DomainError('EXERCISE_NO_INJECT_LEFT', `every inject of exercise ${id}'s scenario (${injects.length}) has been delivered`);
      const inject = injects[index];
      if (!inject) throw new DomainError('EXERCISE_NO_SUCH_INJECT', `the scenario of exercise ${id} has injects 0–${injects.length - 1}, not ${index}`);
      if (done.has(index)) throw new DomainError('EXERCISE_INJECT_REPEATED', `inject ${index} of exercise ${id} was already delivered`);
      body = { index, kind: inject.kind, text: describeInject(inject), scheduledH: inject.at_h, elapsedH, lateByH: elapsedH - inject.at_h, inject };
    }
    const seq = await appendLog(tx, id, { at, actor: ctx.actor, kind: 'inject', body });
    await appendAudit(tx, { at, actor: ctx.actor, action: 'exercise.inject', subject: `exercise:${id}`, details: { seq, index: body.index } });
    return { seq, at, actor: ctx.actor, kind: 'inject', body };
  });
}

/** An observer's note on the timeline, optionally about one summons. */
export async function observeExercise(db: Db, id: string, note: { text: string; summonsId?: string }, ctx: Ctx): Promise<ExerciseLogEntry> {
  const text = note.text.trim();
  if (!text) throw new DomainError('EXERCISE_EMPTY_OBSERVATION', 'an observation needs its text');
  if (text.length > 4000) throw new DomainError('EXERCISE_OBSERVATION_TOO_LONG', `an observation is at most 4,000 characters, not ${text.length}`);
  return db.transaction(async (tx) => {
    const ex = await running(tx, id);
    const at = ctx.clock.now();
    const body = { text, summonsId: note.summonsId ?? null, elapsedH: (at.getTime() - ex.startedAt.getTime()) / HOUR };
    const seq = await appendLog(tx, id, { at, actor: ctx.actor, kind: 'observation', body });
    await appendAudit(tx, { at, actor: ctx.actor, action: 'exercise.observe', subject: `exercise:${id}`, details: { seq } });
    return { seq, at, actor: ctx.actor, kind: 'observation', body };
  });
}

/** Ends the exercise: the timeline closes; the after-action report counts what happened up to now. */
export async function stopExercise(db: Db, id: string, ctx: Ctx & { note?: string }): Promise<StoredExercise> {
  return db.transaction(async (tx) => {
    const ex = await running(tx, id);
    const at = ctx.clock.now();
    await appendLog(tx, id, { at, actor: ctx.actor, kind: 'stop', body: { note: ctx.note ?? null, elapsedH: (at.getTime() - ex.startedAt.getTime()) / HOUR } });
    await appendAudit(tx, { at, actor: ctx.actor, action: 'exercise.stop', subject: `exercise:${id}`, details: {} });
    return loadExercise(tx, id);
  });
}
