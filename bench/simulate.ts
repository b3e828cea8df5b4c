/**
 * Figures (issue: mobilization simulation):
 * 1. one run of 1,000,000 reservists over 72 simulated hours — goal ≤ 5 s on one core;
 * 2. 100 Monte Carlo runs of 100,000 on worker threads, against the same runs on one thread: the speed-up.
 * The scenario is the four-tier preset (examples/scenarios/kz-four-tier.yaml) with its order and every capacity
 * scaled up to the population, on the seeded registry planned by the call-up LP. Wall time on this shared 2-core
 * machine moves with other people's load, so each figure also gives the CPU seconds the process used (all threads).
 * Options: --persons N (1,000,000) --runs R (3 timed runs of the million) --mc-persons N (100,000) --mc-runs R (100);
 * --only one | mc runs one of the two.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { seededRng } from '../src/kernel/rng.ts';
import { compileScenario, prepareScenario, readScenarioFile, runMonteCarlo, simulate, type LoadedScenario } from '../src/modules/simulation/index.ts';
import { arg, selfCpuSeconds } from './lib.ts';

const PERSONS = arg('persons', 1_000_000);
const RUNS = arg('runs', 3);
const MC_PERSONS = arg('mc-persons', 100_000);
const MC_RUNS = arg('mc-runs', 100);
const GOAL_S = 5;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

/** The four-tier preset (10,000 places) scaled to `people`: quotas, channel throughput, couriers, points, stockpiles. */
function scaled(people: number): LoadedScenario {
  const loaded = readScenarioFile(new URL('../examples/scenarios/kz-four-tier.yaml', import.meta.url).pathname);
  const k = people / 10_000;
  const s = structuredClone(loaded.scenario);
  s.channels.sms.per_hour *= k;
  s.channels.egov.per_hour *= k;
  s.channels.paper.per_day *= k;
  s.assembly.per_day *= k;
  s.assembly.resupply_per_day *= k;
  if (s.assembly.stockpile !== null) s.assembly.stockpile = Math.round(s.assembly.stockpile * k);
  for (const p of Object.values(s.assembly.points)) if (typeof p.stockpile === 'number') p.stockpile = Math.round(p.stockpile * k);
  // 200,000 seeded persons give about 18,500 eligible reservists; each stands for enough people to fill the order.
  s.population = { source: 'seeded', persons: 200_000, seed: 42, replicate: Math.ceil((people / 18_000) * 1.6) };
  s.oversummon = 1;
  // 1 % over, because a few specialties' pools run short and the plan fills a little less than the order.
  const order = { ...loaded.order, quotas: loaded.order.quotas.map((q) => ({ ...q, count: Math.round(q.count * k * 1.01) })) };
  return { ...loaded, scenario: s, order };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const wall = () => performance.now() / 1000;

console.log(`machine: ${cpus().length} CPUs (${availableParallelism()} usable), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

// 1. One run of a million.
if (only !== 'mc') {
  const loaded = scaled(PERSONS);
  const t0 = wall();
  const { population } = await prepareScenario(loaded);
  console.log(`population: ${population.n} summoned (seeded registry planned by the LP) in ${(wall() - t0).toFixed(1)} s — not part of the figure`);
  const compiled = compileScenario(loaded.scenario, population);
  const walls: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const c0 = selfCpuSeconds();
    const w0 = wall();
    const r = simulate(population, compiled, seededRng(k));
    walls.push(wall() - w0);
    cpu.push(selfCpuSeconds() - c0);
    const reported = r.states[r.states.length - 1];
    console.log(`  run ${k + 1}: ${walls[k]!.toFixed(2)} s wall, ${cpu[k]!.toFixed(2)} s CPU; ${reported} reported of ${population.n} at hour ${r.hours}`);
  }
  const w = median(walls);
  console.log(`FIGURE 1: ${population.n} reservists × ${loaded.scenario.horizon_h} h, one run: median ${w.toFixed(2)} s wall (${median(cpu).toFixed(2)} s CPU) — goal ≤ ${GOAL_S} s, ratio ${(w / GOAL_S).toFixed(2)}`);
}

// 2. Monte Carlo: the same runs on one thread and on every core.
if (only !== 'one') {
  const loaded = scaled(MC_PERSONS);
  const { population } = await prepareScenario(loaded);
  const threads = availableParallelism();
  const timed = async (n: number) => {
    const c0 = selfCpuSeconds();
    const w0 = wall();
    await runMonteCarlo(population, loaded.scenario, { runs: MC_RUNS, seed: 'bench', threads: n });
    return { wall: wall() - w0, cpu: selfCpuSeconds() - c0 };
  };
  const one = await timed(1);
  const many = await timed(threads);
  console.log(`  ${MC_RUNS} runs of ${population.n}: 1 thread ${one.wall.toFixed(1)} s wall (${one.cpu.toFixed(1)} s CPU); ${threads} worker threads ${many.wall.toFixed(1)} s wall (${many.cpu.toFixed(1)} s CPU)`);
  console.log(
    `FIGURE 2: speed-up over one thread ×${(one.wall / many.wall).toFixed(2)} on ${threads} threads — the ceiling is ×${threads} on this ${cpus().length}-core machine, ` +
      `and only if the cores are free: the runs got ${(one.cpu / one.wall).toFixed(2)} core(s) on one thread and ${(many.cpu / many.wall).toFixed(2)} on ${threads}. ` +
      `CPU per run ${((one.cpu / MC_RUNS) * 1000).toFixed(0)} ms on one thread, ${((many.cpu / MC_RUNS) * 1000).toFixed(0)} ms on ${threads} (the threads add ${(((many.cpu - one.cpu) / one.cpu) * 100).toFixed(0)} % work), ` +
      `so with free cores the speed-up would be ×${((threads * one.cpu) / many.cpu).toFixed(2)}`,
  );
}
