import { parentPort, workerData } from 'node:worker_threads';
import { seededRng } from '../../kernel/rng.ts';
import { simulate } from './engine.ts';
import { compileScenario } from './params.ts';
import type { Population } from './population.ts';
import type { Scenario } from './scenario.ts';
import { runSeed } from './montecarlo.ts';

/** Runs the Monte Carlo runs it is given over the shared population and posts each result as it finishes. */
const { population, scenario, seed, runs } = workerData as { population: Population; scenario: Scenario; seed: string | number; runs: number[] };
const compiled = compileScenario(scenario, population);
for (const k of runs) {
  const r = simulate(population, compiled, seededRng(runSeed(seed, k)));
  const transfer = [r.series, r.byAgency, r.byRegion, r.states, r.timeTo, r.stageHours].map((a) => a.buffer as ArrayBuffer);
  parentPort?.postMessage({ k, r }, transfer);
}
