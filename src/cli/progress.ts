import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A bar with rows/s on a terminal; elsewhere (CI, pipes) a plain line at most once a second, so logs stay readable
 * and a watcher can see how far a run got.
 */
export function progress(label: string, total: number, unit = 'rows'): Progress {
  const started = Date.now();
  const rate = (done: number) => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} ${unit}/s | {info}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0, info: '' });
    return {
      update: (done, payload = {}) => bar.update(Math.min(done, total), { rate: rate(done), info: '', ...payload }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, payload = {}) {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      const extra = Object.entries(payload).map(([k, v]) => ` ${k}=${v}`).join('');
      process.stderr.write(`${label}: ${done}/${total} ${unit}, ${rate(done)} ${unit}/s${extra}\n`);
    },
    stop: () => {},
  };
}
