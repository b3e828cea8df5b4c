import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/kernel/clock.ts';
import { makeBin } from '../src/modules/registry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople } from './helpers/summons.ts';
import { runCli } from './helpers/cli.ts';

const EXAMPLE = new URL('../examples/civil/nurses-almaty.yaml', import.meta.url).pathname;
const employer = makeBin('0611', 4, 0, 9) as string;
const nurses = [1, 2, 3].map((i) => person(700 + i, { region: 'KZ-75', sector: 'health', occupation: 'медицинская сестра', employer_bin: employer }));
let t: TestDatabase;

const run = (args: string[], actor: string) => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

async function count(sql: string): Promise<number> {
  const db = await t.open();
  try {
    return Number((await db.query<{ n: number }>(sql))[0]?.n);
  } finally {
    await db.close();
  }
}

before(async () => {
  t = await createTestDatabase();
  const db = await t.open();
  await addPeople(db, fixedClock('2026-11-23T06:00:00Z'), nurses);
  await db.close();
});
after(async () => t.drop());

test('mobilize civil: the example task created, planned with its shortfall, approved by a second user; a reservation list imported all or nothing', { timeout: 300_000 }, async () => {
  assert.equal((await run(['civil', 'task', 'create', EXAMPLE], 'author')).code, 0);
  const planned = await run(['civil', 'task', 'plan', 'nurses-almaty'], 'author');
  assert.equal(planned.code, 0, planned.err);
  assert.match(planned.out, /медицинская сестра: 3 of 120 assigned, short 117/);
  assert.match(planned.out, /фельдшер: 0 of 20 assigned, short 20 — 20 of 20 places unfilled: no eligible people with specialty фельдшер/);
  const self = await run(['civil', 'task', 'approve', 'nurses-almaty'], 'author');
  assert.equal(self.code, 2);
  assert.match(self.err, /CIVIL_SELF_APPROVAL/);
  assert.match((await run(['civil', 'task', 'approve', 'nurses-almaty'], 'second')).out, /\[approved\]/);

  const dir = mkdtempSync(join(tmpdir(), 'mobilize-civil-'));
  const header = 'iin,requester_kind,requester,list_name,reason,valid_from,valid_to';
  const good = (iin: string) => `${iin},organisation,${employer},clinic,хирургическая медсестра,2026-11-23,2027-11-22`;
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, [header, good((nurses[0] as { iin: string }).iin), `${(nurses[1] as { iin: string }).iin},organisation,${employer},clinic,хирургическая медсестра,2027-11-23,2026-11-22`].join('\n'));
  const refused = await run(['civil', 'reserve', 'import', bad], 'hr');
  assert.equal(refused.code, 2);
  assert.match(refused.err, /CIVIL_IMPORT_INVALID: The reservation list has 1 problem\(s\); nothing was written:\n {2}line 3: valid_to: is before valid_from 2027-11-23/);
  assert.equal(await count('SELECT count(*)::int AS n FROM civil_reservations'), 0);

  const ok = join(dir, 'ok.csv');
  writeFileSync(ok, [header, ...nurses.map((n) => good(n.iin))].join('\n'));
  const imported = await run(['civil', 'reserve', 'import', ok], 'hr');
  assert.match(imported.out, /3 reservations imported as pending/);
  const ids = /approve them: mobilize civil reserve approve ([\d ]+)/.exec(imported.out)?.[1]?.split(' ') as string[];
  const approved = await run(['civil', 'reserve', 'approve', ...ids], 'officer');
  assert.equal(approved.code, 0, approved.err);
  assert.equal((await run(['civil', 'reserve', 'list', '--status', 'approved'], 'officer')).out.trim().split('\n').length, 3);
});
