/**
 * An open-loop load at a steady rate, as wrk2 makes it: request i is due at start + i / rate whether or not earlier
 * ones have been answered, and its latency runs from when it was due, so a stalled server is charged for the
 * requests it held up (no coordinated omission). autocannon's rate limit instead lets each connection send its
 * share of the second back to back at the top of every second, which measures latency under that burst.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests answered per second over the run, from the first due time to the last answer. */
  rate: number;
  p50: number;
  p99: number;
  max: number;
}

export async function pacedLoad(opts: { url: string; rate: number; seconds: number; connections: number; headers: (i: number) => Record<string, string> }): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.seconds);
  const latencies = new Float64Array(total);
  const target = new URL(opts.url);
  let ok = 0;
  let failed = 0;
  let answered = 0;
  const start = performance.now() + 10;
  let lastAnswer = start;
  await new Promise<void>((resolve) => {
    let next = 0;
    const send = (i: number) => {
      const due = start + (i * 1000) / opts.rate;
      const finish = (good: boolean) => {
        const end = performance.now();
        latencies[i] = end - due;
        lastAnswer = Math.max(lastAnswer, end);
        if (good) ok++;
        else failed++;
        if (++answered === total) resolve();
      };
      request(target, { agent, headers: opts.headers(i) }, (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode === 200));
      })
        .on('error', () => finish(false))
        .end();
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / opts.rate <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, start + (next * 1000) / opts.rate - performance.now()));
    };
    setTimeout(tick, 10);
  });
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0).toFixed(1));
  return { sent: total, ok, failed, rate: Math.round((answered * 1000) / (lastAnswer - start)), p50: at(0.5), p99: at(0.99), max: at(1) };
}
