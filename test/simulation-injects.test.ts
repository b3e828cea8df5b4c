import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { seededRng } from '../src/kernel/rng.ts';
import { FINAL_STATES, TARGETS, compileScenario, parseScenarioText, prepareScenario, simulate, type Inject, type LoadedScenario, type Population, type RunResult } from '../src/modules/simulation/index.ts';

/**
 * Each kind of injected event, against the same scenario without it: the strength must come out lower or later,
 * and the loss must show up where the event struck. Means over the same eight seeds on both sides.
 */
const DIR = 'examples/scenarios';
let base: LoadedScenario;
let population: Population;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

before(async () => {
  const doc = parse(readFileSync(`${DIR}/tiny.yaml`, 'utf8')) as Record<string, unknown>;
  Object.assign(doc, {
    horizon_h: 48,
    order: { ...(doc.order as object), quotas: [{ agency: 'armed_forces', specialty: 'aviation', count: 3000 }] },
    population: {
      source: 'listed',
      groups: [
        { region: 'KZ-75', specialty: 'aviation', count: 1000, urban: true, mobile: true, egov_account: true, mobile_on_egov: true },
        { region: 'KZ-71', specialty: 'aviation', count: 1000, urban: false, mobile: true },
        { region: 'KZ-23', specialty: 'aviation', count: 600, urban: false, mobile: true },
        { region: 'KZ-61', specialty: 'aviation', count: 400, urban: false, mobile: false },
      ],
    },
    channels: {
      sms: { per_hour: 2000, delivery: 0.9, read: 0.9, read_delay: { mean_h: 2, dist: 'exponential' } },
      egov: { per_hour: 2000, delivery: 0.99, read: 0.6, read_delay: { mean_h: 6, dist: 'exponential' } },
      paper: { per_day: 400, prepare_h: 2, transit: { min_h: 1, max_h: 8 }, delivery: 0.85, fallback_after_h: 6 },
    },
    response: { valid_reason: 0.03, no_show: 0.05, prepare: { mean_h: 4, dist: 'exponential' } },
    travel: { local_km: { city: 10, rural: 80 }, road_kmh: 50, long_kmh: 40, jitter: 0.3 },
    assembly: { report_to: 'home', per_day: 1500, medical_h: 1, equipment_h: 0.5, unfit: 0.02, stockpile: 800, resupply_per_day: 100 },
  });
  const { loaded, issues } = parseScenarioText(JSON.stringify(doc), DIR);
  assert.deepEqual(issues, []);
  base = loaded as LoadedScenario;
  population = (await prepareScenario(base)).population;
});

function runs(injects: Inject[]): RunResult[] {
  const c = compileScenario({ ...base.scenario, injects }, population);
  return SEEDS.map((s) => simulate(population, c, seededRng(s)));
}

const mean = (rs: RunResult[], f: (r: RunResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
const state = (name: (typeof FINAL_STATES)[number]) => (r: RunResult) => r.states[FINAL_STATES.indexOf(name)] as number;
const reportedAt = (h: number) => (r: RunResult) => r.series[5 * (r.hours + 1) + h] as number;
const regionAt = (iso: string, h: number) => (r: RunResult) => r.byRegion[population.regions.indexOf(iso) * (r.hours + 1) + h] as number;
/** Hours to half the total quota; the horizon when not reached. */
const to50 = (r: RunResult) => {
  const v = r.timeTo[population.agencies.length * TARGETS.length] as number;
  return v === v ? v : r.hours;
};

test('a cyber attack halving SMS delivery in a region leaves fewer of its people reported, and more undelivered', () => {
  const before = runs([]);
  const after = runs([{ kind: 'channel_delivery', channel: 'sms', regions: ['KZ-71'], factor: 0.5, at_h: 0 }]);
  // The paper fallback after 6 h wins most of them back, later; what is left is lost to the attack.
  assert.ok(mean(after, regionAt('KZ-71', 12)) < mean(before, regionAt('KZ-71', 12)) - 50);
  assert.ok(mean(after, regionAt('KZ-71', 48)) < mean(before, regionAt('KZ-71', 48)) - 30);
  assert.deepEqual(after.map(regionAt('KZ-75', 48)), before.map(regionAt('KZ-75', 48)), 'another region is untouched, run by run');
  assert.ok(mean(after, (r) => r.short['delivery:sms:KZ-71'] ?? 0) > mean(before, (r) => r.short['delivery:sms:KZ-71'] ?? 0) + 30);
});

test('an SMSC outage delays dispatch and the strength', () => {
  const before = runs([]);
  const after = runs([{ kind: 'channel_throughput', channel: 'sms', factor: 0, at_h: 0, until_h: 6 }]);
  const sentBy = (h: number) => (r: RunResult) => r.series[h] as number;
  assert.ok(mean(after, sentBy(5)) < mean(before, sentBy(5)));
  assert.ok(mean(after, reportedAt(12)) < mean(before, reportedAt(12)));
  assert.ok(mean(after, to50) > mean(before, to50));
});

test('a flood closing a region\'s roads holds its people until they reopen', () => {
  const before = runs([]);
  const after = runs([{ kind: 'road_closure', regions: ['KZ-23'], at_h: 0, until_h: 20 }]);
  assert.ok(mean(before, regionAt('KZ-23', 19)) > 200);
  assert.equal(mean(after, regionAt('KZ-23', 19)), 0, 'nobody from the flooded region reports while the roads are closed');
  assert.ok(mean(after, regionAt('KZ-23', 30)) > 0, 'they come once the roads reopen');
  assert.ok(mean(after, reportedAt(19)) < mean(before, reportedAt(19)));
});

test('an assembly point losing capacity processes its people later', () => {
  const before = runs([]);
  const after = runs([{ kind: 'assembly_capacity', points: ['KZ-71', 'KZ-75'], factor: 0.2, at_h: 0, until_h: 30 }]);
  assert.ok(mean(after, to50) > mean(before, to50));
  assert.ok(mean(after, reportedAt(20)) < mean(before, reportedAt(20)));
  assert.ok(mean(after, (r) => r.points.meanWaitH[population.regions.indexOf('KZ-71')] as number) > mean(before, (r) => r.points.meanWaitH[population.regions.indexOf('KZ-71')] as number));
});

test('a depot fire leaves people without equipment at that point', () => {
  const before = runs([]);
  const after = runs([{ kind: 'stockpile_loss', points: ['KZ-75'], share: 0.9, at_h: 1 }]);
  assert.equal(mean(before, state('unequipped')), 0);
  assert.ok(mean(after, state('unequipped')) > 100);
  assert.ok(mean(after, (r) => r.short['stockpile:KZ-75'] ?? 0) > 100);
  assert.ok(mean(after, reportedAt(48)) < mean(before, reportedAt(48)));
});

test('a disinformation campaign raising no-shows lowers the strength', () => {
  const before = runs([]);
  const after = runs([{ kind: 'no_show', factor: 4, at_h: 0, until_h: 48 }]);
  assert.ok(mean(after, state('no_show')) > mean(before, state('no_show')) * 2);
  assert.ok(mean(after, reportedAt(48)) < mean(before, reportedAt(48)));
});
