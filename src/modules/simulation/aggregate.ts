import type { RunResult } from './outcome.ts';
import type { Population } from './population.ts';
import { FINAL_STATES, SERIES, STAGES, TARGETS, type FinalState, type SeriesName, type StageName } from './states.ts';

/** A quantity over Monte Carlo runs, hour by hour: 10th, 50th and 90th percentile and mean. */
export interface Band {
  p10: number[];
  p50: number[];
  p90: number[];
  mean: number[];
}

export interface TimeToTarget {
  share: number;
  /** Hours; null when fewer than that share of runs reached it within the horizon. */
  p50: number | null;
  p90: number | null;
  /** Share of runs that reached it. */
  reached: number;
}

export interface Constraint {
  /** The cause: kind, plus the channel where it matters ("delivery:sms", "assembly", "legal:appearance_time"). */
  key: string;
  kind: string;
  /** People short at the horizon because of it, mean over runs. */
  short: number;
  /** As a share of the total quota. */
  shareOfQuota: number;
  /** The regions or assembly points it falls on, largest first (empty for national causes). */
  places: { where: string; short: number }[];
  explanation: string;
}

export interface Forecast {
  runs: number;
  hours: number;
  summoned: number;
  quota: number;
  series: Record<SeriesName, Band>;
  byAgency: Record<string, Band>;
  byRegion: Record<string, Band>;
  timeTo: { agency: string; quota: number; targets: TimeToTarget[] }[];
  states: Record<FinalState, { mean: number; p10: number; p90: number }>;
  /** Mean hours per reported person spent in each stage. */
  stages: Record<StageName, number>;
  /** Capacity constraints and losses by how many people they keep out of the strength at the horizon. */
  constraints: Constraint[];
  /** The largest capacity constraint (behaviour — valid reasons, no-shows, unfitness — is reported but not a bottleneck). */
  bottleneck: Constraint | null;
  /** The stage the reported people spent most hours in. */
  slowestStage: { stage: StageName; hours: number; shareOfTotal: number };
  channels: {
    sms: { meanWaitH: number; lastH: number | null; waitingAtEnd: number };
    egov: { meanWaitH: number; lastH: number | null; waitingAtEnd: number };
    paper: Record<string, { served: number; waitingAtEnd: number; meanWaitH: number }>;
  };
  points: Record<string, { perDay: number; arrived: number; served: number; waitingAtEnd: number; peakQueue: number; meanWaitH: number; utilisation: number; stockOutH: number | null; unequipped: number }>;
}

/** Nearest-rank percentile of sorted values; Infinity stands for "not reached". */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const k = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[k - 1] as number;
}

function band(runs: readonly RunResult[], pick: (r: RunResult) => Int32Array, offset: number, width: number): Band {
  const out: Band = { p10: [], p50: [], p90: [], mean: [] };
  const col = new Float64Array(runs.length);
  for (let h = 0; h < width; h++) {
    let sum = 0;
    runs.forEach((r, k) => {
      const v = pick(r)[offset + h] as number;
      col[k] = v;
      sum += v;
    });
    col.sort();
    out.p10.push(percentile(col, 0.1));
    out.p50.push(percentile(col, 0.5));
    out.p90.push(percentile(col, 0.9));
    out.mean.push(sum / runs.length);
  }
  return out;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

type Base = Omit<Forecast, 'constraints' | 'bottleneck' | 'slowestStage'>;

function explain(key: string, short: number, places: readonly { where: string; short: number }[], f: Base): string {
  const n = Math.round(short);
  const [kind, sub] = key.split(':') as [string, string | undefined];
  const top = places.filter((p) => p.short >= 0.5).slice(0, 3).map((p) => `${p.where} ${Math.round(p.short)}`).join(', ');
  const where = top ? ` (most in ${top})` : '';
  const worst = places[0]?.where;
  const p = worst ? f.points[worst] : undefined;
  switch (kind) {
    case 'channel':
      return sub === 'sms' ? `SMS throughput: ${n} summonses still queued for the SMSC at the horizon (last SMS at hour ${f.channels.sms.lastH?.toFixed(1) ?? '–'})`
        : sub === 'egov' ? `e-Gov throughput: ${n} messages still queued at the horizon`
        : `paper couriers: ${n} paper summonses not yet handed over at the horizon${where}`;
    case 'delivery':
      return `${sub} delivery: ${n} summonses sent and never delivered${where}`;
    case 'unread':
      return `reach: ${n} people received a summons and have not read it${where}`;
    case 'legal':
      return sub === 'notice_period' ? `the three-day rule: ${n} summonses refused as too late to send`
        : `the three-day rule: ${n} people still waiting for their appearance time, before which nobody is due`;
    case 'roads':
      return `closed roads: ${n} people held${where}`;
    case 'travel':
      return `travel: ${n} people still on the way at the horizon${where}`;
    case 'assembly':
      return `assembly capacity: ${n} people still queued at the horizon${where}; at ${worst}: ${p?.perDay ?? '?'} a day, mean wait ${p?.meanWaitH.toFixed(1) ?? '?'} h, peak queue ${Math.round(p?.peakQueue ?? 0)}`;
    case 'stockpile':
      return `stockpiles: ${n} people processed without equipment${where}${p?.stockOutH != null ? `; ${worst} ran out at hour ${p.stockOutH.toFixed(1)}` : ''}`;
    case 'response':
      return sub === 'valid_reason' ? `${n} people with a valid reason` : sub === 'preparation' ? `${n} people still getting ready at the horizon` : `${n} people who know and do not come${where}`;
    case 'medical':
      return `${n} people found unfit at the medical check`;
    default:
      return `${n} people (${key})`;
  }
}

const BEHAVIOUR = new Set(['response', 'medical']);

/** Folds Monte Carlo runs into percentiles, times to quota shares and the bottleneck. */
export function aggregate(pop: Population, runs: readonly RunResult[], perDay: ArrayLike<number>): Forecast {
  if (runs.length === 0) throw new RangeError('no runs to aggregate');
  const first = runs[0] as RunResult;
  const width = first.hours + 1;
  const A = pop.agencies.length;
  const quotaOf = (a: number) => pop.cells.reduce((s, k) => s + (a === A || k.agency === pop.agencies[a] ? k.quota : 0), 0);
  const series = Object.fromEntries(SERIES.map((s, k) => [s, band(runs, (r) => r.series, k * width, width)])) as Record<SeriesName, Band>;
  const byAgency = Object.fromEntries(pop.agencies.map((a, k) => [a, band(runs, (r) => r.byAgency, k * width, width)]));
  const byRegion: Record<string, Band> = {};
  pop.regions.forEach((iso, g) => {
    if (runs.some((r) => (r.byRegion[g * width + width - 1] as number) > 0)) byRegion[iso] = band(runs, (r) => r.byRegion, g * width, width);
  });
  const timeTo = Array.from({ length: A + 1 }, (_, a) => ({
    agency: a === A ? 'total' : (pop.agencies[a] as string),
    quota: quotaOf(a),
    targets: TARGETS.map((share, j): TimeToTarget => {
      const xs = Float64Array.from(runs, (r) => {
        const v = r.timeTo[a * TARGETS.length + j] as number;
        return v === v ? v : Infinity;
      }).sort();
      return { share, p50: finite(percentile(xs, 0.5)), p90: finite(percentile(xs, 0.9)), reached: xs.filter(Number.isFinite).length / xs.length };
    }),
  }));
  const states = Object.fromEntries(FINAL_STATES.map((s, k) => {
    const xs = Float64Array.from(runs, (r) => r.states[k] as number).sort();
    return [s, { mean: mean([...xs]), p10: percentile(xs, 0.1), p90: percentile(xs, 0.9) }];
  })) as Forecast['states'];
  const reported = mean(runs.map((r) => r.states[FINAL_STATES.indexOf('reported')] as number));
  const stages = Object.fromEntries(STAGES.map((s, k) => [s, reported > 0 ? mean(runs.map((r) => r.stageHours[k] as number)) / reported : 0])) as Record<StageName, number>;
  const lastH = (xs: number[]) => {
    const ok = xs.filter((x) => x === x);
    return ok.length ? percentile(Float64Array.from(ok).sort(), 0.5) : null;
  };
  const paper: Forecast['channels']['paper'] = {};
  pop.regions.forEach((iso, g) => {
    const served = mean(runs.map((r) => r.channels.paper.served[g] as number));
    const waitingAtEnd = mean(runs.map((r) => r.channels.paper.waiting[g] as number));
    if (served > 0 || waitingAtEnd > 0) paper[iso] = { served, waitingAtEnd, meanWaitH: mean(runs.map((r) => r.channels.paper.meanWaitH[g] as number)) };
  });
  const points: Forecast['points'] = {};
  pop.regions.forEach((iso, g) => {
    const arrived = mean(runs.map((r) => r.points.arrived[g] as number));
    if (arrived === 0) return;
    const outs = runs.map((r) => r.points.stockOutH[g] as number);
    points[iso] = {
      perDay: perDay[g] as number,
      arrived,
      served: mean(runs.map((r) => r.points.served[g] as number)),
      waitingAtEnd: mean(runs.map((r) => r.points.waiting[g] as number)),
      peakQueue: mean(runs.map((r) => r.points.peak[g] as number)),
      meanWaitH: mean(runs.map((r) => r.points.meanWaitH[g] as number)),
      utilisation: mean(runs.map((r) => r.points.utilisation[g] as number)),
      stockOutH: lastH(outs),
      unequipped: mean(runs.map((r) => r.points.unequipped[g] as number)),
    };
  });
  const channel = (pick: (r: RunResult) => { meanWaitH: Float64Array; lastH: Float64Array; waiting: Int32Array }) => ({
    meanWaitH: mean(runs.map((r) => pick(r).meanWaitH[0] as number)),
    lastH: lastH(runs.map((r) => pick(r).lastH[0] as number)),
    waitingAtEnd: mean(runs.map((r) => pick(r).waiting[0] as number)),
  });
  const base: Base = {
    runs: runs.length, hours: first.hours, summoned: pop.n, quota: quotaOf(A), series, byAgency, byRegion, timeTo, states, stages,
    channels: { sms: channel((r) => r.channels.sms), egov: channel((r) => r.channels.egov), paper }, points,
  };
  // Causes are recorded as "kind[:channel][:region]"; a constraint is the cause without its region, with the
  // regions (or points) it falls on listed under it.
  const families = new Map<string, Map<string, number>>();
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.short)) {
      const parts = k.split(':');
      const place = /^[A-Z]{2}-/.test(parts[parts.length - 1] ?? '') ? (parts.pop() as string) : '';
      const key = parts.join(':');
      const m = families.get(key) ?? new Map<string, number>();
      m.set(place, (m.get(place) ?? 0) + v / runs.length);
      families.set(key, m);
    }
  }
  const constraints = [...families]
    .map(([key, m]): Constraint => {
      const short = [...m.values()].reduce((s, v) => s + v, 0);
      const places = [...m].filter(([w]) => w !== '').map(([where, v]) => ({ where, short: v })).sort((a, b) => b.short - a.short || (a.where < b.where ? -1 : 1));
      return { key, kind: key.split(':')[0] as string, short, shareOfQuota: base.quota > 0 ? short / base.quota : 0, places, explanation: explain(key, short, places, base) };
    })
    .sort((a, b) => b.short - a.short || (a.key < b.key ? -1 : 1));
  const bottleneck = constraints.find((c) => !BEHAVIOUR.has(c.kind) && c.short >= 0.5) ?? null;
  const totalH = STAGES.reduce((s, k) => s + stages[k], 0);
  const slow = STAGES.reduce((a, b) => (stages[b] > stages[a] ? b : a));
  const slowestStage = { stage: slow, hours: stages[slow], shareOfTotal: totalH > 0 ? stages[slow] / totalH : 0 };
  return { ...base, constraints, bottleneck, slowestStage };
}
