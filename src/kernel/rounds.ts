/** How a long-running worker reports a step that failed and will be tried again. */
export type ErrorReporter = (what: string, e: Error) => void;

/** The default reporter: a line on stderr, named by the worker it comes from. */
export const stderrReporter = (worker: string): ErrorReporter => (what, e) => console.error(`${worker}: ${what}: ${e.message}`);

/** Waits after the n-th failure in a row: `first` doubled each time, at most `max`. */
export function backoff(n: number, first: number, max: number): number {
  return Math.min(first * 2 ** Math.max(0, n - 1), max);
}

export interface RoundsOptions {
  /** Idle wait between rounds when a round found nothing to do. */
  pollMs: number;
  /** Longest wait after failures in a row (the wait starts at pollMs and doubles). */
  maxRetryMs: number;
  onError: ErrorReporter;
}

/**
 * The rounds of a long-running worker (dispatchers): `loop(name, round)` runs `round` until `stop()`; a round
 * returning 0 (nothing to do) is followed by pollMs of idle, a round that throws is reported and followed by a growing
 * pause, and the loop goes on. `pause` is a wait that `stop` cuts short (and that is at most pollMs once stopping).
 */
export class Rounds {
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  constructor(readonly opts: RoundsOptions) {}

  get stopping(): boolean {
    return this.stopped;
  }

  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, this.stopped ? Math.min(ms, this.opts.pollMs) : ms);
      this.wakers.add(wake);
    });
  }

  async loop(name: string, round: () => Promise<number>): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let busy = 0;
      try {
        busy = await round();
        failures = 0;
      } catch (e) {
        failures++;
        this.opts.onError(`${name} round failed (${failures} in a row)`, e as Error);
      }
      if (busy === 0 && !this.stopped) await this.pause(failures > 0 ? backoff(failures, this.opts.pollMs, this.opts.maxRetryMs) : this.opts.pollMs);
    }
  }

  /** Ends every loop after its current round and wakes those pausing. */
  stop(): void {
    this.stopped = true;
    for (const w of [...this.wakers]) w();
  }
}
