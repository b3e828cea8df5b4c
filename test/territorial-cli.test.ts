import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/kernel/clock.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { person } from './helpers/persons.ts';
import { addPeople } from './helpers/summons.ts';
import { runCli } from './helpers/cli.ts';

const EXAMPLES = new URL('../examples/td/', import.meta.url).pathname;
let t: TestDatabase;
const volunteers = [301, 302, 303, 304].map((n) => person(n, { region: 'KZ-71', district: n === 304 ? 'KZ-71-D02' : 'KZ-71-D01', volunteer: true }));

const run = (args: string[], actor: string) => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

before(async () => {
  t = await createTestDatabase();
  const db = await t.open();
  await addPeople(db, fixedClock('2026-11-23T06:00:00Z'), volunteers);
  await db.close();
});
after(async () => {
  await t.drop();
});

test('mobilize td: the examples raise and fill a unit, a plan is checked, refused to its author and approved by a second person with a reason', { timeout: 300_000 }, async () => {
  const unit = await run(['td', 'unit-create', join(EXAMPLES, 'unit.yaml')], 'planner');
  assert.equal(unit.code, 0, unit.err);
  const id = /unit #(\d+)/.exec(unit.out)?.[1] as string;
  const fill = await run(['td', 'fill', id, '--apply'], 'planner');
  assert.equal(fill.code, 0, fill.err);
  // Target 3: the three district volunteers by IIN; the D02 volunteer stays out.
  const district = volunteers.slice(0, 3).map((v) => v.iin).sort();
  assert.deepEqual([...fill.out.matchAll(/^(\d{12}) district/gm)].map((m) => m[1]), district);
  assert.match(fill.out, /3 of 3 open places filled/);

  const dir = mkdtempSync(join(tmpdir(), 'mobilize-td-'));
  const bad = join(dir, 'bad-shelter.yaml');
  writeFileSync(bad, 'name: Gym\nregion: KZ-71\ndistrict: KZ-71-D03\ncapacity: lots\n');
  const refused = await run(['td', 'shelter-add', bad], 'planner');
  assert.equal(refused.code, 2);
  assert.match(refused.err, /TD_BAD_INPUT: \S*bad-shelter\.yaml:4 capacity: /);
  assert.equal((await run(['td', 'shelters'], 'planner')).out, '', 'nothing written');
  assert.equal((await run(['td', 'shelter-add', join(EXAMPLES, 'shelter.yaml')], 'planner')).code, 0);
  assert.equal((await run(['td', 'transport-add', join(EXAMPLES, 'transport.yaml')], 'planner')).code, 0);

  const plan = await run(['td', 'plan-create', join(EXAMPLES, 'evacuation-plan.yaml')], 'planner');
  assert.equal(plan.code, 0, plan.err);
  // Astana 1,529,000 shared by 3:1 between D01 and D02 gives D02 382,250; 20 × 45 × 6 = 5,400 seat-trips; 800 places.
  assert.match(plan.out, /people to move 382250/);
  assert.match(plan.out, /shelter places 800\s+shortfall 381450/);
  assert.match(plan.out, /seat-trips\s+5400\s+shortfall 376850/);
  const planId = /plan #(\d+)/.exec(plan.out)?.[1] as string;
  const self = await run(['td', 'plan-approve', planId, '--accept-shortfall', 'x'], 'planner');
  assert.match(self.err, /TD_SELF_APPROVAL/);
  const noReason = await run(['td', 'plan-approve', planId], 'second');
  assert.match(noReason.err, /TD_PLAN_INFEASIBLE/);
  const ok = await run(['td', 'plan-approve', planId, '--accept-shortfall', 'first wave only'], 'second');
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /\[approved by cli:second\].*\n(.*\n)*.*shortfall accepted: first wave only/);

  const objectFile = join(dir, 'object.yaml');
  writeFileSync(objectFile, 'code: KZ-71-TEC-9\nname: ТЭЦ-9\nkind: energy\nregion: KZ-71\noperatorBin: "980540020014"\ncriticality: 1\n');
  const object = await run(['infra', 'object', 'add', objectFile], 'planner');
  assert.equal(object.code, 0, object.err);
  const objectId = /object #(\d+)/.exec(object.out)?.[1] as string;
  assert.equal((await run(['td', 'guard', id, '--object', objectId, '--shift', '2'], 'planner')).code, 0);
  const guarded = await run(['td', 'protection'], 'planner');
  const protectionId = /^#(\d+) KZ-71 KZ-71-TEC-9 +c1 Esil district volunteer company \(2\/shift\)$/m.exec(guarded.out)?.[1] as string;
  assert.ok(protectionId, guarded.out);
  const ended = await run(['td', 'guard-end', protectionId, '--reason', 'станция законсервирована'], 'planner');
  assert.equal(ended.code, 0, ended.err);
  assert.equal(ended.out, 'Esil district volunteer company no longer guards KZ-71-TEC-9: станция законсервирована\n');
  assert.match((await run(['td', 'protection'], 'planner')).out, /^unprotected criticality-1 objects: 1\n {2}KZ-71 KZ-71-TEC-9/m);
});
