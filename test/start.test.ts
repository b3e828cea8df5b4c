import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './helpers/db.ts';

const BIN = new URL('../bin/mobilize.js', import.meta.url).pathname;

test('`mobilize start` seeds an empty database, prints demo users that can sign in, and serves the API with its simulators', async () => {
  const t = await createTestDatabase();
  const side = mkdtempSync(join(tmpdir(), 'mobilize-start-'));
  // On PostgreSQL the demo credentials file still goes beside a data directory of the test's own.
  const env = { ...process.env, ...t.env, ...(t.env.MOBILIZE_DATA ? {} : { MOBILIZE_DATA: join(side, 'data') }) };
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--demo-persons', '400', '--seed', '3'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line in:\n${out}\n${err}`)), 120_000);
      const check = () => {
        const m = /running on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (m && /try: /.test(out)) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}\n${err}`)));
    });
    assert.match(err, /seeding a demo registry of 400 persons/);
    assert.match(out, /SMSC simulator on 127\.0\.0\.1:\d+; e-Gov simulator on http/);
    const coordinator = /^\s+coordinator\s+(\S+)\s+national_coordinator/m.exec(out);
    assert.ok(coordinator, out);
    for (const role of ['regional_officer KZ-75', 'internal_affairs', 'auditor']) assert.match(out, new RegExp(role));

    const health = await fetch(`${address}/healthz`);
    assert.equal(health.status, 200);
    const login = await fetch(`${address}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'coordinator', password: coordinator[1] }) });
    assert.equal(login.status, 201);
    const { token } = (await login.json()) as { token: string };
    const me = await fetch(`${address}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(((await me.json()) as { role: string }).role, 'national_coordinator');
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    await t.drop();
    rmSync(side, { recursive: true, force: true });
  }
  assert.equal(child.exitCode, 0, err);
});
