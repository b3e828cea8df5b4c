import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Band } from '../simulation/index.ts';
import { injectedIndexes } from './timeline.ts';
import { FORECAST_OF, LIVE_SERIES, liveOutcome, type LiveOutcome, type LiveSeries } from './live.ts';
import { getExercise, type StoredExercise } from './store.ts';

const HOUR = 3_600_000;

export type Verdict = 'ahead' | 'within' | 'behind';

export interface CurveComparison {
  live: LiveSeries;
  forecast: string;
  /** Hours compared: 0..lastHour, the last whole hour of the exercise within the forecast. */
  lastHour: number;
  /** Share of compared hours where the live count lies within the forecast's P10–P90 band. */
  withinBand: number;
  hoursAhead: number;
  hoursBehind: number;
  atEnd: { hour: number; actual: number; p10: number; p50: number; p90: number; verdict: Verdict };
  /** Where the live count is furthest from the forecast median. */
  largestGap: { hour: number; actual: number; p50: number; gap: number };
}

export interface TimeToComparison {
  share: number;
  /** People who must have appeared. */
  people: number;
  actualH: number | null;
  /** Hours at which the forecast's arrivals reach it: median, and the band's early (P90) and late (P10) edges. */
  forecastP50H: number | null;
  earliestH: number | null;
  latestH: number | null;
  verdict: Verdict | 'not yet';
}

export interface TimelineItem {
  seq: number;
  at: string;
  elapsedH: number;
  actor: string;
  kind: string;
  text: string;
  scheduledH: number | null;
}

export interface AfterActionReport {
  exercise: { id: string; title: string; scenario: string; planId: number; startedAt: string; stoppedAt: string | null; status: string; appearanceAt: string; elapsedH: number };
  target: number;
  live: LiveOutcome;
  forecast: { runs: number; hours: number; series: Record<string, Band>; bottleneck: string | null };
  comparisons: CurveComparison[];
  timeTo: TimeToComparison[];
  timeline: TimelineItem[];
  injectsNotDelivered: { index: number; atH: number; text: string }[];
  findings: string[];
}

const verdict = (v: number, lo: number, hi: number): Verdict => (v > hi ? 'ahead' : v < lo ? 'behind' : 'within');
const firstHour = (xs: readonly number[], k: number) => {
  const h = xs.findIndex((v) => v >= k);
  return h < 0 ? null : h;
};

function compare(live: LiveSeries, actual: readonly number[], band: Band, lastHour: number): CurveComparison {
  let within = 0;
  let ahead = 0;
  let behind = 0;
  let largest = { hour: 0, actual: actual[0] ?? 0, p50: band.p50[0] ?? 0, gap: 0 };
  for (let h = 0; h <= lastHour; h++) {
    const a = actual[h] as number;
    const v = verdict(a, band.p10[h] as number, band.p90[h] as number);
    if (v === 'within') within++;
    else if (v === 'ahead') ahead++;
    else behind++;
    const gap = a - (band.p50[h] as number);
    if (Math.abs(gap) > Math.abs(largest.gap)) largest = { hour: h, actual: a, p50: band.p50[h] as number, gap };
  }
  const h = lastHour;
  const atEnd = { hour: h, actual: actual[h] as number, p10: band.p10[h] as number, p50: band.p50[h] as number, p90: band.p90[h] as number, verdict: verdict(actual[h] as number, band.p10[h] as number, band.p90[h] as number) };
  return { live, forecast: FORECAST_OF[live], lastHour, withinBand: within / (lastHour + 1), hoursAhead: ahead, hoursBehind: behind, atEnd, largestGap: largest };
}

/** Compares what happened (the summons ledger) with what the simulation forecast for this plan when it started. */
export function afterAction(ex: StoredExercise, live: LiveOutcome, now: Date): AfterActionReport {
  const f = ex.forecast.forecast;
  const end = ex.stoppedAt ?? now;
  const elapsedH = (end.getTime() - ex.startedAt.getTime()) / HOUR;
  const lastHour = Math.max(0, Math.min(f.hours, Math.floor(elapsedH)));
  const comparisons = LIVE_SERIES.map((s) => compare(s, live.curves[s], f.series[FORECAST_OF[s]], lastHour));
  const target = ex.targets.reduce((a, b) => a + b, 0);
  const arrived = f.series.arrived;
  const timeTo = [0.5, 0.9, 1].map((share): TimeToComparison => {
    const people = Math.ceil(share * target);
    const actualH = people <= live.appearedH.length ? (live.appearedH[people - 1] as number) : null;
    const earliestH = firstHour(arrived.p90, people);
    const latestH = firstHour(arrived.p10, people);
    const v: TimeToComparison['verdict'] =
      actualH === null ? (latestH !== null && elapsedH > latestH ? 'behind' : 'not yet')
        : earliestH !== null && actualH < earliestH - 1 ? 'ahead' : latestH === null || actualH > latestH ? 'behind' : 'within';
    return { share, people, actualH, forecastP50H: firstHour(arrived.p50, people), earliestH, latestH, verdict: v };
  });
  const timeline: TimelineItem[] = ex.log.map((e) => ({
    seq: e.seq, at: e.at.toISOString(), elapsedH: (e.at.getTime() - ex.startedAt.getTime()) / HOUR, actor: e.actor, kind: e.kind,
    text: typeof e.body.text === 'string' ? e.body.text : e.kind === 'start' ? `started: ${e.body.summonses} EXERCISE summonses, appearance ${e.body.appearanceAt}${e.body.note ? ` (${e.body.note})` : ''}` : e.kind === 'stop' ? `stopped${e.body.note ? `: ${e.body.note}` : ''}` : '',
    scheduledH: typeof e.body.scheduledH === 'number' ? e.body.scheduledH : null,
  }));
  const done = injectedIndexes(ex.log);
  const injectsNotDelivered = ex.scenario.injects.flatMap((i, index) => (done.has(index) ? [] : [{ index, atH: i.at_h, text: i.note ?? i.kind }]));
  const findings: string[] = [];
  for (const c of comparisons) {
    const e = c.atEnd;
    findings.push(`${c.live} at hour ${e.hour}: ${e.actual}; forecast ${c.forecast} ${e.p50} (P10 ${e.p10}–P90 ${e.p90}) — ${e.verdict === 'within' ? 'as forecast' : `${e.verdict} of the forecast`}; within the band ${Math.round(c.withinBand * 100)} % of the hours`);
  }
  for (const t of timeTo) {
    if (t.actualH !== null) findings.push(`${t.share * 100} % of the ${target} needed (${t.people}) appeared at hour ${t.actualH.toFixed(1)}; forecast hour ${t.forecastP50H ?? 'never'} (band ${t.earliestH ?? '–'}–${t.latestH ?? 'never'}): ${t.verdict}`);
    else findings.push(`${t.share * 100} % of the ${target} needed (${t.people}) has not appeared yet; forecast hour ${t.forecastP50H ?? 'never'}${t.verdict === 'behind' ? ' — behind the forecast' : ''}`);
  }
  const late = timeline.filter((t) => t.kind === 'inject' && t.scheduledH !== null && t.elapsedH - t.scheduledH > 1);
  if (late.length) findings.push(`${late.length} inject(s) delivered more than an hour after their time: ${late.map((t) => `#${t.seq} (${(t.elapsedH - (t.scheduledH as number)).toFixed(1)} h late)`).join(', ')}`);
  if (injectsNotDelivered.length) findings.push(`${injectsNotDelivered.length} inject(s) of the scenario never delivered; the forecast assumed them`);
  return {
    exercise: {
      id: ex.id, title: ex.title, scenario: ex.scenario.name, planId: ex.planId, startedAt: ex.startedAt.toISOString(), stoppedAt: ex.stoppedAt?.toISOString() ?? null,
      status: ex.status, appearanceAt: ex.appearanceAt.toISOString(), elapsedH,
    },
    target,
    live,
    forecast: { runs: ex.forecast.runs, hours: f.hours, series: f.series, bottleneck: f.bottleneck?.explanation ?? null },
    comparisons,
    timeTo,
    timeline,
    injectsNotDelivered,
    findings,
  };
}

/** The after-action report of an exercise, running or stopped. */
export async function exerciseReport(db: Db, id: string, ctx: { actor: string; clock: Clock }): Promise<AfterActionReport> {
  const ex = await getExercise(db, id);
  const now = ctx.clock.now();
  const live = await liveOutcome(db, ex, { actor: ctx.actor, at: now, hours: ex.forecast.forecast.hours });
  return afterAction(ex, live, now);
}
