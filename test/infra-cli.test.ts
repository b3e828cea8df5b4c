import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/kernel/clock.ts';
import { makeIin } from '../src/modules/registry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople } from './helpers/summons.ts';
import { BIN, runCli } from './helpers/cli.ts';

const EXAMPLES = new URL('../examples/infrastructure/', import.meta.url).pathname;
let t: TestDatabase;

const run = (args: string[]) => runCli(args, { ...t.env, MOBILIZE_ACTOR: 'operator' });

before(async () => {
  t = await createTestDatabase();
  const db = await t.open();
  const coder = (n: number, last: string) => person(n, { iin: makeIin('1991-06-0' + n, 'M', n) as string, birth_date: `1991-06-0${n}`, sex: 'M', region: 'KZ-75', sector: 'cyber', occupation: 'инженер-программист', last_name: last });
  await addPeople(db, fixedClock('2026-11-23T06:00:00Z'), [coder(1, 'Абенов'), coder(2, 'Бекова')]);
  await db.close();
});
after(async () => {
  await t.drop();
});

test('mobilize infra: a bad CSV is refused line by line with nothing written; the example file and CSV load; a unit is formed; an incident runs its course', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-infra-'));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'code,name,kind,region,district,operator_bin,criticality,lat,lon\nKZ-75-A1,Узел,telecom,KZ-75,,980540020014,1,,\nKZ-75-A2,Узел,telecom,KZ-75,,980540020015,1,,\nKZ-75-A3,Узел,rocket,KZ-75,,980540020014,1,,\n');
  const refused = await run(['infra', 'object', 'import', bad]);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /bad\.csv:3: operator_bin: BIN wrong check digit/);
  assert.match(refused.err, /bad\.csv:4: kind: /);
  assert.match(refused.err, /INFRA_IMPORT_INVALID: nothing imported; 2 problem/);

  assert.equal((await run(['infra', 'object', 'add', join(EXAMPLES, 'object.yaml')])).code, 0);
  const imported = await run(['infra', 'object', 'import', join(EXAMPLES, 'objects.csv')]);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /imported 5 objects/);
  const listed = await run(['infra', 'object', 'list', '--json']);
  assert.deepEqual((JSON.parse(listed.out) as { code: string }[]).map((o) => o.code), ['KZ-23-MN-1', 'KZ-35-PS-500', 'KZ-55-TEC-1', 'KZ-71-RW-1', 'KZ-75-TEL-2', 'KZ-79-VZ-1']);
  const tel = (JSON.parse(listed.out) as { id: number; code: string }[]).find((o) => o.code === 'KZ-75-TEL-2')?.id as number;

  const formed = await run(['infra', 'cyber-unit', 'form', '--region', 'KZ-75', '--name', 'Киберрезерв Алматы', '--size', '5', '--apply']);
  assert.equal(formed.code, 0, formed.err);
  assert.match(formed.out, /unit #\d+ CYB-KZ-75-01 formed with 2 of 5/);
  const member = /^(\d{12})\t/m.exec(formed.out)?.[1] as string;
  const noReason = await run(['infra', 'cyber-unit', 'remove-member', 'CYB-KZ-75-01', '--iin', member]);
  assert.equal(noReason.code, 1, 'commander refuses a missing --reason');
  const left = await run(['infra', 'cyber-unit', 'remove-member', 'CYB-KZ-75-01', '--iin', member, '--reason', 'переехал']);
  assert.equal(left.code, 0, left.err);
  assert.equal(left.out, `${member} left CYB-KZ-75-01 (1 of 5)\n`);

  const opened = await run(['infra', 'incident', 'open', '--object', String(tel), '--kind', 'cyber', '--severity', 'high', '--title', 'Сканирование портов', '--reported-at', '2026-11-23T10:15:00+05:00', '--responding', 'CYB-KZ-75-01']);
  assert.equal(opened.code, 0, opened.err);
  assert.match(opened.out, /^#(\d+) 2026-11-23T10:15:00\+05:00 KZ-75 cyber\/high \[open\] Сканирование портов — KZ-75-TEL-2 .* responding CYB-KZ-75-01/);
  const id = /^#(\d+)/.exec(opened.out)?.[1] as string;
  const early = await run(['infra', 'incident', 'resolve', id]);
  assert.equal(early.code, 2);
  assert.match(early.err, /INFRA_BAD_TRANSITION/);
  assert.match((await run(['infra', 'incident', 'contain', id, '--note', 'адреса заблокированы'])).out, /\[contained\]/);
  const shown = await run(['infra', 'incident', 'show', id]);
  assert.match(shown.out, /1\. \S+\+05:00 open unit #\d+ by cli:operator\n {2}2\. \S+\+05:00 contain by cli:operator — адреса заблокированы/);
});
