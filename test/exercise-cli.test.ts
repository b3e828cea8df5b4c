import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { systemClock } from '../src/kernel/clock.ts';
import { EXERCISE_MARK } from '../src/modules/sms/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { addPeople, officer } from './helpers/summons.ts';
import { runCli } from './helpers/cli.ts';

let t: TestDatabase;
let dir: string;

const run = (args: string[], actor: string) => runCli(args, { ...t.env, MOBILIZE_ACTOR: actor });

before(async () => {
  t = await createTestDatabase();
  const db = await t.open();
  await addPeople(db, systemClock, Array.from({ length: 6 }, () => officer({ specialty: 'aviation', egov_account: false, mobile_on_egov: false })));
  await db.close();
  dir = mkdtempSync(join(tmpdir(), 'mobilize-exercise-'));
  writeFileSync(join(dir, 'drill.yaml'), `
name: cli-drill
title: CLI drill
start: 2026-11-23T09:00:00+05:00
horizon_h: 120
order:
  id: cli-drill
  title: Drill order
  legal_basis: { document: exercise directive }
  rule_set: reserve-mobilization
  reference_date: 2026-11-23
  appearance: { from: 2026-11-23, to: 2026-12-31 }
  agencies: { armed_forces: { name: Armed Forces, region: KZ-71 } }
  quotas: [{ agency: armed_forces, specialty: aviation, count: 6 }]
population: { source: registry }
legal: { notice: three_day, appearance_h: 80 }
channels:
  sms: { per_hour: 6000, delivery: 0.95, read: 0.9, read_delay: { mean_h: 2, dist: exponential } }
  egov: { per_hour: 6000, delivery: 1, read: 0.5 }
  paper: { per_day: 100, delivery: 0.9 }
response: { valid_reason: 0.05, no_show: 0.05, prepare: { mean_h: 4, dist: exponential } }
travel: { local_km: { city: 10, rural: 60 }, road_kmh: 50, long_kmh: 40 }
assembly: { per_day: 500 }
injects:
  - { kind: channel_delivery, channel: sms, factor: 0.5, at_h: 2, until_h: 10, note: operator outage }
`);
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.drop();
});

test('an exercise from the command line: drafted by one officer, approved and issued by another, sent to simulators, injected, observed, stopped and reported', async () => {
  const scenario = join(dir, 'drill.yaml');
  const drafted = await run(['exercise', 'start', scenario, '--id', 'cli-drill'], 'officer-a');
  assert.equal(drafted.code, 0, drafted.err);
  assert.match(drafted.out, /EXERCISE plan #\d+ drafted for exercise cli-drill/);
  const early = await run(['exercise', 'start', scenario, '--id', 'cli-drill'], 'officer-b');
  assert.equal(early.code, 2);
  assert.match(early.err, /error EXERCISE_PLAN_NOT_APPROVED: .*mobilize callup approve cli-drill/);
  assert.equal((await run(['callup', 'approve', 'cli-drill'], 'officer-b')).code, 0);
  const started = await run(['exercise', 'start', scenario, '--id', 'cli-drill', '--runs', '3', '--dispatch'], 'officer-b');
  assert.equal(started.code, 0, started.err);
  assert.match(started.out, /EXERCISE cli-drill started: plan #\d+, 6 EXERCISE summonses/);
  assert.match(started.out, /dispatched to the exercise simulators: 6 SMS, 0 e-Gov messages\n/);

  assert.match((await run(['exercise', 'inject', 'cli-drill', '--next'], 'director')).out, /inject #2 at hour 0\.0: hour 2–10: sms delivery ×0\.5 everywhere \(operator outage\) \(scheduled for hour 2\)/);
  assert.equal((await run(['exercise', 'observe', 'cli-drill', 'All', 'LMAs', 'online'], 'observer')).code, 0);
  assert.equal((await run(['exercise', 'inject', 'cli-drill', '--text', 'Press asks whether this is real'], 'director')).code, 0);
  const none = await run(['exercise', 'inject', 'cli-drill'], 'director');
  assert.match(none.err, /error EXERCISE_NO_INJECT_LEFT/);
  assert.equal((await run(['exercise', 'stop', 'cli-drill', '--note', 'done'], 'director')).code, 0);
  assert.match((await run(['exercise', 'list'], 'director')).out, /^cli-drill\tstopped\tplan #\d+/m);

  const out = join(dir, 'report');
  const report = await run(['exercise', 'report', 'cli-drill', '--out', out], 'auditor');
  assert.equal(report.code, 0, report.err);
  assert.match(report.out, /EXERCISE cli-drill \(stopped, 0\.0 h\): 6 summonses/);
  const r = JSON.parse(readFileSync(join(out, 'after-action.json'), 'utf8'));
  assert.equal(r.live.curves.sent[1], 6);
  assert.deepEqual(r.timeline.map((e: { kind: string }) => e.kind), ['start', 'inject', 'observation', 'inject', 'stop']);
  assert.equal(XMLValidator.validate(readFileSync(join(out, 'after-action.svg'), 'utf8')), true);
  assert.match(readFileSync(join(out, 'after-action.html'), 'utf8'), /<h1>EXERCISE cli-drill — after-action report<\/h1>/);
  assert.ok(existsSync(join(out, 'live-curves.csv')));

  // The same plan simulated from the command line, read from the live registry as counts.
  const sim = await run(['simulate', scenario, '--plan', 'cli-drill', '--runs', '2', '--threads', '1', '--out', join(dir, 'sim')], 'analyst');
  assert.equal(sim.code, 0, sim.err);
  assert.match(sim.out, /summoned 6 for a quota of 6/);
  const noPlan = await run(['simulate', scenario, '--runs', '1', '--out', join(dir, 'sim2')], 'analyst');
  assert.match(noPlan.err, /error SIM_PLAN_REQUIRED: .*--plan ORDER@vN/);

  // Every message of the exercise went out marked, through the exercise channel.
  const db = await t.open();
  try {
    const rows = await db.query<{ exercise: boolean; state: string; marked: boolean; smsc: string }>(
      "SELECT o.exercise, o.state, o.text LIKE $1 AS marked, o.smsc FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id JOIN callup_plans p ON p.id = s.plan_id WHERE p.order_id = 'cli-drill'",
      [`${EXERCISE_MARK}%`],
    );
    assert.equal(rows.length, 6);
    for (const row of rows) assert.deepEqual([row.exercise, row.state, row.marked, row.smsc.startsWith('exercise-sim:')], [true, 'submitted', true, true]);
  } finally {
    await db.close();
  }
});
