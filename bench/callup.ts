/**
 * Figure (issue: call-up plans): on a registry of N seeded persons (default 5,000,000) on PostgreSQL, plan an
 * order of P positions (default 300,000) over 20 regions × 10 specialties × 4 agencies: end-to-end time of
 * select + solve + write. Goal ≤ 10 s. Prints the plan's objective and, for comparison, the objective of a
 * greedy first-come allocation of the same classes.
 */
import { openDb } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { allocationOptions, buildArcs, greedyFlows, orderCells, planCallup, summarise, type CallupOrder } from '../src/modules/callup/index.ts';
import { loadReferenceData, regions } from '../src/modules/registry/index.ts';
import { arg, benchOrder, loadSyntheticRegistry, scratchDatabase, timed } from './lib.ts';

const N = arg('persons', 5_000_000);
const P = arg('positions', 300_000);
const TODAY = '2026-11-23';


/** 20 regions × 10 specialties × 4 agencies; places by region population and agency share. */
function mobilizationOrder(): CallupOrder {
  const rs = regions().slice(0, 20);
  const pop = rs.reduce((s, r) => s + r.population_k, 0);
  const specialties = ['medical', 'aviation', 'engineering', 'artillery', 'radio', 'education', 'logistics', 'transport', 'information', 'reconnaissance'];
  const agencies = { armed_forces: 0.6, border_service: 0.2, national_guard: 0.12, emergencies: 0.08 };
  const quotas: string[] = [];
  for (const [agency, share] of Object.entries(agencies)) {
    for (const s of specialties) {
      for (const r of rs) {
        const count = Math.max(1, Math.round((P * share * r.population_k) / pop / specialties.length));
        quotas.push(`  - { agency: ${agency}, specialty: ${s}, region: ${r.iso}, count: ${count} }`);
      }
    }
  }
  return benchOrder({ id: 'bench-mobilization', title: 'Bench mobilization of reservists', referenceDate: TODAY, agencies: Object.keys(agencies), quotas });
}

const scratch = await scratchDatabase('mobilize_bench_callup');
try {
  const db = await openDb({ databaseUrl: scratch.url });
  await loadReferenceData(db);
  const loaded = await timed(() => loadSyntheticRegistry(db, { count: N, seed: 42, today: TODAY }));
  await db.query('VACUUM ANALYZE persons');
  console.log(`loaded ${N} synthetic persons in ${loaded.seconds.toFixed(1)} s`);

  const order = mobilizationOrder();
  const cells = orderCells(order);
  console.log(`order: ${cells.length} cells, ${cells.reduce((s, c) => s + c.quota, 0)} positions`);
  const run = await timed(() => planCallup(db, order, { actor: 'bench', clock: fixedClock('2026-11-23T06:00:00Z') }));
  const { report } = run.value;
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM callup_assignments');

  const opts = allocationOptions(order);
  const classes = report.classes.map(({ taken: _t, ...k }) => k);
  const arcs = buildArcs(classes, cells, opts);
  const greedy = summarise(classes, cells, arcs, greedyFlows(classes, cells, arcs), opts).totals;
  await db.close();

  console.log(`classes ${report.solver.classes}, arcs ${report.solver.arcs}, LP solved in ${report.solver.seconds.toFixed(2)} s`);
  console.log(`plan: filled ${report.totals.filled} of ${report.totals.quota} (${n} assignments written)`);
  const { selectSeconds, solveAndRankSeconds } = report.timing;
  console.log(`phases: select ${selectSeconds.toFixed(2)} s, solve + rank ${solveAndRankSeconds.toFixed(2)} s, write ${(run.seconds - selectSeconds - solveAndRankSeconds).toFixed(2)} s`);
  console.log(`end-to-end (select, solve, write): ${run.seconds.toFixed(2)} s (goal <= 10 s)`);
  console.log(`objective: ${report.totals.objective} (travel ${report.totals.travelKm} km + priority ${report.totals.priorityPenalty})`);
  console.log(`greedy first-come: filled ${greedy.filled}, objective ${greedy.objective} (travel ${greedy.travelKm} km + priority ${greedy.priorityPenalty})`);
  console.log(`ratio plan / greedy objective: ${(report.totals.objective / greedy.objective).toFixed(3)}`);
} finally {
  await scratch.drop();
}
