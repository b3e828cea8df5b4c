import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import { applySummonsAction, summonsLogs, summonsStages, type LegalState, type SummonsState } from '../summons/index.ts';
import type { StoredExercise } from './store.ts';

const HOUR = 3_600_000;

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

/**
 * What happened in the live system, from the evidence ledger: every summons of the exercise's plan is folded
 * action by action through the summons reducer, and the moment each funnel stage (summonsStages) first holds —
 * the time of the action that made it so — is put on the curve. Reads personal data, so the read is audited.
 */
export async function liveOutcome(db: Db, ex: StoredExercise, ctx: { actor: string; at: Date; hours: number }): Promise<LiveOutcome> {
  const start = ex.startedAt.getTime();
  const width = ctx.hours + 1;
  const hist: Record<LiveSeries, number[]> = { sent: new Array(width).fill(0), delivered: new Array(width).fill(0), notified: new Array(width).fill(0), appeared: new Array(width).fill(0) };
  const legal: Record<LegalState, number> = { not_notified: 0, duly_notified: 0, refused: 0, excused: 0, appeared: 0, referred: 0 };
  const appearedH: number[] = [];
  let reasonPending = 0;
  const put = (s: LiveSeries, at: string) => {
    const h = Math.max(0, Math.ceil((Date.parse(at) - start) / HOUR));
    if (h < width) (hist[s][h] as number)++;
  };
  const summonses = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string | number }>('SELECT id FROM summonses WHERE plan_id = $1 ORDER BY id', [ex.planId]);
    const ids = rows.map((r) => String(r.id));
    for (let k = 0; k < ids.length; k += 2000) {
      const logs = await summonsLogs(tx, ids.slice(k, k + 2000));
      for (const log of logs.values()) {
        let state: SummonsState | null = null;
        const seen = new Set<LiveSeries>();
        for (const a of log) {
          state = applySummonsAction(state, a);
          const st = summonsStages(state);
          const now: Record<LiveSeries, boolean> = { sent: st.sent, delivered: st.delivered, notified: st.dulyNotified, appeared: st.appeared };
          for (const s of LIVE_SERIES) {
            if (now[s] && !seen.has(s)) {
              seen.add(s);
              put(s, a.at);
              if (s === 'appeared') appearedH.push((Date.parse(a.at) - start) / HOUR);
            }
          }
        }
        if (state) {
          legal[state.legal]++;
          if (state.pendingReason) reasonPending++;
        }
      }
    }
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'exercise.outcome.read', subject: `exercise:${ex.id}`, details: { planId: ex.planId, summonses: ids.length } });
    return ids.length;
  });
  const curves = Object.fromEntries(LIVE_SERIES.map((s) => {
    let run = 0;
    return [s, hist[s].map((v) => (run += v))];
  })) as Record<LiveSeries, number[]>;
  return { summonses, curves, appearedH: appearedH.sort((a, b) => a - b), legal, reasonPending };
}
