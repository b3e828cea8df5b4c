/**
 * The aggregated transport problem: supplies (people per class), demands (places per cell) and arcs (which class
 * may fill which cell, at what cost per person). Filling places comes first: an unfilled place costs more than
 * any rerouting of people could save, so the optimum fills as many places as possible and, among those plans,
 * has the least travel and priority cost.
 */
export interface TransportProblem {
  supplies: readonly number[];
  demands: readonly number[];
  arcs: readonly { from: number; to: number; cost: number }[];
}

/** The linear program in HiGHS's sparse form: arc columns first, then one shortfall column per cell. */
export interface LpModel {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: { format: 'csc'; numRows: number; numCols: number; starts: Int32Array; indices: Int32Array; values: Float64Array };
}

/** Cost of one unfilled place: more than the most an augmenting path through the arcs can cost. */
export function shortfallCost(p: TransportProblem): number {
  let max = 0;
  for (const a of p.arcs) if (a.cost > max) max = a.cost;
  return (Math.min(p.supplies.length, p.demands.length) + 1) * (max + 1) + 1;
}

export function toLpModel(p: TransportProblem): LpModel {
  const K = p.supplies.length;
  const C = p.demands.length;
  const A = p.arcs.length;
  const numCols = A + C;
  const numRows = K + C;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(Infinity);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(2 * A + C);
  const values = new Float64Array(2 * A + C).fill(1);
  let nz = 0;
  p.arcs.forEach((a, j) => {
    colCost[j] = a.cost;
    starts[j] = nz;
    indices[nz++] = a.from;
    indices[nz++] = K + a.to;
  });
  const m = shortfallCost(p);
  for (let c = 0; c < C; c++) {
    colCost[A + c] = m;
    starts[A + c] = nz;
    indices[nz++] = K + c;
  }
  starts[numCols] = nz;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  for (let k = 0; k < K; k++) {
    rowLower[k] = -Infinity;
    rowUpper[k] = p.supplies[k] as number;
  }
  for (let c = 0; c < C; c++) rowLower[K + c] = rowUpper[K + c] = p.demands[c] as number;
  return { numCols, numRows, colCost, colLower, colUpper, rowLower, rowUpper, matrix: { format: 'csc', numRows, numCols, starts, indices, values } };
}

/**
 * People per arc from the LP's column values. A transport problem with whole supplies and demands has whole
 * vertex solutions; rounding only removes floating-point noise, and the result is checked against every
 * supply and demand so a bad solve can never become a plan.
 */
export function flowsFromSolution(p: TransportProblem, colValue: ArrayLike<number>): number[] {
  const flows = p.arcs.map((_, j) => Math.round(colValue[j] as number));
  const used = new Array<number>(p.supplies.length).fill(0);
  const filled = new Array<number>(p.demands.length).fill(0);
  p.arcs.forEach((a, j) => {
    const f = flows[j] as number;
    if (f < 0) throw new Error(`LP solution has negative flow on arc ${j}`);
    used[a.from] = (used[a.from] as number) + f;
    filled[a.to] = (filled[a.to] as number) + f;
  });
  used.forEach((u, k) => {
    if (u > (p.supplies[k] as number)) throw new Error(`LP solution takes ${u} people from class ${k}, which has ${p.supplies[k]}`);
  });
  filled.forEach((f, c) => {
    if (f > (p.demands[c] as number)) throw new Error(`LP solution puts ${f} people in cell ${c}, which has ${p.demands[c]} places`);
  });
  return flows;
}
