import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatPath, parseYamlWithLines } from '../../kernel/yaml-lines.ts';
import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { parseOrderText, parseOrderValue, type CallupOrder } from '../callup/index.ts';
import { regions } from '../registry/index.ts';

/**
 * A mobilization scenario as data: the call-up order, who is called (a seeded registry, listed groups, or a stored
 * plan of the live registry), how summonses travel, how people respond and travel, what the assembly points can
 * process, and events injected on the timeline. Hours are counted from `start`, the instant the order is given.
 */

const share = z.number().min(0).max(1);
const hours = z.number().min(0);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const regionMap = <T extends z.ZodType>(v: T) => z.record(z.string(), v);

/** A delay in hours: fixed, exponential with a mean, or uniform between two bounds. */
export const Delay = z.union([
  hours,
  z.object({ mean_h: z.number().positive(), dist: z.literal('exponential') }).strict(),
  z.object({ min_h: hours, max_h: hours }).strict(),
]);
export type Delay = z.infer<typeof Delay>;

const Sms = z
  .object({
    /** Messages per hour the SMSC contract allows (one summons = one message here). */
    per_hour: z.number().positive(),
    delivery: share,
    delivery_by_region: regionMap(share).default({}),
    delay: Delay.default(0),
    /** Share of delivered messages the person reads, and how long that takes. */
    read: share,
    read_delay: Delay.default(0),
  })
  .strict();

const Egov = z
  .object({
    per_hour: z.number().positive(),
    delivery: share,
    read: share,
    read_delay: Delay.default(0),
  })
  .strict();

const Paper = z
  .object({
    /** Paper summonses a region's couriers can take out per day. */
    per_day: z.number().positive(),
    per_day_by_region: regionMap(z.number().positive()).default({}),
    /** Printing and sorting before the first courier leaves. */
    prepare_h: hours.default(0),
    /** From the courier taking the summons to handing it over. */
    transit: Delay.default(0),
    /** Share handed over (received or refused); the rest do not find the person at the address. */
    delivery: share,
    delivery_by_region: regionMap(share).default({}),
    /** Share of those handed a summons who refuse it: noted, counts as notified (DOMAIN.md), and they do not come. */
    refuse: share.default(0),
    /** An SMS without a delivery report is followed by a paper summons this many hours after it was sent; null: never. */
    fallback_after_h: hours.nullable().default(null),
  })
  .strict();

const Point = z.object({ per_day: z.number().min(0).optional(), stockpile: z.number().int().min(0).nullable().optional(), resupply_per_day: z.number().min(0).optional() }).strict();

const windowed = { at_h: hours, until_h: hours.optional(), note: z.string().optional() };
const regionList = z.array(z.string()).min(1);

export const Inject = z.discriminatedUnion('kind', [
  /** Delivery probability of a channel multiplied by `factor` (a cyber attack on an operator, a network outage). */
  z.object({ kind: z.literal('channel_delivery'), channel: z.enum(['sms', 'egov', 'paper']), regions: regionList.optional(), factor: z.number().min(0), ...windowed }).strict(),
  /** Throughput of a channel multiplied by `factor` (0: the channel is down). */
  z.object({ kind: z.literal('channel_throughput'), channel: z.enum(['sms', 'egov', 'paper']), regions: regionList.optional(), factor: z.number().min(0), ...windowed }).strict(),
  /** Nobody leaves from or travels to these regions while the roads are closed (a flood). */
  z.object({ kind: z.literal('road_closure'), regions: regionList, ...windowed }).strict(),
  /** Processing capacity of these assembly points multiplied by `factor`. */
  z.object({ kind: z.literal('assembly_capacity'), points: regionList, factor: z.number().min(0), ...windowed }).strict(),
  /** A share of the equipment left at these points is lost at `at_h` (a depot fire). */
  z.object({ kind: z.literal('stockpile_loss'), points: regionList, share, at_h: hours, note: z.string().optional() }).strict(),
  /** No-show rate of people who learn of their summons in this window multiplied by `factor` (disinformation). */
  z.object({ kind: z.literal('no_show'), regions: regionList.optional(), factor: z.number().min(0), ...windowed }).strict(),
]);
export type Inject = z.infer<typeof Inject>;

const Population = z.discriminatedUnion('source', [
  /** The registry's synthetic generator (registry/synthetic.ts), run through the order's real rule sets. */
  z
    .object({
      source: z.literal('seeded'),
      persons: z.number().int().positive(),
      seed: z.number().int(),
      /** The generator's "today"; the order's reference date when absent. */
      today: isoDate.optional(),
      /** Each eligible seeded person stands for this many people with the same attributes (for large runs). */
      replicate: z.number().int().min(1).default(1),
    })
    .strict(),
  /** Groups written out by hand, for small scenarios whose outcome can be worked out on paper. */
  z
    .object({
      source: z.literal('listed'),
      groups: z
        .array(
          z
            .object({
              region: z.string(),
              specialty: z.string(),
              count: z.number().int().positive(),
              urban: z.boolean().default(true),
              mobile: z.boolean().default(true),
              egov_account: z.boolean().default(false),
              mobile_on_egov: z.boolean().default(false),
              volunteer: z.boolean().default(false),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  /** A plan stored in the live registry (`mobilize callup plan`); given here or with --plan. */
  z.object({ source: z.literal('registry'), plan: z.string().optional() }).strict(),
]);

export const Scenario = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lowercase code'),
    title: z.string().min(1),
    /** The instant the order is given; hour 0 of the simulation. */
    start: z.iso.datetime({ offset: true }),
    horizon_h: z.number().int().positive().max(24 * 60),
    seed: z.union([z.number().int(), z.string().min(1)]).default(1),
    /** The call-up order: a path to an order file (relative to the scenario) or the order itself. */
    order: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    population: Population,
    /** The order's quotas × this (a preset at 1:10 of a national figure says 0.1 of it here or in the order). */
    quota_scale: z.number().positive().default(1),
    /** Places planned per place needed, to cover losses; the quotas stay the targets. */
    oversummon: z.number().min(1).default(1),
    /** From the order to the summonses being issued: planning and the second officer's approval. */
    issue_after_h: hours.default(0),
    legal: z
      .object({
        /**
         * three_day: today's law — each summons must be dispatched at least three calendar days before the appearance
         * (checked by the summons module's checkNoticePeriod) and people come for the appearance time.
         * mobilization: a mobilization law without the notice period; people set off as soon as they are ready.
         */
        notice: z.enum(['three_day', 'mobilization']),
        /** The appearance time, in hours from start (three_day only). */
        appearance_h: hours.optional(),
      })
      .strict(),
    channels: z.object({ sms: Sms, egov: Egov, paper: Paper }).strict(),
    response: z
      .object({
        valid_reason: share,
        valid_reason_by_region: regionMap(share).default({}),
        no_show: share,
        no_show_by_region: regionMap(share).default({}),
        /** From learning of the summons to setting off. */
        prepare: Delay,
      })
      .strict(),
    travel: z
      .object({
        /** Distance from home to the region's assembly point: city dwellers and rural districts. */
        local_km: z.object({ city: z.number().min(0), rural: z.number().min(0) }).strict(),
        road_kmh: z.number().positive(),
        /** Effective speed between regions (rail, bus or air with connections), and the wait for a departure. */
        long_kmh: z.number().positive(),
        long_wait_h: hours.default(0),
        /** Each trip takes its nominal time × a uniform factor in [1 - jitter, 1 + jitter]. */
        jitter: z.number().min(0).max(0.9).default(0),
      })
      .strict(),
    assembly: z
      .object({
        /** home: the assembly point of the person's home region; unit: the point of the region they serve in. */
        report_to: z.enum(['home', 'unit']).default('home'),
        per_day: z.number().min(0),
        medical_h: hours.default(0),
        equipment_h: hours.default(0),
        /** Share found unfit at the medical check. */
        unfit: share.default(0),
        /** Equipment sets at each point; null: not limited. */
        stockpile: z.number().int().min(0).nullable().default(null),
        resupply_per_day: z.number().min(0).default(0),
        points: regionMap(Point).default({}),
      })
      .strict(),
    injects: z.array(Inject).default([]),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;

export interface ScenarioIssue {
  path: string;
  line?: number;
  message: string;
}

/** A scenario with its order resolved and checked by the call-up module's own parser. */
export interface LoadedScenario {
  scenario: Scenario;
  /** The order as the scenario uses it: quotas already × quota_scale. */
  order: CallupOrder;
  /** Where the scenario came from (a file path or "(text)"). */
  source: string;
}


function semanticIssues(s: Scenario): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const known = new Set(regions().map((r) => r.iso));
  const region = (path: (string | number)[], iso: string) => {
    if (!known.has(iso)) out.push({ path, message: `${iso} is not a known region ISO code` });
  };
  for (const [k, m] of [['sms', s.channels.sms.delivery_by_region], ['paper', s.channels.paper.delivery_by_region], ['paper', s.channels.paper.per_day_by_region]] as const) {
    for (const iso of Object.keys(m)) region(['channels', k, iso], iso);
  }
  for (const iso of Object.keys(s.response.valid_reason_by_region)) region(['response', 'valid_reason_by_region', iso], iso);
  for (const iso of Object.keys(s.response.no_show_by_region)) region(['response', 'no_show_by_region', iso], iso);
  for (const iso of Object.keys(s.assembly.points)) region(['assembly', 'points', iso], iso);
  s.injects.forEach((inj, i) => {
    const list = 'regions' in inj ? inj.regions : 'points' in inj ? inj.points : undefined;
    list?.forEach((iso, j) => region(['injects', i, 'regions' in inj ? 'regions' : 'points', j], iso));
    if ('until_h' in inj && inj.until_h !== undefined && inj.until_h <= inj.at_h) out.push({ path: ['injects', i, 'until_h'], message: `must be after at_h ${inj.at_h}` });
    if (inj.kind === 'channel_throughput' && inj.channel !== 'paper' && inj.regions) {
      out.push({ path: ['injects', i, 'regions'], message: `${inj.channel} is one national queue; only paper throughput (the couriers) is per region` });
    }
  });
  if (s.population.source === 'listed') s.population.groups.forEach((g, i) => region(['population', 'groups', i, 'region'], g.region));
  if (s.legal.notice === 'three_day' && s.legal.appearance_h === undefined) out.push({ path: ['legal', 'appearance_h'], message: 'is required when notice is three_day' });
  if (s.legal.notice === 'mobilization' && s.legal.appearance_h !== undefined) out.push({ path: ['legal', 'appearance_h'], message: 'applies only when notice is three_day' });
  return out;
}

/** Parses a scenario from YAML or JSON text; every problem is reported with its path and line. `base` resolves an order path. */
export function parseScenarioText(text: string, base = process.cwd(), source = '(text)'): { loaded?: LoadedScenario; issues: ScenarioIssue[] } {
  const yaml = parseYamlWithLines(text);
  if (yaml.errors.length) return { issues: yaml.errors };
  const issue = yaml.issueAt;
  const parsed = Scenario.safeParse(yaml.value);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => issue(i.path, i.message)) };
  const problems = semanticIssues(parsed.data);
  if (problems.length) return { issues: problems.map((p) => issue(p.path, p.message)) };
  const s = parsed.data;
  let orderResult: { order?: CallupOrder; issues: { path: string; line?: number; message: string }[] };
  let orderWhere: string;
  if (typeof s.order === 'string') {
    orderWhere = resolve(base, s.order);
    let orderText: string;
    try {
      orderText = readFileSync(orderWhere, 'utf8');
    } catch (e) {
      return { issues: [issue(['order'], `cannot read the order file ${orderWhere}: ${(e as Error).message}`)] };
    }
    orderResult = parseOrderText(orderText);
  } else {
    orderWhere = 'order';
    orderResult = parseOrderValue(s.order);
  }
  if (!orderResult.order) {
    return { issues: orderResult.issues.map((i) => ({ path: `order${i.path ? `.${i.path}` : ''}`, ...(typeof s.order === 'string' ? {} : { line: yaml.issueAt(['order'], '').line }), message: `${orderWhere}${i.line !== undefined ? `:${i.line}` : ''}: ${i.message}` })) };
  }
  const o = orderResult.order;
  const order = s.quota_scale === 1 ? o : { ...o, quotas: o.quotas.map((q) => ({ ...q, count: Math.max(1, Math.round(q.count * s.quota_scale)) })) };
  return { loaded: { scenario: s, order, source }, issues: [] };
}

/** Reads and checks a scenario file; throws SIM_SCENARIO_INVALID listing every problem with its line. */
export function readScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('SIM_SCENARIO_UNREADABLE', `Cannot read the scenario ${file}: ${(e as Error).message}`);
  }
  const { loaded, issues } = parseScenarioText(text, dirname(resolve(file)), file);
  if (!loaded) {
    const lines = issues.map((i) => `  ${file}${i.line !== undefined ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    throw new DomainError('SIM_SCENARIO_INVALID', `The scenario ${file} is not valid:\n${lines.join('\n')}`, { issues });
  }
  return loaded;
}
