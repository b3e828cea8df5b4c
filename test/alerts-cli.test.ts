import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCap, validateCap } from '../src/modules/alerts/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';

const EXAMPLES = new URL('../examples/alerts/', import.meta.url).pathname;
let t: TestDatabase;

const run = (args: string[], actor: string) => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

before(async () => {
  t = await createTestDatabase();
  await (await t.open()).close();
});
after(async () => {
  await t.drop();
});

test('mobilize alert: the example composed, self-approval refused, a second user approves and publishes, the all-clear drafted; the CAP printed is valid and the validator refuses a Z time', { timeout: 300_000 }, async () => {
  const composed = await run(['alert', 'compose', join(EXAMPLES, 'flood-almaty.yaml'), '--expires-hours', '24'], 'author');
  assert.equal(composed.code, 0, composed.err);
  const id = /alert #(\d+) drafted/.exec(composed.out)?.[1] as string;
  assert.ok(id, composed.out);
  const self = await run(['alert', 'approve', id], 'author');
  assert.equal(self.code, 2);
  assert.match(self.err, /ALERT_SELF_APPROVAL: cli:author wrote this Actual alert message and cannot approve it/);
  assert.equal((await run(['alert', 'approve', id, '--seen', '1'], 'second')).code, 0);
  const published = await run(['alert', 'publish', id], 'second');
  assert.equal(published.code, 0, published.err);
  assert.match(published.out, /published as \S+\.1: 0 SMS and 1 cell broadcast\(s\) queued/);
  // Each run starts the embedded database (seconds on a busy machine), so the follow-ups are left to the API test.
  assert.equal((await run(['alert', 'all-clear', id, join(EXAMPLES, 'all-clear.yaml')], 'author')).code, 0);

  const cap = await run(['alert', 'show', id, '--cap', '1'], 'reader');
  assert.ok(validateCap(cap.out).valid, cap.out.slice(0, 500));
  const parsed = parseCap(cap.out);
  assert.deepEqual([parsed.msgType, parsed.info.map((i) => i.language), parsed.info[0]?.area[0]?.areaDesc], ['Alert', ['kk-KZ', 'ru-RU', 'en-US'], 'Алматы']);
  assert.match(parsed.info[0]?.expires ?? '', /\+05:00$/);
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-cap-'));
  writeFileSync(join(dir, 'ok.xml'), cap.out);
  writeFileSync(join(dir, 'zulu.xml'), cap.out.replace(/<sent>[^<]+<\/sent>/, '<sent>2026-11-23T06:00:00Z</sent>'));
  const v = await run(['alert', 'validate', join(dir, 'ok.xml'), join(dir, 'zulu.xml')], 'reader');
  assert.equal(v.code, 1);
  assert.match(v.out, /ok\.xml: valid CAP 1\.2/);
  assert.match(v.out, /zulu\.xml: INVALID\n.*sent.*pattern/);
  const shown = await run(['alert', 'show', id], 'reader');
  assert.match(shown.out, /PUBLISHED \(all_clear drafted, version 4\)/);
  assert.match(shown.out, /1\. Alert \S+\.1 sent .*\+05:00/);
  assert.match(shown.out, /2\. \S+ approve by cli:second/);
});
