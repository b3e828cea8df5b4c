import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { seededRng } from '../../kernel/rng.ts';
import { runSeed } from './draws.ts';
import { simulate } from './engine.ts';
import type { RunResult } from './outcome.ts';
import { compileScenario } from './params.ts';
import { sharePopulation, type Population } from './population.ts';
import type { Scenario } from './scenario.ts';

export { runSeed };

export interface MonteCarloOptions {
  runs: number;
  seed: string | number;
  /** Worker threads; 1 runs in this thread. Default: the machine's parallelism, at most the number of runs. */
  threads?: number;
  onRun?: (done: number, total: number) => void;
}

/** Threads a Monte Carlo of `runs` runs uses when asked for `threads` (default: the machine's parallelism). */
export function threadsFor(runs: number, threads?: number): number {
  return Math.max(1, Math.min(threads ?? availableParallelism(), runs));
}

/** Runs the scenario `runs` times with independent seeds; results come back in run order. */
export async function runMonteCarlo(pop: Population, scenario: Scenario, opts: MonteCarloOptions): Promise<RunResult[]> {
  const threads = threadsFor(opts.runs, opts.threads);
  const results: RunResult[] = new Array(opts.runs);
  let done = 0;
  const compiled = compileScenario(scenario, pop);
  if (threads === 1) {
    for (let k = 0; k < opts.runs; k++) {
      results[k] = simulate(pop, compiled, seededRng(runSeed(opts.seed, k)));
      opts.onRun?.(++done, opts.runs);
      // Lets a progress bar or a signal through between runs.
      await new Promise((r) => setImmediate(r));
    }
    return results;
  }
  const shared = sharePopulation(pop);
  await Promise.all(
    Array.from({ length: threads }, (_, w) => {
      const runs = Array.from({ length: opts.runs }, (_, k) => k).filter((k) => k % threads === w);
      const worker = new Worker(new URL('./mc-worker.mjs', import.meta.url), { workerData: { population: shared, compiled, seed: opts.seed, runs } });
      return new Promise<void>((resolve, reject) => {
        let received = 0;
        worker.on('message', (m: { k: number; r: RunResult }) => {
          results[m.k] = m.r;
          opts.onRun?.(++done, opts.runs);
          if (++received === runs.length) void worker.terminate().then(() => resolve());
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (received < runs.length) reject(new Error(`simulation worker ${w} exited with code ${code} after ${received} of ${runs.length} runs`));
        });
      });
    }),
  );
  return results;
}
