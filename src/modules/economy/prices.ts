import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { parseYamlWithLines } from '../../kernel/yaml-lines.ts';

/** The reference price list ships as data beside the rule packs (policies/kz/economy/), not as code. */
export const DEFAULT_PRICE_FILE = fileURLToPath(new URL('../../../policies/kz/economy/market-prices.yaml', import.meta.url));

const Bp = z.number().int().min(0).max(10_000);
export const Condition = z.enum(['new', 'good', 'fair', 'poor', 'unusable']);
export type Condition = z.infer<typeof Condition>;

const KindPrice = z.object({
  unit: z.string().min(1),
  /** Tenge per unit when new. */
  unitPrice: z.number().int().positive().max(1e12),
  depreciationBp: Bp,
  floorBp: Bp,
}).strict();

export const PriceList = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  source: z.string().min(10, 'say where the prices come from'),
  date: z.iso.date(),
  currency: z.literal('KZT'),
  conditions: z.object(Object.fromEntries(Condition.options.map((c) => [c, Bp])) as Record<Condition, typeof Bp>).strict(),
  kinds: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), KindPrice),
}).strict();
export type PriceList = z.infer<typeof PriceList>;
export type KindPrice = z.infer<typeof KindPrice>;

/** Parses a price list, naming the line of each problem. */
export function parsePriceList(text: string, file: string): PriceList {
  const y = parseYamlWithLines(text);
  const fail = (issues: { path: string; line?: number; message: string }[]): never => {
    throw new DomainError('ECONOMY_BAD_PRICE_LIST', `${file}: ${issues.map((i) => `${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ')}`, { file, issues });
  };
  if (y.errors.length) fail(y.errors);
  const r = PriceList.safeParse(y.value);
  if (!r.success) fail(r.error.issues.map((i) => y.issueAt(i.path, i.message)));
  return (r as { data: PriceList }).data;
}

let cached: PriceList | undefined;

export function loadPriceList(file: string = DEFAULT_PRICE_FILE): PriceList {
  if (file === DEFAULT_PRICE_FILE && cached) return cached;
  const list = parsePriceList(readFileSync(file, 'utf8'), file);
  if (file === DEFAULT_PRICE_FILE) cached = list;
  return list;
}

export const priceListRef = (l: PriceList): string => `${l.id}@${l.version}`;
