import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { seededRng } from '../src/kernel/rng.ts';
import { deriveNotification } from '../src/modules/summons/index.ts';
import {
  FINAL_STATES,
  SERIES,
  aggregate,
  compileScenario,
  listedPopulation,
  notificationTable,
  parseScenarioText,
  prepareScenario,
  readScenarioFile,
  runMonteCarlo,
  simulate,
  type LoadedScenario,
  type Population,
  type RunResult,
} from '../src/modules/simulation/index.ts';

const DIR = 'examples/scenarios';
const tinyText = readFileSync(`${DIR}/tiny.yaml`, 'utf8');

/** A scenario from YAML text with some fields replaced, checked like a file. */
function variant(text: string, change: (doc: Record<string, unknown>) => void): LoadedScenario {
  const doc = parse(text) as Record<string, unknown>;
  change(doc);
  const { loaded, issues } = parseScenarioText(JSON.stringify(doc), DIR);
  assert.deepEqual(issues, []);
  return loaded as LoadedScenario;
}

const row = (r: RunResult, series: (typeof SERIES)[number]) => {
  const k = SERIES.indexOf(series);
  return [...r.series.subarray(k * (r.hours + 1), (k + 1) * (r.hours + 1))];
};
const stateCounts = (r: RunResult) => Object.fromEntries(FINAL_STATES.map((s, k) => [s, r.states[k]]));

test('the tiny scenario gives the curve worked out by hand in its file', async () => {
  const loaded = readScenarioFile(`${DIR}/tiny.yaml`);
  const { population } = await prepareScenario(loaded);
  const r = simulate(population, compileScenario(loaded.scenario, population), seededRng(1), { keepStates: true });
  assert.deepEqual(row(r, 'reported'), [0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4]);
  assert.deepEqual(row(r, 'dispatched'), [0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4], 'SMS submitted at minutes 61–64');
  assert.deepEqual(row(r, 'arrived'), [0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4], 'arrivals at minutes 241–244');
  // Half the quota at 302 min, 90 % and all of it at 422 min.
  assert.deepEqual([...r.timeTo.subarray(3, 6)], [302 / 60, 422 / 60, 422 / 60]);
  assert.equal(stateCounts(r).reported, 4);
  const f = aggregate(population, [r], [24]);
  assert.equal(f.stages.preparation, 2);
  assert.equal(f.stages.assembly_queue, (0 + 59 + 118 + 177) / 4 / 60);
  assert.equal(f.bottleneck, null, 'nothing is short at the horizon');
  assert.equal(f.slowestStage.stage, 'preparation');
});

test('the three-day rule: nobody is due before the appearance, and a summons that would be too late is never sent', async () => {
  // Issued at 09:00 on Monday 23 Nov (hour 0); appearance Thursday 26 Nov 09:00 (hour 72): three calendar days.
  // SMS at one an hour: those of Monday go out; from Tuesday 00:00 Kazakhstan time (hour 15) they are refused.
  const loaded = variant(tinyText, (d) => {
    d.issue_after_h = 0;
    d.horizon_h = 96;
    d.legal = { notice: 'three_day', appearance_h: 72 };
    (d.channels as Record<string, Record<string, number>>).sms!.per_hour = 1;
    (d.population as { groups: { count: number }[] }).groups[0]!.count = 20;
    (d.order as { quotas: { count: number }[] }).quotas[0]!.count = 20;
    (d.assembly as Record<string, number>).per_day = 1440;
  });
  const { population } = await prepareScenario(loaded);
  const r = simulate(population, compileScenario(loaded.scenario, population), seededRng(1), { keepStates: true });
  const s = stateCounts(r);
  assert.equal(s.too_late, 5, 'minutes 900… are Tuesday: the last five SMS are refused');
  assert.equal(s.reported, 15);
  const arrived = row(r, 'arrived');
  assert.equal(arrived[70], 0, 'nobody arrives long before the appearance time');
  assert.equal(arrived[72], 15, 'they time their trip for the appearance');
  assert.equal(r.short['legal:notice_period'], 5);
});

test('runs are reproducible from their seed, and a Monte Carlo gives the same runs on one thread or two', async () => {
  const loaded = readScenarioFile(`${DIR}/kz-four-tier-attacked.yaml`);
  loaded.scenario.population = { source: 'seeded', persons: 20_000, seed: 7, replicate: 1 };
  const order = { ...loaded.order, quotas: loaded.order.quotas.map((q) => ({ ...q, count: Math.max(1, Math.round(q.count / 12)) })) };
  const { population } = await prepareScenario({ ...loaded, order });
  const c = compileScenario(loaded.scenario, population);
  const a = simulate(population, c, seededRng(11), { keepStates: true });
  const b = simulate(population, c, seededRng(11), { keepStates: true });
  const other = simulate(population, c, seededRng(12), { keepStates: true });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.personStates, other.personStates);
  const one = await runMonteCarlo(population, loaded.scenario, { runs: 4, seed: 'det', threads: 1 });
  const two = await runMonteCarlo(population, loaded.scenario, { runs: 4, seed: 'det', threads: 2 });
  assert.deepEqual(two, one, 'the seed of run k does not depend on which thread runs it');
  assert.deepEqual(aggregate(population, two, c.assembly.perDay), aggregate(population, one, c.assembly.perDay));
});

/** Checks that every person is in exactly one final state and that curves and counts agree with those states. */
function assertConserved(pop: Population, r: RunResult): void {
  const per = r.personStates as Uint8Array;
  assert.equal(per.length, pop.n);
  const hist = new Array<number>(FINAL_STATES.length).fill(0);
  for (const s of per) {
    assert.ok(s < FINAL_STATES.length, `a person left in state ${s}`);
    hist[s]!++;
  }
  assert.deepEqual(hist, [...r.states]);
  assert.equal(hist.reduce((x, y) => x + y, 0), pop.n);
  const reported = row(r, 'reported');
  assert.equal(reported[r.hours], r.states[FINAL_STATES.indexOf('reported')]);
  for (const s of SERIES) {
    const curve = row(r, s);
    for (let h = 1; h < curve.length; h++) assert.ok(curve[h]! >= curve[h - 1]!, `${s} falls at hour ${h}`);
    assert.ok(curve[r.hours]! <= pop.n);
  }
  const byAgency = pop.agencies.reduce((sum, _a, k) => sum + r.byAgency[k * (r.hours + 1) + r.hours]!, 0);
  assert.equal(byAgency, reported[r.hours]);
}

test('conservation: everyone summoned ends in exactly one final state, whatever stops them', async () => {
  // Listed groups in four regions with every channel mix; harsh settings so that every state occurs by hour 30.
  const loaded = variant(tinyText, (d) => {
    d.horizon_h = 30;
    d.order = { ...(d.order as object), quotas: [{ agency: 'armed_forces', specialty: 'aviation', count: 4000 }] };
    d.population = {
      source: 'listed',
      groups: [
        { region: 'KZ-75', specialty: 'aviation', count: 1500, urban: true, mobile: true, egov_account: true, mobile_on_egov: true },
        { region: 'KZ-71', specialty: 'aviation', count: 1000, urban: false, mobile: true },
        { region: 'KZ-23', specialty: 'aviation', count: 800, urban: false, mobile: false },
        { region: 'KZ-61', specialty: 'aviation', count: 700, urban: false, mobile: true, egov_account: true },
      ],
    };
    d.channels = {
      sms: { per_hour: 3000, delivery: 0.8, read: 0.8, read_delay: { mean_h: 4, dist: 'exponential' } },
      egov: { per_hour: 500, delivery: 0.9, read: 0.5, read_delay: { mean_h: 10, dist: 'exponential' } },
      paper: { per_day: 600, prepare_h: 2, transit: { min_h: 1, max_h: 30 }, delivery: 0.7, refuse: 0.05, fallback_after_h: 8 },
    };
    d.response = { valid_reason: 0.05, no_show: 0.1, prepare: { mean_h: 6, dist: 'exponential' } };
    d.travel = { local_km: { city: 10, rural: 200 }, road_kmh: 50, long_kmh: 40, long_wait_h: 3, jitter: 0.4 };
    d.assembly = { report_to: 'unit', per_day: 2000, medical_h: 1, equipment_h: 1, unfit: 0.05, stockpile: 300, resupply_per_day: 100 };
    d.injects = [{ kind: 'road_closure', regions: ['KZ-61'], at_h: 5, until_h: 40 }];
  });
  const { population } = await prepareScenario(loaded);
  const c = compileScenario(loaded.scenario, population);
  for (const seed of [1, 2, 3]) {
    const r = simulate(population, c, seededRng(seed), { keepStates: true });
    assertConserved(population, r);
    if (seed === 1) {
      const s = stateCounts(r);
      for (const state of ['not_sent', 'unreached', 'unaware', 'excused', 'no_show', 'en_route', 'queued', 'unfit', 'unequipped', 'reported']) {
        assert.ok((s[state] as number) > 0, `no one ended ${state}: ${JSON.stringify(s)}`);
      }
    }
  }
});

test('the legal notification table is the summons module\'s own rule', () => {
  const t = notificationTable();
  assert.equal(t[1 | 2], 1, 'SMS with a delivery report: duly notified');
  assert.equal(t[1], 0, 'SMS without a delivery report: not notified');
  assert.equal(t[8 | 16], 0, 'e-Gov message read but no SMS to the portal number: not notified');
  assert.equal(t[1 | 2 | 4 | 8 | 32], 1, 'delivered SMS stands even if the e-Gov message is unread');
  assert.equal(t[128], 2, 'a refused paper summons: refused, which counts as notified');
  const appearance = new Date('2026-12-05T09:00:00+05:00');
  assert.equal(deriveNotification([{ kind: 'paper_received', at: '2026-12-01T09:00:00+05:00', place: 'residence', via: 'hand', signedBy: 'x' }], appearance).status, 'duly_notified');
  assert.equal(t[64], 1);
});

test('a scenario with a mistake is refused with its line and path', () => {
  const { issues } = parseScenarioText(tinyText.replace('legal: { notice: mobilization }', 'legal: { notice: three_day }').replace('  - { region: KZ-71,', '  - { region: KZ-99,'), DIR);
  const lineOf = (start: string) => tinyText.split('\n').findIndex((l) => l.trimStart().startsWith(start)) + 1;
  assert.deepEqual(issues.map((i) => [i.path, i.line]), [['population.groups[0].region', lineOf('- { region: KZ-71')], ['legal.appearance_h', lineOf('legal:')]]);
  const bad = parseScenarioText(`${tinyText}\ninjects:\n  - { kind: road_closure, regions: [KZ-71], at_h: 5, until_h: 2 }\n`, DIR);
  assert.match(bad.issues[0]?.message ?? '', /must be after at_h 5/);
  const national = parseScenarioText(`${tinyText}\ninjects:\n  - { kind: channel_throughput, channel: sms, regions: [KZ-71], factor: 0, at_h: 1 }\n`, DIR);
  assert.match(national.issues[0]?.message ?? '', /sms is one national queue/);
});
