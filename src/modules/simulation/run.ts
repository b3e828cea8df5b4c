import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { aggregate, type Forecast } from './aggregate.ts';
import { runMonteCarlo, threadsFor } from './montecarlo.ts';
import { compileScenario, delayMeanH } from './params.ts';
import { listedPopulation, seededPopulation, type PlanOutline, type Population } from './population.ts';
import { registryPopulation } from './registry-population.ts';
import type { Inject, LoadedScenario, Scenario } from './scenario.ts';

export interface PreparedScenario {
  loaded: LoadedScenario;
  population: Population;
  plan: PlanOutline;
}

/**
 * The people a scenario summons: a seeded registry or listed groups planned in memory by the call-up module's core,
 * or a plan stored in the live registry (needs the database; `plan` overrides the scenario's).
 */
export async function prepareScenario(loaded: LoadedScenario, opts: { db?: Db; plan?: string; actor?: string; at?: Date } = {}): Promise<PreparedScenario> {
  const s = loaded.scenario;
  const p = s.population;
  if (p.source === 'seeded') return { loaded, ...(await seededPopulation(loaded.order, p, s.oversummon)) };
  if (p.source === 'listed') return { loaded, ...(await listedPopulation(loaded.order, p.groups, s.oversummon)) };
  const ref = opts.plan ?? p.plan;
  if (!ref) throw new DomainError('SIM_PLAN_REQUIRED', `scenario ${s.name} simulates a plan of the live registry: name it (population.plan or --plan ORDER@vN)`);
  if (!opts.db) throw new DomainError('SIM_DB_REQUIRED', `scenario ${s.name} reads the live registry; it needs the database`);
  const r = await registryPopulation(opts.db, ref, { actor: opts.actor ?? 'simulation', at: opts.at ?? new Date(s.start), purpose: `simulation ${s.name}` });
  return { loaded, population: r.population, plan: r.plan };
}

/** The assumptions a reader needs beside the figures, in words and numbers taken from the scenario itself. */
export interface Assumptions {
  legal: string;
  channels: string[];
  response: string;
  travel: string;
  assembly: string;
  injects: string[];
}

export function describeInject(i: Inject): string {
  const when = `hour ${i.at_h}${'until_h' in i && i.until_h !== undefined ? `–${i.until_h}` : i.kind === 'stockpile_loss' ? '' : ' onwards'}`;
  const where = (l?: readonly string[]) => (l ? ` in ${l.join(', ')}` : ' everywhere');
  const body = (() => {
    switch (i.kind) {
      case 'channel_delivery':
        return `${i.channel} delivery ×${i.factor}${where(i.regions)}`;
      case 'channel_throughput':
        return `${i.channel} throughput ×${i.factor}${where(i.regions)}`;
      case 'road_closure':
        return `roads closed${where(i.regions)}`;
      case 'assembly_capacity':
        return `assembly capacity ×${i.factor} at ${i.points.join(', ')}`;
      case 'stockpile_loss':
        return `${Math.round(i.share * 100)} % of the stockpile lost at ${i.points.join(', ')}`;
      case 'no_show':
        return `no-shows ×${i.factor}${where(i.regions)}`;
    }
  })();
  return `${when}: ${body}${i.note ? ` (${i.note})` : ''}`;
}

export function assumptions(s: Scenario): Assumptions {
  const c = s.channels;
  const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
  return {
    legal: s.legal.notice === 'three_day'
      ? `today's law: every summons dispatched at least three calendar days before the appearance at hour ${s.legal.appearance_h} (checkNoticePeriod); people come for that time`
      : 'a mobilization law without the notice period: people set off as soon as they are ready',
    channels: [
      `SMS: ${c.sms.per_hour}/h, delivered ${pct(c.sms.delivery)}, read ${pct(c.sms.read)} after ${delayMeanH(c.sms.read_delay)} h on average`,
      `e-Gov: ${c.egov.per_hour}/h, posted ${pct(c.egov.delivery)}, read ${pct(c.egov.read)} after ${delayMeanH(c.egov.read_delay)} h on average`,
      `paper: ${c.paper.per_day}/day per region, handed over ${pct(c.paper.delivery)} after ${c.paper.prepare_h} h printing and ${delayMeanH(c.paper.transit)} h in transit; refused ${pct(c.paper.refuse)}; ${c.paper.fallback_after_h === null ? 'no paper after an undelivered SMS' : `paper ${c.paper.fallback_after_h} h after an undelivered SMS`}`,
    ],
    response: `valid reasons ${pct(s.response.valid_reason)}, no-shows ${pct(s.response.no_show)}, ${delayMeanH(s.response.prepare)} h to get ready on average`,
    travel: `${s.travel.local_km.city} km (city) or ${s.travel.local_km.rural} km (rural) at ${s.travel.road_kmh} km/h; between regions ${s.travel.long_kmh} km/h after a ${s.travel.long_wait_h} h wait; ±${pct(s.travel.jitter)}`,
    assembly: `report to the assembly point of the ${s.assembly.report_to === 'home' ? 'home region' : 'region served in'}; ${s.assembly.per_day} a day${Object.keys(s.assembly.points).length ? ' (some points differ)' : ''}; medical check ${s.assembly.medical_h} h, equipment ${s.assembly.equipment_h} h, unfit ${pct(s.assembly.unfit)}; stockpile ${s.assembly.stockpile ?? 'not limited'}${s.assembly.resupply_per_day ? ` + ${s.assembly.resupply_per_day}/day` : ''}`,
    injects: s.injects.map(describeInject),
  };
}

export interface SimulationReport {
  scenario: { name: string; title: string; source: string; start: string; horizonH: number; seed: string | number; oversummon: number };
  runs: number;
  threads: number;
  seconds: number;
  plan: PlanOutline;
  assumptions: Assumptions;
  forecast: Forecast;
}

/** Runs the Monte Carlo forecast of a prepared scenario. */
export async function forecastScenario(
  prepared: PreparedScenario,
  opts: { runs: number; seed?: string | number; threads?: number; onRun?: (done: number, total: number) => void },
): Promise<SimulationReport> {
  const s = prepared.loaded.scenario;
  const seed = opts.seed ?? s.seed;
  const t0 = performance.now();
  const runs = await runMonteCarlo(prepared.population, s, { runs: opts.runs, seed, ...(opts.threads !== undefined ? { threads: opts.threads } : {}), ...(opts.onRun ? { onRun: opts.onRun } : {}) });
  const compiled = compileScenario(s, prepared.population);
  return {
    scenario: { name: s.name, title: s.title, source: prepared.loaded.source, start: s.start, horizonH: s.horizon_h, seed, oversummon: s.oversummon },
    runs: opts.runs,
    threads: threadsFor(opts.runs, opts.threads),
    seconds: (performance.now() - t0) / 1000,
    plan: prepared.plan,
    assumptions: assumptions(s),
    forecast: aggregate(prepared.population, runs, compiled.assembly.perDay),
  };
}
