/**
 * First-come first-served servers with a capacity that may change minute by minute (an SMSC contract, the couriers
 * of a region, an assembly point). Time-stepped by the minute over typed arrays: a million queued people cost
 * one pass, and the order of service never depends on anything but arrival minute and queue order.
 */

/** Indices of `list[0..len)` with `at[i] <= horizon`, stably ordered by whole arrival minute (a counting sort). */
export function orderByMinute(list: Int32Array, len: number, at: Float64Array, horizon: number): Int32Array {
  const counts = new Int32Array(horizon + 2);
  let kept = 0;
  for (let k = 0; k < len; k++) {
    const t = at[list[k] as number] as number;
    if (t <= horizon) {
      inc(counts, Math.floor(t) + 1);
      kept++;
    }
  }
  for (let m = 1; m < counts.length; m++) counts[m] = (counts[m] as number) + (counts[m - 1] as number);
  const out = new Int32Array(kept);
  for (let k = 0; k < len; k++) {
    const i = list[k] as number;
    const t = at[i] as number;
    if (t <= horizon) {
      const m = Math.floor(t);
      out[counts[m] as number] = i;
      inc(counts, m);
    }
  }
  return out;
}

export interface ServerStats {
  /** Served per group. */
  served: Int32Array;
  /** Still queued (arrived, not served) at the horizon per group. */
  waiting: Int32Array;
  /** Sum over served people of minutes from arrival to service, per group. */
  waitSum: Float64Array;
  /** Largest queue seen at a minute's end, per group. */
  peak: Int32Array;
  /** Capacity units offered while someone was waiting, and used, per group (utilisation while busy). */
  offered: Float64Array;
  /** Minute of the last service per group (-1: none). */
  last: Float64Array;
}

/**
 * Serves `order` (people sorted by arrival minute, as orderByMinute gives) group by group. Each minute m a group
 * gains `rate(g, m)` capacity units, kept up to one minute's worth or one service, whichever is more (idle capacity
 * is not banked); a service costs `cost` units. Someone who arrived at or before minute m may be served in minute m;
 * `serve(i, m)` returns false when the person is turned away without using capacity (a summons now too late to send).
 */
export function serveGroups(
  order: Int32Array,
  at: Float64Array,
  group: Uint8Array | null,
  groups: number,
  horizon: number,
  rate: (g: number, m: number) => number,
  cost: number,
  serve: (i: number, m: number) => boolean,
  onMinute: ((m: number) => void) | null = null,
): ServerStats {
  const stats: ServerStats = {
    served: new Int32Array(groups), waiting: new Int32Array(groups), waitSum: new Float64Array(groups),
    peak: new Int32Array(groups), offered: new Float64Array(groups), last: new Float64Array(groups).fill(-1),
  };
  // Split into per-group queues, keeping the arrival order within each.
  const start = new Int32Array(groups + 1);
  if (group) {
    for (let k = 0; k < order.length; k++) inc(start, (group[order[k] as number] as number) + 1);
    for (let g = 0; g < groups; g++) start[g + 1] = (start[g + 1] as number) + (start[g] as number);
  } else start[1] = order.length;
  const queue = new Int32Array(order.length);
  const fill = start.slice(0, groups);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const g = group ? (group[i] as number) : 0;
    queue[fill[g] as number] = i;
    inc(fill, g);
  }
  const head = start.slice(0, groups);
  const arrived = start.slice(0, groups);
  const tokens = new Float64Array(groups);
  // Nothing happens before the first arrival, unless something changes every minute (a stockpile's resupply).
  const first = onMinute ? 0 : order.length > 0 ? Math.floor(at[order[0] as number] as number) : horizon;
  for (let m = Math.max(0, first); m < horizon; m++) {
    onMinute?.(m);
    for (let g = 0; g < groups; g++) {
      const end = start[g + 1] as number;
      let a = arrived[g] as number;
      while (a < end && Math.floor(at[queue[a] as number] as number) <= m) a++;
      arrived[g] = a;
      const add = rate(g, m);
      const cap = add > cost ? add : cost;
      let t = (tokens[g] as number) + add;
      if (t > cap) t = cap;
      let h = head[g] as number;
      if (h < a) stats.offered[g] = (stats.offered[g] as number) + add;
      while (h < a && t >= cost) {
        const i = queue[h] as number;
        if (serve(i, m)) {
          t -= cost;
          inc(stats.served, g);
          stats.waitSum[g] = (stats.waitSum[g] as number) + Math.max(0, m - (at[i] as number));
          stats.last[g] = m;
        }
        h++;
      }
      head[g] = h;
      tokens[g] = t;
      if (a - h > (stats.peak[g] as number)) stats.peak[g] = a - h;
    }
  }
  for (let g = 0; g < groups; g++) stats.waiting[g] = (start[g + 1] as number) - (head[g] as number);
  return stats;
}

/** a[k] += 1 for a typed array (indexing is checked under noUncheckedIndexedAccess). */
export function inc(a: Int32Array, k: number): void {
  a[k] = (a[k] as number) + 1;
}
