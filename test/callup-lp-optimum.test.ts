import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { seededRng } from '../src/kernel/rng.ts';
import {
  buildArcs,
  greedyFlows,
  shortfallCost,
  solveTransport,
  summarise,
  transportProblem,
  type AllocationOptions,
  type Cell,
  type PersonClass,
} from '../src/modules/callup/index.ts';
import { regions } from '../src/modules/registry/index.ts';

/**
 * The planner's optimum is checked against an independent LP solve: scipy's linprog (HiGHS) in Debian's
 * python3-scipy, given the same classes, places and costs. .ci/run installs it; elsewhere the test is skipped
 * unless CI is set, when its absence is a failure.
 */
const PY = '/usr/bin/python3';
const hasScipy = spawnSync(PY, ['-c', 'import scipy.optimize'], { stdio: 'ignore' }).status === 0;
if (!hasScipy && process.env.CI) throw new Error(`${PY} with scipy is required in CI (Debian python3-scipy)`);

const SCIPY = `
import json, sys
import numpy as np
from scipy.optimize import linprog
p = json.load(sys.stdin)
K, C, arcs, M = len(p['supplies']), len(p['demands']), p['arcs'], p['M']
A = len(arcs)
c = np.array([a['cost'] for a in arcs] + [M] * C, dtype=float)
A_ub = np.zeros((K, A + C)); A_eq = np.zeros((C, A + C))
for j, a in enumerate(arcs):
    A_ub[a['from'], j] = 1; A_eq[a['to'], j] = 1
for i in range(C):
    A_eq[i, A + i] = 1
r = linprog(c, A_ub=A_ub, b_ub=p['supplies'], A_eq=A_eq, b_eq=p['demands'], bounds=(0, None), method='highs')
assert r.status == 0, r.message
x = r.x
print(json.dumps({'filled': float(sum(x[:A])), 'cost': float(sum(x[j] * arcs[j]['cost'] for j in range(A)))}))
`;

function instance(seed: number) {
  const rng = seededRng(seed);
  const codes = regions().map((r) => r.iso);
  const specialties = ['medical', 'aviation', 'engineering'];
  const classes: PersonClass[] = [];
  for (let i = 0; i < 25; i++) {
    classes.push({ region: rng.pick(codes), specialty: rng.pick(specialties), tier: rng.int(0, 2), reserved: rng.chance(0.15), count: rng.int(1, 40) });
  }
  const cells: Cell[] = [];
  for (let i = 0; i < 8; i++) {
    const region = rng.chance(0.4) ? rng.pick(codes) : null;
    cells.push({ index: i, agency: `a${i % 3}`, specialty: rng.pick(specialties), region, receivingRegion: region ?? rng.pick(codes), quota: rng.int(5, 80) });
  }
  const opts: AllocationOptions = { territorial: rng.chance(0.3), allowReserved: rng.chance(0.5), priority: ['volunteer', 'unemployed', 'rest'], priorityPenaltyKm: rng.pick([0, 300, 5000]) };
  return { classes, cells, opts };
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`instance ${seed}: the plan's objective equals scipy's LP optimum`, { skip: !hasScipy && 'no scipy in /usr/bin/python3' }, async () => {
    const { classes, cells, opts } = instance(seed);
    const arcs = buildArcs(classes, cells, opts);
    const problem = transportProblem(classes, cells, arcs);
    const { flows } = await solveTransport(problem);
    const ours = summarise(classes, cells, arcs, flows, opts).totals;
    const input = JSON.stringify({ supplies: problem.supplies, demands: problem.demands, arcs: arcs.map((a) => ({ from: a.from, to: a.to, cost: a.cost })), M: shortfallCost(problem) });
    const ref = JSON.parse(execFileSync(PY, ['-c', SCIPY], { input }).toString()) as { filled: number; cost: number };
    assert.equal(ours.filled, Math.round(ref.filled));
    assert.ok(Math.abs(ours.objective - ref.cost) < 1e-6 * Math.max(1, ref.cost), `ours ${ours.objective}, scipy ${ref.cost}`);
    // Every flow is whole and within its class and cell.
    assert.ok(flows.every((f) => Number.isInteger(f) && f >= 0));
    // And the first-come baseline is never better.
    const greedy = summarise(classes, cells, arcs, greedyFlows(classes, cells, arcs), opts).totals;
    assert.ok(greedy.filled < ours.filled || (greedy.filled === ours.filled && greedy.objective >= ours.objective));
  });
}

test('an infeasible order (no one can fill any place) is a full shortfall, not a solver error', async () => {
  const classes: PersonClass[] = [{ region: 'KZ-71', specialty: 'medical', tier: 0, reserved: false, count: 5 }];
  const cells: Cell[] = [{ index: 0, agency: 'army', specialty: 'aviation', region: null, receivingRegion: 'KZ-71', quota: 3 }];
  const opts: AllocationOptions = { territorial: false, allowReserved: false, priority: ['rest'], priorityPenaltyKm: 0 };
  const arcs = buildArcs(classes, cells, opts);
  const { flows } = await solveTransport(transportProblem(classes, cells, arcs));
  const r = summarise(classes, cells, arcs, flows, opts);
  assert.equal(r.totals.filled, 0);
  assert.equal(r.cells[0]!.reason, '3 of 3 places unfilled: no eligible people with specialty aviation');
});
