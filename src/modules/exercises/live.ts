import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import type { LegalState } from '../summons/index.ts';
import type { StoredExercise } from './store.ts';

/** The live curves an exercise is measured by, each defined as the summons funnel defines its stage. */
export const LIVE_SERIES = ['sent', 'delivered', 'notified', 'appeared'] as const;
export type LiveSeries = (typeof LIVE_SERIES)[number];

/** The forecast's curve each live curve is compared with. */
export const FORECAST_OF: Record<LiveSeries, 'dispatched' | 'delivered' | 'notified' | 'arrived'> = {
  sent: 'dispatched',
  delivered: 'delivered',
  notified: 'notified',
  appeared: 'arrived',
};

export interface LiveOutcome {
  summonses: number;
  /** Cumulative counts at the end of each hour from the start, 0..hours. */
  curves: Record<LiveSeries, number[]>;
  /** Hours from the start at which each person appeared, ascending. */
  appearedH: number[];
  /** Summonses in each legal state now. */
  legal: Record<LegalState, number>;
  /** Valid reasons reported and not yet decided. */
  reasonPending: number;
}

const COLUMN: Record<LiveSeries, string> = { sent: 'sent_at', delivered: 'delivered_at', notified: 'notified_at', appeared: 'appeared_at' };

/**
 * What happened in the live system, from the summons read model of the exercise's plan: each row keeps the moment
 * every funnel stage (summonsStages) first held — the time of the action that made it so — and those moments are
 * put on hourly curves by the database. The read names no one, but it is the exercise's outcome: it is audited.
 */
export async function liveOutcome(db: Db, ex: StoredExercise, ctx: { actor: string; at: Date; hours: number }): Promise<LiveOutcome> {
  const start = ex.startedAt;
  const width = ctx.hours + 1;
  const hist: Record<LiveSeries, number[]> = { sent: new Array(width).fill(0), delivered: new Array(width).fill(0), notified: new Array(width).fill(0), appeared: new Array(width).fill(0) };
  const legal: Record<LegalState, number> = { not_notified: 0, duly_notified: 0, refused: 0, excused: 0, appeared: 0, referred: 0 };
  return db.transaction(async (tx) => {
    const { rows: hours } = await tx.query<{ series: LiveSeries; h: number; n: number }>(
      LIVE_SERIES.map((sr) => `SELECT '${sr}' AS series, greatest(0, ceil(extract(epoch FROM ${COLUMN[sr]} - $2::timestamptz) / 3600))::int AS h, count(*)::int AS n
         FROM summons_state WHERE plan_id = $1 AND ${COLUMN[sr]} IS NOT NULL GROUP BY 2`).join(' UNION ALL '),
      [ex.planId, start],
    );
    for (const r of hours) if (r.h < width) (hist[r.series][r.h] as number) += r.n;
    const { rows: states } = await tx.query<{ legal: LegalState; n: number; pending: number }>(
      'SELECT legal, count(*)::int AS n, count(*) FILTER (WHERE reason_pending IS NOT NULL)::int AS pending FROM summons_state WHERE plan_id = $1 GROUP BY legal',
      [ex.planId],
    );
    for (const r of states) legal[r.legal] = r.n;
    const { rows: appeared } = await tx.query<{ h: number }>(
      'SELECT extract(epoch FROM appeared_at - $2::timestamptz)::float8 / 3600 AS h FROM summons_state WHERE plan_id = $1 AND appeared_at IS NOT NULL ORDER BY 1',
      [ex.planId, start],
    );
    const summonses = states.reduce((n, r) => n + r.n, 0);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'exercise.outcome.read', subject: `exercise:${ex.id}`, details: { planId: ex.planId, summonses } });
    const curves = Object.fromEntries(LIVE_SERIES.map((sr) => {
      let run = 0;
      return [sr, hist[sr].map((v) => (run += v))];
    })) as Record<LiveSeries, number[]>;
    return { summonses, curves, appearedH: appeared.map((r) => Number(r.h)), legal, reasonPending: states.reduce((n, r) => n + r.pending, 0) };
  });
}
