import type { Db } from '../../db/client.ts';
import { kzDate, type Clock } from '../../kernel/clock.ts';
import { DomainError, isDomainError } from '../../kernel/errors.ts';
import type { Rng } from '../../kernel/rng.ts';
import { appendAudit } from '../audit/index.ts';
import { getPlan, planCallup, type CallupOrder, type StoredPlan } from '../callup/index.ts';
import { forecastScenario, registryPopulation, type LoadedScenario, type Scenario, type SimulationReport } from '../simulation/index.ts';
import { checkNoticePeriod, issuePlan } from '../summons/index.ts';
import { appendLog, assertExerciseId, loadExercise, type StoredExercise } from './store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The appearance time the live system may give: the scenario's (hours after the start) if today's three-day rule
 * allows it, otherwise — and always for a scenario written for a mobilization law — the first 09:00 Kazakhstan time
 * that leaves three calendar days, since the live system applies the law as it stands.
 */
export function exerciseAppearance(now: Date, s: Scenario): { at: Date; note: string | null } {
  const earliest = new Date(`${kzDate(new Date(now.getTime() + 3 * DAY))}T09:00:00+05:00`);
  if (s.legal.notice === 'mobilization') {
    return { at: earliest, note: `the scenario assumes a mobilization law without the notice period; the live system applies today's three-day rule, so the appearance is ${earliest.toISOString()}` };
  }
  const wanted = new Date(now.getTime() + (s.legal.appearance_h as number) * HOUR);
  if (checkNoticePeriod(now, wanted, 'sms').ok) return { at: wanted, note: null };
  return { at: earliest, note: `${s.legal.appearance_h} h after the start leaves less than three calendar days; the appearance is ${earliest.toISOString()}` };
}

/**
 * The scenario's order as the exercise runs it: marked EXERCISE, named after the exercise, its quotas × the
 * over-summoning factor, eligibility taken on the exercise's date and an appearance period around it.
 */
export function exerciseOrder(id: string, order: CallupOrder, s: Scenario, now: Date, appearance: Date): CallupOrder {
  return {
    ...order,
    id,
    title: `EXERCISE ${id}: ${order.title}`,
    exercise: true,
    reference_date: kzDate(now),
    appearance: { from: kzDate(now), to: kzDate(new Date(appearance.getTime() + 14 * DAY)) },
    seed: `${id}:${order.seed ?? order.id}`,
    quotas: order.quotas.map((q) => ({ ...q, count: Math.ceil(q.count * s.oversummon) })),
  };
}

export interface StartOptions {
  id: string;
  /** Who runs this step: the director who drafts the plan, then a second officer who issues it. */
  actor: string;
  clock: Clock;
  /** Monte Carlo runs of the forecast. */
  runs?: number;
  seed?: string | number;
  threads?: number;
  /** Source of verification codes (a seeded one only in tests). */
  rng?: Rng;
}

export type StartResult =
  | { stage: 'drafted'; planId: number; note: string | null }
  | { stage: 'started'; exercise: StoredExercise; summonses: number; note: string | null };

/** The latest plan of the exercise's order, if any; an order id already used by a live plan is refused. */
async function existingPlan(db: Db, id: string): Promise<StoredPlan | null> {
  try {
    const plan = await getPlan(db, id);
    if (!plan.exercise) throw new DomainError('EXERCISE_ID_TAKEN', `"${id}" is the id of a live call-up order; choose another exercise id`);
    return plan;
  } catch (e) {
    if (isDomainError(e, 'CALLUP_PLAN_NOT_FOUND')) return null;
    throw e;
  }
}

/**
 * Starts an exercise in two steps, as any call-up is made, so no one person both plans and issues it:
 * 1. the director runs it: the scenario's order is planned as an EXERCISE plan against the live registry by the
 *    call-up module (a draft); a second officer approves it (`mobilize callup approve ID`);
 * 2. it is run again, by someone other than the plan's author: the plan is issued (summonses and messages marked
 *    EXERCISE, which the dispatchers send only through exercise channels), the simulation forecasts this very
 *    plan, and the timeline opens.
 */
export async function startExercise(db: Db, loaded: LoadedScenario, opts: StartOptions): Promise<StartResult> {
  assertExerciseId(opts.id);
  const existing = await db.query<{ id: string }>('SELECT id FROM exercises WHERE id = $1', [opts.id]);
  if (existing.length) throw new DomainError('EXERCISE_EXISTS', `exercise ${opts.id} already exists; choose another id`);
  const s = loaded.scenario;
  const now = opts.clock.now();
  const { at: appearanceAt, note } = exerciseAppearance(now, s);
  const targets = loaded.order.quotas.map((q) => q.count);
  const plan = await existingPlan(db, opts.id);
  if (!plan) {
    const order = exerciseOrder(opts.id, loaded.order, s, now, appearanceAt);
    const { id: planId } = await planCallup(db, order, { actor: opts.actor, clock: opts.clock });
    return { stage: 'drafted', planId, note };
  }
  if (plan.state.status === 'draft') {
    throw new DomainError('EXERCISE_PLAN_NOT_APPROVED', `plan #${plan.id} of exercise ${opts.id} awaits a second officer's approval: mobilize callup approve ${opts.id}`, { planId: plan.id });
  }
  if (plan.state.status !== 'approved') {
    throw new DomainError('EXERCISE_PLAN_NOT_APPROVED', `plan #${plan.id} of exercise ${opts.id} is ${plan.state.status}; draft a new exercise with another id`, { planId: plan.id });
  }
  const order = plan.order;
  if (kzDate(appearanceAt) > order.appearance.to) {
    throw new DomainError('EXERCISE_PLAN_STALE', `plan #${plan.id} allows appearances up to ${order.appearance.to}; the exercise would need ${kzDate(appearanceAt)}: draft a new exercise with another id`);
  }

  // The forecast is for the plan as made and the appearance as given, from the moment of issue.
  const appearanceH = (appearanceAt.getTime() - now.getTime()) / HOUR;
  const forecastScenarioDoc: Scenario = {
    ...s,
    start: now.toISOString(),
    issue_after_h: 0,
    legal: { notice: 'three_day', appearance_h: appearanceH },
    horizon_h: Math.min(24 * 60, Math.max(s.horizon_h, Math.ceil(appearanceH) + 24)),
  };
  const { population, plan: outline } = await registryPopulation(db, String(plan.id), { actor: opts.actor, at: now, purpose: `forecast of exercise ${opts.id}`, targets });
  const forecast: SimulationReport = await forecastScenario(
    { loaded: { ...loaded, scenario: forecastScenarioDoc, order }, population, plan: outline },
    { runs: opts.runs ?? 20, seed: opts.seed ?? `${opts.id}:${s.seed}`, threads: opts.threads ?? 1 },
  );

  const issued = await issuePlan(db, String(plan.id), { actor: opts.actor, clock: opts.clock, appearanceAt, purpose: 'dispatch_to_unit', ...(opts.rng ? { rng: opts.rng } : {}) });
  if (!issued.exercise) throw new Error(`plan ${plan.id} of exercise ${opts.id} was issued as live`);

  const exercise = await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO exercises (id, title, scenario, plan_id, appearance_at, targets, forecast, started_at, started_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [opts.id, s.title, JSON.stringify(s), plan.id, appearanceAt, JSON.stringify(targets), JSON.stringify(forecast), now, opts.actor],
    );
    await appendLog(tx, opts.id, {
      at: now, actor: opts.actor, kind: 'start',
      body: { scenario: s.name, order: order.id, planId: plan.id, draftedBy: plan.state.author, approvedBy: plan.state.approvedBy, summonses: issued.summonses, byChannel: issued.byChannel, appearanceAt: appearanceAt.toISOString(), note },
    });
    await appendAudit(tx, { at: now, actor: opts.actor, action: 'exercise.start', subject: `exercise:${opts.id}`, details: { scenario: s.name, planId: plan.id, summonses: issued.summonses } });
    return loadExercise(tx, opts.id);
  });
  return { stage: 'started', exercise, summonses: issued.summonses, note };
}
