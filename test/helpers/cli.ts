import { execFile } from 'node:child_process';

/** The `mobilize` command as installed by npm (bin/mobilize.js). */
export const BIN = new URL('../../bin/mobilize.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `mobilize ARGS` in a process of its own with these variables on top of the test's environment. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 24 }, (e, out, err) => {
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}
