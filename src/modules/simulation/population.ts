import { createHash } from 'node:crypto';
import {
  allocationOptions,
  buildArcs,
  handOut,
  orderCells,
  solveTransport,
  summarise,
  transportProblem,
  type CallupOrder,
  type CellResult,
  type PersonClass,
} from '../callup/index.ts';
import { findRuleSet, isEligible, loadPack, type Pack } from '../eligibility/index.ts';
import { regions, type PersonRecord } from '../registry/index.ts';
import { generatePersons } from '../registry/synthetic.ts';
import { chooseChannels } from '../summons/index.ts';
import { CH_EGOV, CH_PAPER, CH_PORTAL, CH_SMS } from './codes.ts';

/**
 * The people summoned, as struct-of-arrays: one typed array per attribute, indexed by person, in the order their
 * summonses are queued (cell, then lottery rank, as issuePlan queues them). A million people fit in a few MB and
 * cross to worker threads without copying (the arrays may live on a SharedArrayBuffer).
 */
export interface Population {
  n: number;
  /** Region ISO codes; home and serve index into this (it is regions() in file order). */
  regions: readonly string[];
  home: Uint8Array;
  /** Region the person serves in (the planner's answer). */
  serve: Uint8Array;
  cell: Uint16Array;
  /** CH_* bits. */
  channels: Uint8Array;
  /** 1: lives in the region's centre city (a short trip to its assembly point). */
  urban: Uint8Array;
  cells: readonly SimCell[];
  agencies: readonly string[];
}

export interface SimCell {
  agency: string;
  specialty: string;
  serveRegion: string;
  /** Places needed: the order's quota, the target of the strength curves. */
  quota: number;
  /** People planned for the cell (more than the quota when over-summoning, less on a shortfall). */
  planned: number;
}


/** The channel bits of a person, decided by the summons module's own rule. */
export function channelBits(p: { mobile: string | null; egov_account: boolean; mobile_on_egov: boolean }): number {
  let bits = 0;
  for (const c of chooseChannels(p)) bits |= c === 'sms' ? CH_SMS : c === 'egov' ? CH_EGOV : CH_PAPER;
  if (p.mobile && p.mobile_on_egov) bits |= CH_PORTAL;
  return bits;
}

/** What planning the population left open, for the report. */
export interface PlanOutline {
  source: string;
  eligible: number;
  planned: number;
  shortfall: number;
  cells: Pick<CellResult, 'agency' | 'specialty' | 'receivingRegion' | 'quota' | 'filled' | 'shortfall' | 'reason'>[];
}

/** Whether a person lives in the centre city of the region: a city of republican significance, or district 01. */
export function isUrban(regionIso: string, district: string | null): boolean {
  cities ??= new Set(regions().filter((r) => r.kind === 'city').map((r) => r.iso));
  if (cities.has(regionIso)) return true;
  return district !== null && district.endsWith('-D01');
}
let cities: Set<string> | undefined;

/** A seeded or listed member of the eligible pool, before planning. */
interface Member {
  key: string;
  cls: number;
  channels: number;
  urban: number;
}

const TIER_TEST = {
  volunteer: (p: Pick<PersonRecord, 'volunteer'>) => p.volunteer,
  unemployed: (p: Pick<PersonRecord, 'employment'>) => p.employment === 'unemployed',
  rest: () => true,
} as const;

/** The order with every quota multiplied by the over-summoning factor: what is planned, not what is needed. */
function plannedOrder(order: CallupOrder, oversummon: number): CallupOrder {
  return { ...order, quotas: order.quotas.map((q) => ({ ...q, count: Math.ceil(q.count * oversummon) })) };
}

/**
 * Plans the pool with the call-up module's own core (classes → transport LP in HiGHS → hand-out by lottery rank)
 * and lays the planned people out as a Population. Members of a class are ranked as planCallup ranks them
 * (ascending md5 of "seed:IIN"); a replicated member's copies take consecutive ranks.
 */
async function planPool(order: CallupOrder, members: Member[], classes: PersonClass[], replicate: number, oversummon: number, source: string): Promise<{ population: Population; plan: PlanOutline }> {
  const quotaOrder = orderCells(order);
  const planned = plannedOrder(order, oversummon);
  const cells = orderCells(planned);
  const opts = allocationOptions(planned);
  const scaled = classes.map((k) => ({ ...k, count: k.count * replicate }));
  const arcs = buildArcs(scaled, cells, opts);
  const { flows } = await solveTransport(transportProblem(scaled, cells, arcs));
  const allocation = summarise(scaled, cells, arcs, flows, opts);

  const byClass: Member[][] = scaled.map(() => []);
  for (const m of members) (byClass[m.cls] as Member[]).push(m);
  for (const list of byClass) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const regionIndex = new Map(regions().map((r, i) => [r.iso, i]));
  const n = allocation.totals.filled;
  const home = new Uint8Array(n);
  const serve = new Uint8Array(n);
  const cell = new Uint16Array(n);
  const channels = new Uint8Array(n);
  const urban = new Uint8Array(n);
  // issuePlan queues by cell, then lottery rank: the hand-out ranges sorted by cell give that order.
  const ranges = handOut(arcs, flows).sort((a, b) => a.cellIndex - b.cellIndex || a.classIndex - b.classIndex);
  let i = 0;
  for (const h of ranges) {
    const k = scaled[h.classIndex] as PersonClass;
    const c = cells[h.cellIndex];
    const serveIso = opts.territorial ? k.region : (c?.receivingRegion as string);
    for (let rank = h.fromRank; rank <= h.toRank; rank++) {
      const m = (byClass[h.classIndex] as Member[])[Math.floor((rank - 1) / replicate)] as Member;
      home[i] = regionIndex.get(k.region) as number;
      serve[i] = regionIndex.get(serveIso) as number;
      cell[i] = h.cellIndex;
      channels[i] = m.channels;
      urban[i] = m.urban;
      i++;
    }
  }
  const agencies = Object.keys(order.agencies);
  const population: Population = {
    n, regions: regions().map((r) => r.iso), home, serve, cell, channels, urban, agencies,
    cells: cells.map((c, j) => ({ agency: c.agency, specialty: c.specialty, serveRegion: c.receivingRegion, quota: (quotaOrder[j] as { quota: number }).quota, planned: allocation.cells[j]?.filled ?? 0 })),
  };
  const plan: PlanOutline = {
    source,
    eligible: scaled.reduce((s, k) => s + k.count, 0),
    planned: n,
    shortfall: allocation.totals.shortfall,
    cells: allocation.cells.map((c) => ({ agency: c.agency, specialty: c.specialty, receivingRegion: c.receivingRegion, quota: c.quota, filled: c.filled, shortfall: c.shortfall, reason: c.reason })),
  };
  return { population, plan };
}

function classIndexer(): { index(k: Omit<PersonClass, 'count'>): number; classes: PersonClass[] } {
  const classes: PersonClass[] = [];
  const seen = new Map<string, number>();
  return {
    classes,
    index(k) {
      const key = `${k.region}|${k.specialty}|${k.tier}|${k.reserved}`;
      let i = seen.get(key);
      if (i === undefined) {
        i = classes.length;
        seen.set(key, i);
        classes.push({ ...k, count: 0 });
      }
      (classes[i] as PersonClass).count++;
      return i;
    },
  };
}

/**
 * A seeded registry (the registry's synthetic generator), the order's rule set and reservation rule set applied by
 * the eligibility module's evaluator, then planned as above.
 */
export async function seededPopulation(
  order: CallupOrder,
  spec: { persons: number; seed: number; today?: string | undefined; replicate: number },
  oversummon: number,
  pack: Pack = loadPack(),
): Promise<{ population: Population; plan: PlanOutline }> {
  const on = order.reference_date;
  const rs = findRuleSet(pack, order.rule_set, on).ruleSet;
  const reservation = findRuleSet(pack, order.reservation_rule_set, on).ruleSet;
  const needed = new Set(order.quotas.map((q) => q.specialty));
  const seed = order.seed ?? `${order.id}:${on}`;
  const ix = classIndexer();
  const members: Member[] = [];
  for (const p of generatePersons({ count: spec.persons, seed: spec.seed, today: spec.today ?? on })) {
    if (p.specialty === null || !needed.has(p.specialty) || !isEligible(rs, p, on)) continue;
    let tier = order.priority.findIndex((t) => TIER_TEST[t](p));
    if (tier < 0) tier = order.priority.length;
    const cls = ix.index({ region: p.region, specialty: p.specialty, tier, reserved: isEligible(reservation, p, on) });
    const key = createHash('md5').update(`${seed}:${p.iin}`).digest('hex') + p.iin;
    members.push({ key, cls, channels: channelBits(p), urban: isUrban(p.region, p.district) ? 1 : 0 });
  }
  return planPool(order, members, ix.classes, spec.replicate, oversummon, `seeded registry: ${spec.persons} persons, seed ${spec.seed}${spec.replicate > 1 ? `, each eligible person ×${spec.replicate}` : ''}`);
}

export interface ListedGroup {
  region: string;
  specialty: string;
  count: number;
  urban: boolean;
  mobile: boolean;
  egov_account: boolean;
  mobile_on_egov: boolean;
  volunteer: boolean;
}

/** Groups written out in the scenario: everyone listed is taken as eligible, in the order's priority tiers. */
export async function listedPopulation(order: CallupOrder, groups: readonly ListedGroup[], oversummon: number): Promise<{ population: Population; plan: PlanOutline }> {
  const ix = classIndexer();
  const members: Member[] = [];
  groups.forEach((g, gi) => {
    let tier = order.priority.findIndex((t) => TIER_TEST[t]({ volunteer: g.volunteer, employment: 'employed' }));
    if (tier < 0) tier = order.priority.length;
    const channels = channelBits({ mobile: g.mobile ? 'listed' : null, egov_account: g.egov_account, mobile_on_egov: g.mobile_on_egov });
    for (let j = 0; j < g.count; j++) {
      const cls = ix.index({ region: g.region, specialty: g.specialty, tier, reserved: false });
      // Listed people keep their listed order within a class (the key sorts as the list does).
      members.push({ key: `${String(gi).padStart(6, '0')}:${String(j).padStart(9, '0')}`, cls, channels, urban: g.urban ? 1 : 0 });
    }
  });
  return planPool(order, members, ix.classes, 1, oversummon, `listed groups: ${members.length} people`);
}

/** Copies a population's arrays onto SharedArrayBuffers, so worker threads read them in place. */
export function sharePopulation(p: Population): Population {
  const share = <T extends Uint8Array | Uint16Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
    const out = make(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  const u8 = (a: Uint8Array) => share(a, (b) => new Uint8Array(b));
  return { ...p, home: u8(p.home), serve: u8(p.serve), channels: u8(p.channels), urban: u8(p.urban), cell: share(p.cell, (b) => new Uint16Array(b)) };
}
