import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (installed by .ci/run), or MOBILIZE_CHROMIUM; playwright-core never downloads a browser of its own. */
export const CHROMIUM = process.env.MOBILIZE_CHROMIUM || '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/**
 * The browser for end-to-end tests, or null after marking the test skipped when chromium is not installed — except
 * under CI=1, where a missing browser is a failure (CI installs it). launch() gives each run a fresh temporary
 * profile (user-data dir) of its own, removed when the browser closes.
 */
export async function launchBrowser(t: TestContext): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI installs Debian's chromium (.ci/run APT_PACKAGES)`);
    t.skip(`${CHROMIUM} is not installed; \`bash .ci/run --system-packages\` installs it`);
    return null;
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

const WEB = new URL('../../web/', import.meta.url).pathname;

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the web UI (npm run build:web) unless web/dist is newer than every source file of it. */
export function ensureWebBuilt(): void {
  const built = join(WEB, 'dist', 'index.html');
  const sources = Math.max(newest(join(WEB, 'src')), newest(join(WEB, 'public')), statSync(join(WEB, 'index.html')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const r = spawnSync('npm', ['run', 'build:web'], { cwd: join(WEB, '..'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build:web failed:\n${r.stdout}\n${r.stderr}`);
}
