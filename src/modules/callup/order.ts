import { readFileSync } from 'node:fs';
import { formatPath, parseYamlWithLines } from '../../kernel/yaml-lines.ts';
import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { regions, specialties } from '../registry/index.ts';

/**
 * A call-up order as data: who may be called (a rule set of the policies pack), how many per receiving agency ×
 * military specialty × (optionally) region, when to appear, and in what priority order people are taken.
 */

/** Priority tiers a person can belong to; a person is in the first tier of the order's list that matches. */
export const PRIORITY_TIERS = ['volunteer', 'unemployed', 'rest'] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const code = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lowercase code (letters, digits, _ or -)');

export const CallupOrder = z
  .object({
    id: code,
    title: z.string().min(1),
    legal_basis: z.object({ document: z.string().min(1), article: z.string().min(1).optional() }).strict(),
    /** Rule set of the policies pack: "id" or "id@version". */
    rule_set: z.string().min(1),
    reference_date: isoDate,
    appearance: z.object({ from: isoDate, to: isoDate }).strict(),
    territorial: z.boolean().default(false),
    priority: z.array(z.enum(PRIORITY_TIERS)).min(1).default(['volunteer', 'unemployed', 'rest']),
    /** Cost of one step down the priority order, in the same unit as travel (km). */
    priority_penalty_km: z.number().min(0).default(5000),
    allow_reserved: z.boolean().default(false),
    reservation_rule_set: z.string().min(1).default('essential-worker-reservation'),
    exercise: z.boolean().default(false),
    seed: z.string().min(1).optional(),
    agencies: z.record(code, z.object({ name: z.string().min(1), region: z.string() }).strict()),
    quotas: z
      .array(z.object({ agency: code, specialty: z.string(), region: z.string().optional(), count: z.number().int().positive() }).strict())
      .min(1),
  })
  .strict();
export type CallupOrder = z.infer<typeof CallupOrder>;

export interface OrderIssue {
  path: string;
  line?: number;
  message: string;
}

/** Cross-field checks zod cannot express: known regions, specialties and agencies, no duplicate cells. */
function semanticIssues(o: CallupOrder): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const regionCodes = new Set(regions().map((r) => r.iso));
  const specialtyCodes = new Set(specialties().map((s) => s.code));
  if (o.appearance.to < o.appearance.from) out.push({ path: ['appearance', 'to'], message: `is before appearance.from ${o.appearance.from}` });
  if (o.appearance.from < o.reference_date) out.push({ path: ['appearance', 'from'], message: `is before the reference date ${o.reference_date}` });
  if (new Set(o.priority).size !== o.priority.length) out.push({ path: ['priority'], message: 'names a tier twice' });
  for (const [k, a] of Object.entries(o.agencies)) {
    if (!regionCodes.has(a.region)) out.push({ path: ['agencies', k, 'region'], message: `${a.region} is not a known region ISO code` });
  }
  const seen = new Map<string, number>();
  o.quotas.forEach((q, i) => {
    if (!(q.agency in o.agencies)) out.push({ path: ['quotas', i, 'agency'], message: `${q.agency} is not one of the order's agencies (${Object.keys(o.agencies).join(', ')})` });
    if (!specialtyCodes.has(q.specialty)) out.push({ path: ['quotas', i, 'specialty'], message: `${q.specialty} is not a known military specialty code` });
    if (q.region !== undefined && !regionCodes.has(q.region)) out.push({ path: ['quotas', i, 'region'], message: `${q.region} is not a known region ISO code` });
    const key = `${q.agency}|${q.specialty}|${q.region ?? ''}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) out.push({ path: ['quotas', i], message: `repeats the cell of quotas[${earlier}] (same agency, specialty and region)` });
    else seen.set(key, i);
  });
  return out;
}


/** Parses an order from YAML or JSON text; every problem is reported with its path and line. */
export function parseOrderText(text: string): { order?: CallupOrder; issues: OrderIssue[] } {
  const yaml = parseYamlWithLines(text);
  if (yaml.errors.length) return { issues: yaml.errors };
  const issue = yaml.issueAt;
  const parsed = CallupOrder.safeParse(yaml.value);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => issue(i.path, i.message)) };
  const problems = semanticIssues(parsed.data);
  if (problems.length) return { issues: problems.map((p) => issue(p.path, p.message)) };
  return { order: parsed.data, issues: [] };
}

/** Validates an order given as a value (an API body); issues carry paths only. */
export function parseOrderValue(raw: unknown): { order?: CallupOrder; issues: OrderIssue[] } {
  const parsed = CallupOrder.safeParse(raw);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  const problems = semanticIssues(parsed.data);
  if (problems.length) return { issues: problems.map((p) => ({ path: formatPath(p.path), message: p.message })) };
  return { order: parsed.data, issues: [] };
}

export function readOrderFile(file: string): CallupOrder {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DomainError('CALLUP_ORDER_UNREADABLE', `Cannot read the order ${file}: ${(e as Error).message}`);
  }
  const { order, issues } = parseOrderText(text);
  if (!order) {
    const lines = issues.map((i) => `  ${file}${i.line !== undefined ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    throw new DomainError('CALLUP_ORDER_INVALID', `The order ${file} is not valid:\n${lines.join('\n')}`, { issues });
  }
  return order;
}

/** One quota cell with the region where the people called will serve. */
export interface Cell {
  index: number;
  agency: string;
  specialty: string;
  /** The region named in the quota, if any. */
  region: string | null;
  /** Where the people serve: the quota's region, else the agency's. */
  receivingRegion: string;
  quota: number;
}

export function orderCells(o: CallupOrder): Cell[] {
  return o.quotas.map((q, index) => ({
    index,
    agency: q.agency,
    specialty: q.specialty,
    region: q.region ?? null,
    receivingRegion: q.region ?? (o.agencies[q.agency] as { region: string }).region,
    quota: q.count,
  }));
}
