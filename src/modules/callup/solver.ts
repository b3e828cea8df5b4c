import { Worker } from 'node:worker_threads';
import { DomainError } from '../../kernel/errors.ts';
import { flowsFromSolution, toLpModel, type TransportProblem } from './transport.ts';

export interface TransportSolution {
  flows: number[];
  /** The LP's objective including the shortfall penalty. */
  lpObjective: number;
}

/** Solves the transport LP with HiGHS in a worker thread, so a large solve never blocks the event loop. */
export async function solveTransport(p: TransportProblem): Promise<TransportSolution> {
  if (p.arcs.length === 0) return { flows: [], lpObjective: 0 };
  const model = toLpModel(p);
  const worker = new Worker(new URL('./lp-worker.mjs', import.meta.url), { workerData: { model } });
  const result = await new Promise<{ optimal: boolean; status: number; objective: number | null; colValue: Float64Array | null }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`LP worker exited with code ${code} before answering`)));
  });
  await worker.terminate();
  if (!result.optimal || !result.colValue) {
    // Never infeasible by construction (every place may stay unfilled), so anything else is a solver failure.
    throw new DomainError('CALLUP_SOLVER_FAILED', `HiGHS did not find an optimal plan (model status ${result.status}).`);
  }
  return { flows: flowsFromSolution(p, result.colValue), lpObjective: result.objective as number };
}
