import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { SmppClient } from '../src/modules/sms/index.ts';

const BIN = new URL('../bin/mobilize.js', import.meta.url).pathname;

test('`mobilize smsc-sim` serves SMPP on the port it prints, logs each message with its fate, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'smsc-sim', '--port', '0', '--fail', '1', '--seed', '9'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${out}`)), 15_000);
    child.stdout.on('data', () => {
      const m = out.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const client = await SmppClient.open({ host: '127.0.0.1', port, systemId: 'cli', password: 'x', sourceAddr: 'MOBILIZE', channel: { name: 'live', exercise: false } });
  const r = await client.send({ to: '+77011234567', text: 'Повестка', exercise: false });
  const receipts = await client.waitForReceipts(r.messageIds, 3000);
  assert.equal(receipts.get(r.messageIds[0] as string)?.status, 'undeliverable', '--fail 1 fails every message');
  await client.close();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.match(out, /cli MOBILIZE → 77011234567 \[1 part\(s\): undeliverable\] Повестка/);
  assert.match(out, /stopped after 1 submit_sm, 1 message/);
});

test('`mobilize smsc-sim` refuses a share outside 0–1 with a clear error and exit code 2', () => {
  const r = spawnSync(process.execPath, [BIN, 'smsc-sim', '--drop', '1.5'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /CLI_BAD_OPTION: --drop must be a share between 0 and 1, not "1.5"/);
});
