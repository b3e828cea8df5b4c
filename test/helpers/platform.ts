import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './db.ts';

const BIN = new URL('../../bin/mobilize.js', import.meta.url).pathname;

export interface Platform {
  address: string;
  /** Demo user name → password, as `mobilize start` printed them. */
  passwords: Map<string, string>;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * `mobilize start` as a user runs it, on a fresh database of the test's own, with the demo users it prints. Extra
 * arguments go after `start` (e.g. --smsc to send through a simulator the test holds).
 */
export async function startPlatform(args: string[]): Promise<Platform> {
  const t: TestDatabase = await createTestDatabase();
  const side = mkdtempSync(join(tmpdir(), 'mobilize-platform-'));
  const env = { ...process.env, ...t.env, ...(t.env.MOBILIZE_DATA ? {} : { MOBILIZE_DATA: join(side, 'data') }) };
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await t.drop();
    rmSync(side, { recursive: true, force: true });
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line within 180 s:\n${out}\n${err}`)), 180_000);
      const check = () => {
        const m = /running on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (m && /try: /.test(out)) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mobilize start exited ${code}:\n${out}\n${err}`));
      });
    });
    const passwords = new Map([...out.matchAll(/^\s{4}(\S+)\s+(demo-\S+)\s/gm)].map((m) => [m[1] as string, m[2] as string]));
    return {
      address,
      passwords,
      output: () => `${out}\n${err}`,
      stop: async () => {
        await cleanup();
        return child.exitCode;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
