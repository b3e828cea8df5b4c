import { F_EGOV_LATE, F_HELD_LEGAL, F_PAPER_LATE, F_PAPER_OUT, F_PAPER_WANTED, F_ROAD, F_SMS_LATE, F_SMS_OK, type Trace } from './engine.ts';
import { CH_EGOV, CH_SMS, EV_EGOV_POSTED } from './codes.ts';
import type { Compiled } from './params.ts';
import type { Population } from './population.ts';
import { inc, type ServerStats } from './servers.ts';
import {
  FINAL_STATES,
  SERIES,
  STAGES,
  ST_EN_ROUTE,
  ST_EXCUSED,
  ST_NOT_SENT,
  ST_NO_SHOW,
  ST_QUEUED,
  ST_REPORTED,
  ST_TOO_LATE,
  ST_UNAWARE,
  ST_UNEQUIPPED,
  ST_UNFIT,
  ST_UNREACHED,
  ST_UNSET,
  TARGETS,
} from './states.ts';

/** What one run reports: plain numbers and typed arrays, so it crosses from a worker thread as it is. */
export interface RunResult {
  hours: number;
  /** SERIES × (hours + 1): how many by the end of each hour (index 0 = the start). */
  series: Int32Array;
  /** agencies × (hours + 1): reported strength per receiving agency. */
  byAgency: Int32Array;
  /** regions × (hours + 1): reported strength per home region. */
  byRegion: Int32Array;
  /** People in each FINAL_STATES entry at the horizon. */
  states: Int32Array;
  /** (agencies + 1) × TARGETS: hours to reach each share of the quota, NaN when not reached; the last row is the total. */
  timeTo: Float64Array;
  /** STAGES: hours summed over the people who reported. */
  stageHours: Float64Array;
  /** People short at the horizon by cause ("kind:where"), for finding the bottleneck. */
  short: Record<string, number>;
  channels: { sms: ChannelStats; egov: ChannelStats; paper: ChannelStats };
  points: PointStats;
  /** Each person's FINAL_STATES index, when asked for (tests, small runs). */
  personStates?: Uint8Array;
}

export interface ChannelStats {
  /** Per group (one for SMS and e-Gov, one per region for paper). */
  served: Int32Array;
  waiting: Int32Array;
  meanWaitH: Float64Array;
  lastH: Float64Array;
}

export interface PointStats {
  arrived: Int32Array;
  served: Int32Array;
  waiting: Int32Array;
  peak: Int32Array;
  meanWaitH: Float64Array;
  /** Capacity used while people were waiting (1 = every place taken). */
  utilisation: Float64Array;
  stockOutH: Float64Array;
  unequipped: Int32Array;
}

function channelStats(s: ServerStats | undefined, groups: number): ChannelStats {
  const served = s?.served ?? new Int32Array(groups);
  return {
    served,
    waiting: s?.waiting ?? new Int32Array(groups),
    meanWaitH: Float64Array.from(served, (v, g) => (v > 0 ? (s?.waitSum[g] as number) / v / 60 : 0)),
    lastH: Float64Array.from(served, (_v, g) => ((s?.last[g] ?? -1) >= 0 ? ((s?.last[g] as number) + 1) / 60 : NaN)),
  };
}

/** Hour bucket of a time in minutes: counted in the curve from the end of hour ceil(t / 60). */
const bucket = (t: number) => Math.ceil(t / 60);

/** Final states, curves, times to quota shares, stage hours and shortfall causes from one run's trace. */
export function summariseRun(pop: Population, c: Compiled, t: Trace, keepStates: boolean): RunResult {
  const H = c.minutes;
  const hours = c.hours;
  const width = hours + 1;
  const R = pop.regions.length;
  const A = pop.agencies.length;
  const cellAgency = Int32Array.from(pop.cells, (k) => pop.agencies.indexOf(k.agency));
  const series = new Int32Array(SERIES.length * width);
  const byAgency = new Int32Array(A * width);
  const byRegion = new Int32Array(R * width);
  const states = new Int32Array(FINAL_STATES.length);
  const stageHours = new Float64Array(STAGES.length);
  const short: Record<string, number> = {};
  const add = (k: string) => (short[k] = (short[k] ?? 0) + 1);
  const unequipped = new Int32Array(R);
  // Reported times with their agency, for the exact time each share of a quota is reached.
  const doneTimes = new Float64Array(pop.n);
  const doneAgency = new Uint8Array(pop.n);
  let reportedCount = 0;
  const { smsAt, egovAt, paperAt, delivered, legalAt, learn, depart, arrive, done, held, ev, flags, state, point } = t;
  const proc = c.assembly.processMin;

  for (let i = 0; i < pop.n; i++) {
    let st = state[i] as number;
    const r = pop.home[i] as number;
    const f = flags[i] as number;
    const L = learn[i] as number;
    if (st === ST_UNSET) {
      if (L <= H) st = (arrive[i] as number) <= H ? ST_QUEUED : ST_EN_ROUTE;
      else if ((delivered[i] as number) <= H) st = ST_UNAWARE;
      else {
        const ch = pop.channels[i] as number;
        const smsPending = ch & CH_SMS && !(smsAt[i] === smsAt[i]) && !(f & F_SMS_LATE);
        const egovPending = ch & CH_EGOV && !(egovAt[i] === egovAt[i]) && !(f & F_EGOV_LATE);
        // Paper not yet taken out by a courier (or not yet due), or still in the courier's bag at the horizon.
        const paperPending = f & F_PAPER_WANTED && (!(f & F_PAPER_OUT) || (paperAt[i] as number) > H);
        if (smsPending || egovPending || paperPending) st = ST_NOT_SENT;
        else st = f & (F_SMS_LATE | F_EGOV_LATE | F_PAPER_LATE) ? ST_TOO_LATE : ST_UNREACHED;
      }
      state[i] = st;
    }
    inc(states, st);

    // Curves.
    const egov = (ev[i] as number) & EV_EGOV_POSTED ? (egovAt[i] as number) : NaN;
    let first = smsAt[i] as number;
    if (!(egov >= first)) first = egov === egov ? egov : first;
    const paper = paperAt[i] as number;
    if (paper <= H && !(paper >= first)) first = paper;
    if (first <= H) inc(series, bucket(first));
    const del = delivered[i] as number;
    if (del <= H) inc(series, width + bucket(del));
    const legal = legalAt[i] as number;
    if (legal <= H && c.notification[ev[i] as number] !== 0) inc(series, 2 * width + bucket(legal));
    if (L <= H) inc(series, 3 * width + bucket(L));
    const arr = arrive[i] as number;
    if (arr <= H) inc(series, 4 * width + bucket(arr));
    if (st === ST_REPORTED) {
      const d = done[i] as number;
      const b = bucket(d);
      inc(series, 5 * width + b);
      const a = cellAgency[pop.cell[i] as number] as number;
      inc(byAgency, a * width + b);
      inc(byRegion, r * width + b);
      doneTimes[reportedCount] = d;
      doneAgency[reportedCount++] = a;
      const served = d - 1 - proc;
      const wait = Math.max(0, served - (arrive[i] as number));
      const h = held[i] as number;
      stageHours[0] = (stageHours[0] as number) + first - c.issueMin;
      stageHours[1] = (stageHours[1] as number) + L - first;
      stageHours[2] = (stageHours[2] as number) + (depart[i] as number) - L - h;
      stageHours[3] = (stageHours[3] as number) + h;
      stageHours[4] = (stageHours[4] as number) + (arrive[i] as number) - (depart[i] as number);
      stageHours[5] = (stageHours[5] as number) + wait;
      stageHours[6] = (stageHours[6] as number) + d - (arrive[i] as number) - wait;
      continue;
    }

    // Why this person is not (yet) in the strength.
    const iso = pop.regions[r] as string;
    const p = pop.regions[point[i] as number] as string;
    switch (st) {
      case ST_NOT_SENT: {
        const ch = pop.channels[i] as number;
        add(ch & CH_SMS && !(smsAt[i] === smsAt[i]) ? 'channel:sms' : ch & CH_EGOV && !(egovAt[i] === egovAt[i]) && !(ch & CH_SMS) ? 'channel:egov' : `channel:paper:${iso}`);
        break;
      }
      case ST_TOO_LATE:
        add('legal:notice_period');
        break;
      case ST_UNREACHED:
        add(smsAt[i] === smsAt[i] && !(f & F_SMS_OK) ? `delivery:sms:${iso}` : `delivery:paper:${iso}`);
        break;
      case ST_UNAWARE:
        add(`unread:${iso}`);
        break;
      case ST_EXCUSED:
        add('response:valid_reason');
        break;
      case ST_NO_SHOW:
        add(`response:no_show:${iso}`);
        break;
      case ST_EN_ROUTE:
        add((depart[i] as number) > H ? (f & F_ROAD ? `roads:${iso}` : f & F_HELD_LEGAL ? 'legal:appearance_time' : 'response:preparation') : `travel:${iso}`);
        break;
      case ST_QUEUED:
        add(`assembly:${p}`);
        break;
      case ST_UNFIT:
        add('medical:unfit');
        break;
      case ST_UNEQUIPPED:
        add(`stockpile:${p}`);
        inc(unequipped, point[i] as number);
        break;
    }
  }

  for (let s = 0; s < SERIES.length; s++) prefix(series, s * width, width);
  for (let a = 0; a < A; a++) prefix(byAgency, a * width, width);
  for (let g = 0; g < R; g++) prefix(byRegion, g * width, width);
  for (let k = 0; k < STAGES.length; k++) stageHours[k] = (stageHours[k] as number) / 60;

  const quota = new Float64Array(A + 1);
  for (const k of pop.cells) {
    quota[pop.agencies.indexOf(k.agency)] = (quota[pop.agencies.indexOf(k.agency)] as number) + k.quota;
    quota[A] = (quota[A] as number) + k.quota;
  }
  const timeTo = new Float64Array((A + 1) * TARGETS.length).fill(NaN);
  const perAgency = new Int32Array(A + 1);
  for (let k = 0; k < reportedCount; k++) inc(perAgency, (doneAgency[k] as number) + 1);
  for (let a = 0; a < A; a++) perAgency[a + 1] = (perAgency[a + 1] as number) + (perAgency[a] as number);
  const grouped = new Float64Array(reportedCount);
  const fillAt = perAgency.slice(0, A);
  for (let k = 0; k < reportedCount; k++) {
    const a = doneAgency[k] as number;
    grouped[fillAt[a] as number] = doneTimes[k] as number;
    inc(fillAt, a);
  }
  const sorted = Array.from({ length: A }, (_, a) => grouped.subarray(perAgency[a] as number, perAgency[a + 1] as number).sort());
  const all = doneTimes.subarray(0, reportedCount).sort();
  for (let a = 0; a <= A; a++) {
    const times = a < A ? (sorted[a] as Float64Array) : all;
    TARGETS.forEach((x, j) => {
      const k = Math.ceil(x * (quota[a] as number));
      timeTo[a * TARGETS.length + j] = k === 0 ? 0 : k <= times.length ? (times[k - 1] as number) / 60 : NaN;
    });
  }

  const asm = t.servers.assembly;
  const arrived = new Int32Array(R);
  for (let i = 0; i < pop.n; i++) if ((arrive[i] as number) <= H) inc(arrived, point[i] as number);
  const pointStats = channelStats(asm, R);
  const points: PointStats = {
    arrived,
    served: pointStats.served,
    waiting: pointStats.waiting,
    peak: asm?.peak ?? new Int32Array(R),
    meanWaitH: pointStats.meanWaitH,
    utilisation: Float64Array.from(pointStats.served, (v, g) => ((asm?.offered[g] ?? 0) > 0 ? (v * 1440) / (asm?.offered[g] as number) : 0)),
    stockOutH: Float64Array.from(t.stockOut, (m) => (m === m ? m / 60 : NaN)),
    unequipped,
  };
  const out: RunResult = {
    hours, series, byAgency, byRegion, states, timeTo, stageHours, short, points,
    channels: { sms: channelStats(t.servers.sms, 1), egov: channelStats(t.servers.egov, 1), paper: channelStats(t.servers.paper, R) },
  };
  if (keepStates) out.personStates = state;
  return out;
}

function prefix(a: Int32Array, from: number, width: number): void {
  for (let k = from + 1; k < from + width; k++) a[k] = (a[k] as number) + (a[k - 1] as number);
}
