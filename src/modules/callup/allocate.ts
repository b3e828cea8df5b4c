import { regionDistanceKm } from './geo.ts';
import type { CallupOrder, Cell, PriorityTier } from './order.ts';
import type { TransportProblem } from './transport.ts';

/**
 * The pure core of planning. People are aggregated into classes (home region × specialty × priority tier ×
 * reserved or not): everyone in a class has the same options and the same costs, so the transport LP runs on
 * classes, not persons, and the persons of a class are then handed out in a published order (see handOut).
 */
export interface PersonClass {
  region: string;
  specialty: string;
  /** Index into the order's priority list (0 = taken first). */
  tier: number;
  /** An essential civilian worker under the reservation rule set. */
  reserved: boolean;
  count: number;
}

export interface AllocationOptions {
  territorial: boolean;
  allowReserved: boolean;
  priority: readonly PriorityTier[];
  priorityPenaltyKm: number;
}

export function allocationOptions(order: CallupOrder): AllocationOptions {
  return { territorial: order.territorial, allowReserved: order.allow_reserved, priority: order.priority, priorityPenaltyKm: order.priority_penalty_km };
}

/** Whether people of a class may fill a cell, and where they would serve. */
export function servesIn(k: PersonClass, c: Cell, o: AllocationOptions): string | null {
  if (k.specialty !== c.specialty) return null;
  if (k.reserved && !o.allowReserved) return null;
  if (o.territorial) {
    // Territorial principle: serve where registered; a cell without a region takes people where they live.
    if (c.region !== null && c.region !== k.region) return null;
    return k.region;
  }
  return c.receivingRegion;
}

export interface Arc {
  from: number;
  to: number;
  travelKm: number;
  penalty: number;
  cost: number;
}

export function buildArcs(classes: readonly PersonClass[], cells: readonly Cell[], o: AllocationOptions): Arc[] {
  const arcs: Arc[] = [];
  const bySpecialty = new Map<string, Cell[]>();
  for (const c of cells) {
    const list = bySpecialty.get(c.specialty);
    if (list) list.push(c);
    else bySpecialty.set(c.specialty, [c]);
  }
  classes.forEach((k, from) => {
    for (const c of bySpecialty.get(k.specialty) ?? []) {
      const where = servesIn(k, c, o);
      if (where === null) continue;
      const travelKm = regionDistanceKm(k.region, where);
      const penalty = k.tier * o.priorityPenaltyKm;
      arcs.push({ from, to: c.index, travelKm, penalty, cost: travelKm + penalty });
    }
  });
  return arcs;
}

export function transportProblem(classes: readonly PersonClass[], cells: readonly Cell[], arcs: readonly Arc[]): TransportProblem {
  return { supplies: classes.map((k) => k.count), demands: cells.map((c) => c.quota), arcs };
}

export interface CellResult extends Cell {
  filled: number;
  shortfall: number;
  travelKm: number;
  priorityPenalty: number;
  /** Why places stay empty; null when the cell is full. */
  reason: string | null;
}

export interface Allocation {
  /** People per arc. */
  flows: number[];
  /** People taken from each class. */
  taken: number[];
  cells: CellResult[];
  totals: { quota: number; filled: number; shortfall: number; travelKm: number; priorityPenalty: number; objective: number };
}

/** Cell results, cost breakdown and shortfall reasons for given flows (from the LP or from a baseline). */
export function summarise(
  classes: readonly PersonClass[],
  cells: readonly Cell[],
  arcs: readonly Arc[],
  flows: readonly number[],
  o: AllocationOptions,
): Allocation {
  const results: CellResult[] = cells.map((c) => ({ ...c, filled: 0, shortfall: 0, travelKm: 0, priorityPenalty: 0, reason: null }));
  arcs.forEach((a, j) => {
    const f = flows[j] as number;
    const r = results[a.to] as CellResult;
    r.filled += f;
    r.travelKm += f * a.travelKm;
    r.priorityPenalty += f * a.penalty;
  });
  const takenFrom = new Array<number>(classes.length).fill(0);
  arcs.forEach((a, j) => (takenFrom[a.from] = (takenFrom[a.from] as number) + (flows[j] as number)));
  for (const r of results) {
    r.shortfall = r.quota - r.filled;
    if (r.shortfall > 0) r.reason = shortfallReason(classes, cells[r.index] as Cell, arcs, flows, takenFrom, o, results);
  }
  const totals = { quota: 0, filled: 0, shortfall: 0, travelKm: 0, priorityPenalty: 0, objective: 0 };
  for (const r of results) {
    totals.quota += r.quota;
    totals.filled += r.filled;
    totals.shortfall += r.shortfall;
    totals.travelKm += r.travelKm;
    totals.priorityPenalty += r.priorityPenalty;
  }
  totals.objective = totals.travelKm + totals.priorityPenalty;
  return { flows: [...flows], taken: takenFrom, cells: results, totals };
}

function cellName(c: Pick<Cell, 'agency' | 'specialty' | 'region'>): string {
  return `${c.agency}/${c.specialty}${c.region ? `/${c.region}` : ''}`;
}

function shortfallReason(
  classes: readonly PersonClass[],
  cell: Cell,
  arcs: readonly Arc[],
  flows: readonly number[],
  takenFrom: readonly number[],
  o: AllocationOptions,
  results: readonly CellResult[],
): string {
  const where = o.territorial && cell.region ? ` registered in ${cell.region}` : '';
  const usableIdx = new Set<number>();
  let reserved = 0;
  let pool = 0;
  classes.forEach((k, i) => {
    if (k.specialty !== cell.specialty || (o.territorial && cell.region && k.region !== cell.region)) return;
    if (k.reserved && !o.allowReserved) reserved += k.count;
    else {
      usableIdx.add(i);
      pool += k.count;
    }
  });
  const reservedNote = reserved > 0 ? `; ${reserved} more are reserved essential workers, whom this order may not take` : '';
  const short = `${cell.quota - (results[cell.index] as CellResult).filled} of ${cell.quota} places unfilled`;
  if (pool === 0) return `${short}: no eligible people with specialty ${cell.specialty}${where}${reservedNote}`;
  // Where the eligible people of this cell's classes went instead.
  const elsewhere = new Map<number, number>();
  arcs.forEach((a, j) => {
    if (a.to !== cell.index && usableIdx.has(a.from) && (flows[j] as number) > 0) elsewhere.set(a.to, (elsewhere.get(a.to) ?? 0) + (flows[j] as number));
  });
  const taken = [...usableIdx].reduce((s, k) => s + (takenFrom[k] as number), 0);
  const others = [...elsewhere].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5).map(([c, n]) => `${cellName(results[c] as CellResult)} (${n})`);
  const elsewhereNote = others.length ? `; the others fill ${others.join(', ')}` : '';
  if (pool <= taken) return `${short}: all ${pool} eligible people with specialty ${cell.specialty}${where} are called${elsewhereNote}${reservedNote}`;
  return `${short}: ${pool} eligible people with specialty ${cell.specialty}${where}, ${pool - taken} of them not called${elsewhereNote}${reservedNote}`;
}

/**
 * The first-come baseline the bench compares against: cells in order, each taking people from the classes in
 * registry order (region code, then specialty and tier) with no regard to travel or priority.
 */
export function greedyFlows(classes: readonly PersonClass[], cells: readonly Cell[], arcs: readonly Arc[]): number[] {
  const left = classes.map((k) => k.count);
  const flows = new Array<number>(arcs.length).fill(0);
  const byCell = new Map<number, number[]>();
  arcs.forEach((a, j) => {
    const list = byCell.get(a.to);
    if (list) list.push(j);
    else byCell.set(a.to, [j]);
  });
  for (const c of cells) {
    let need = c.quota;
    const js = (byCell.get(c.index) ?? []).sort((x, y) => (arcs[x] as Arc).from - (arcs[y] as Arc).from);
    for (const j of js) {
      if (need === 0) break;
      const k = (arcs[j] as Arc).from;
      const take = Math.min(need, left[k] as number);
      flows[j] = take;
      left[k] = (left[k] as number) - take;
      need -= take;
    }
  }
  return flows;
}

/**
 * The published hand-out order: within a class, people are ranked by a seeded lottery (ascending md5 of
 * "seed:IIN"); the class's places go to ranks 1.. in order of cell index. Returns, per class, the rank ranges.
 */
export interface HandOut {
  classIndex: number;
  cellIndex: number;
  arc: number;
  /** Inclusive lottery ranks, 1-based. */
  fromRank: number;
  toRank: number;
}

export function handOut(arcs: readonly Arc[], flows: readonly number[]): HandOut[] {
  const perClass = new Map<number, { cell: number; n: number; arc: number }[]>();
  arcs.forEach((a, j) => {
    const n = flows[j] as number;
    if (n === 0) return;
    const list = perClass.get(a.from);
    if (list) list.push({ cell: a.to, n, arc: j });
    else perClass.set(a.from, [{ cell: a.to, n, arc: j }]);
  });
  const out: HandOut[] = [];
  for (const [k, list] of [...perClass].sort((a, b) => a[0] - b[0])) {
    let rank = 1;
    for (const { cell, n, arc } of list.sort((a, b) => a.cell - b.cell)) {
      out.push({ classIndex: k, cellIndex: cell, arc, fromRank: rank, toRank: rank + n - 1 });
      rank += n;
    }
  }
  return out;
}
