import { parentPort, workerData } from 'node:worker_threads';
import { seededRng } from '../../kernel/rng.ts';
import { runSeed } from './draws.ts';
import { simulate } from './engine.ts';
import type { Compiled } from './params.ts';
import type { Population } from './population.ts';

/**
 * Runs the Monte Carlo runs it is given over the shared population and posts each result as it finishes. It gets
 * the scenario already compiled (plain data), so it loads only the engine, not the modules that compile it.
 */
const { population, compiled, seed, runs } = workerData as { population: Population; compiled: Compiled; seed: string | number; runs: number[] };
for (const k of runs) {
  const r = simulate(population, compiled, seededRng(runSeed(seed, k)));
  const transfer = [r.series, r.byAgency, r.byRegion, r.states, r.timeTo, r.stageHours].map((a) => a.buffer as ArrayBuffer);
  parentPort?.postMessage({ k, r }, transfer);
}
