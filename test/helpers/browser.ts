import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/api/app.ts';
import type { Db } from '../../src/db/client.ts';
import type { Clock } from '../../src/kernel/clock.ts';
import { PASSWORD } from './staff.ts';

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

/** Screenshots go to a temporary folder; MOBILIZE_SCREENSHOTS=docs/screenshots refreshes the ones the README shows. */
export const SHOTS = process.env.MOBILIZE_SCREENSHOTS ?? join(tmpdir(), 'mobilize-screenshots');

/**
 * What every web test starts with: the browser (null when skipped, as launchBrowser), the web UI built and the
 * screenshots folder made. The build comes after the launch so that a skipped test builds nothing.
 */
export async function launchWebBrowser(t: TestContext): Promise<Browser | null> {
  const browser = await launchBrowser(t);
  if (!browser) return null;
  ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  return browser;
}

/**
 * A page in a fresh English context (tests switch language through the UI, as a user does) and the uncaught errors
 * of the page, which every test asserts are none at its end. The caller closes the context.
 */
export async function openPage(browser: Browser, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({ locale: 'en-GB', viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, page, pageErrors };
}

/**
 * Signs a member of staff in through the sign-in form shown at `path` (where they land afterwards) and waits until the
 * header names them. The password is the test accounts' one unless given (the demo users of `mobilize start` have their own).
 */
export async function signIn(page: Page, address: string, username: string, { path = '/', password = PASSWORD }: { path?: string; password?: string } = {}): Promise<void> {
  await page.goto(`${address}${path}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
  await page.getByTestId('who').waitFor();
}

/**
 * The API and UI on `db` served on a free loopback port, and a page to use them; `close` closes the page's context,
 * the browser, the server and the database, in that order (the browser tests' whole teardown).
 */
export async function openApp(browser: Browser, db: Db, clock: Clock, viewport: { width: number; height: number }): Promise<{ address: string; page: Page; pageErrors: string[]; close(): Promise<void> }> {
  const app = await buildApp({ db, clock });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const { context, page, pageErrors } = await openPage(browser, viewport);
  return {
    address, page, pageErrors,
    close: async () => {
      await context.close();
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}
