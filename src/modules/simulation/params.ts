import { regionDistanceKm } from '../callup/index.ts';
import { noticeTable, notificationTable } from './legal.ts';
import type { Window } from './draws.ts';
import type { Population } from './population.ts';
import type { Delay, Scenario } from './scenario.ts';

/**
 * A scenario compiled for the engine: times in minutes from the start, per-region values in arrays indexed like
 * Population.regions, injected events as time windows, delays as their specs. Plain data throughout, so it is
 * compiled once (the legal tables call the summons module) and handed to every worker thread as it is.
 */

/** Mean of a delay, in hours (for the report's assumptions). */
export function delayMeanH(d: Delay): number {
  if (typeof d === 'number') return d;
  return 'mean_h' in d ? d.mean_h : (d.min_h + d.max_h) / 2;
}

export interface Compiled {
  /** The horizon in minutes and in hours. */
  minutes: number;
  hours: number;
  startMs: number;
  issueMin: number;
  /** The appearance minute under the three-day rule; NaN under a mobilization law. */
  appearanceMin: number;
  /** Per-minute notice-period answers (checkNoticePeriod) by mode; null when the rule does not apply. */
  notice: { sms: Uint8Array; egov: Uint8Array; paper: Uint8Array } | null;
  /** Legal status by evidence pattern (deriveNotification). */
  notification: Uint8Array;
  sms: { perHour: number; delivery: Float64Array; delay: Delay; read: number; readDelay: Delay };
  egov: { perHour: number; delivery: number; read: number; readDelay: Delay };
  paper: { perDay: Float64Array; prepareMin: number; transit: Delay; delivery: Float64Array; refuse: number; fallbackMin: number };
  response: { valid: Float64Array; noShow: Float64Array; prepare: Delay };
  travel: { localCity: number; localRural: number; roadKmh: number; longKmh: number; longWaitMin: number; jitter: number; interKm: Float64Array };
  assembly: { unit: boolean; perDay: Float64Array; stock: Float64Array; resupplyPerMin: Float64Array; processMin: number; unfit: number };
  windows: {
    delivery: { sms: Window[]; egov: Window[]; paper: Window[] };
    throughput: { sms: Window[]; egov: Window[]; paper: Window[] };
    roads: Window[];
    capacity: Window[];
    noShow: Window[];
    stockLoss: { at: number; mask: Uint8Array; share: number }[];
  };
}

function perRegion(codes: readonly string[], base: number, over: Record<string, number>): Float64Array {
  return Float64Array.from(codes, (c) => over[c] ?? base);
}

function mask(codes: readonly string[], list: readonly string[] | undefined): Uint8Array | null {
  if (!list) return null;
  const m = new Uint8Array(codes.length);
  for (const c of list) m[codes.indexOf(c)] = 1;
  return m;
}

export function compileScenario(s: Scenario, pop: Pick<Population, 'regions'>): Compiled {
  const codes = pop.regions;
  const R = codes.length;
  const minutes = s.horizon_h * 60;
  const startMs = Date.parse(s.start);
  const appearanceMin = s.legal.notice === 'three_day' ? (s.legal.appearance_h as number) * 60 : NaN;
  const appearanceMs = startMs + appearanceMin * 60_000;
  const interKm = new Float64Array(R * R);
  for (let a = 0; a < R; a++) for (let b = 0; b < R; b++) interKm[a * R + b] = regionDistanceKm(codes[a] as string, codes[b] as string);
  const points = (key: 'per_day' | 'resupply_per_day', base: number) => Float64Array.from(codes, (c) => s.assembly.points[c]?.[key] ?? base);
  const win = (from: number, until: number | undefined, m: Uint8Array | null, factor: number): Window => ({ from: from * 60, until: until === undefined ? Infinity : until * 60, mask: m, factor });
  const w: Compiled['windows'] = { delivery: { sms: [], egov: [], paper: [] }, throughput: { sms: [], egov: [], paper: [] }, roads: [], capacity: [], noShow: [], stockLoss: [] };
  for (const inj of s.injects) {
    switch (inj.kind) {
      case 'channel_delivery':
        w.delivery[inj.channel].push(win(inj.at_h, inj.until_h, mask(codes, inj.regions), inj.factor));
        break;
      case 'channel_throughput':
        w.throughput[inj.channel].push(win(inj.at_h, inj.until_h, mask(codes, inj.regions), inj.factor));
        break;
      case 'road_closure':
        w.roads.push(win(inj.at_h, inj.until_h, mask(codes, inj.regions), 0));
        break;
      case 'assembly_capacity':
        w.capacity.push(win(inj.at_h, inj.until_h, mask(codes, inj.points), inj.factor));
        break;
      case 'no_show':
        w.noShow.push(win(inj.at_h, inj.until_h, mask(codes, inj.regions), inj.factor));
        break;
      case 'stockpile_loss':
        w.stockLoss.push({ at: inj.at_h * 60, mask: mask(codes, inj.points) as Uint8Array, share: inj.share });
        break;
    }
  }
  const ch = s.channels;
  return {
    minutes,
    hours: s.horizon_h,
    startMs,
    issueMin: s.issue_after_h * 60,
    appearanceMin,
    notice: s.legal.notice === 'three_day'
      ? { sms: noticeTable(startMs, appearanceMs, minutes, 'sms'), egov: noticeTable(startMs, appearanceMs, minutes, 'egov'), paper: noticeTable(startMs, appearanceMs, minutes, 'paper_address') }
      : null,
    notification: notificationTable(),
    sms: { perHour: ch.sms.per_hour, delivery: perRegion(codes, ch.sms.delivery, ch.sms.delivery_by_region), delay: ch.sms.delay, read: ch.sms.read, readDelay: ch.sms.read_delay },
    egov: { perHour: ch.egov.per_hour, delivery: ch.egov.delivery, read: ch.egov.read, readDelay: ch.egov.read_delay },
    paper: {
      perDay: perRegion(codes, ch.paper.per_day, ch.paper.per_day_by_region),
      prepareMin: ch.paper.prepare_h * 60,
      transit: ch.paper.transit,
      delivery: perRegion(codes, ch.paper.delivery, ch.paper.delivery_by_region),
      refuse: ch.paper.refuse,
      fallbackMin: ch.paper.fallback_after_h === null ? NaN : ch.paper.fallback_after_h * 60,
    },
    response: {
      valid: perRegion(codes, s.response.valid_reason, s.response.valid_reason_by_region),
      noShow: perRegion(codes, s.response.no_show, s.response.no_show_by_region),
      prepare: s.response.prepare,
    },
    travel: {
      localCity: s.travel.local_km.city, localRural: s.travel.local_km.rural, roadKmh: s.travel.road_kmh, longKmh: s.travel.long_kmh,
      longWaitMin: s.travel.long_wait_h * 60, jitter: s.travel.jitter, interKm,
    },
    assembly: {
      unit: s.assembly.report_to === 'unit',
      perDay: points('per_day', s.assembly.per_day),
      stock: Float64Array.from(codes, (c) => {
        const v = s.assembly.points[c]?.stockpile !== undefined ? s.assembly.points[c]?.stockpile : s.assembly.stockpile;
        return v === null || v === undefined ? Infinity : v;
      }),
      resupplyPerMin: points('resupply_per_day', s.assembly.resupply_per_day).map((v) => v / 1440),
      processMin: (s.assembly.medical_h + s.assembly.equipment_h) * 60,
      unfit: s.assembly.unfit,
    },
    windows: w,
  };
}
