import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { Condition, type PriceList } from './prices.ts';

/**
 * Market value of requisitioned property (the method is written out in policies/kz/economy/market-prices.yaml).
 * Pure and exact: BigInt over tiyn and basis points, one rounding (half up) at the end, so the same inputs give the
 * same tiyn on any machine and a stored valuation can be re-derived from its row.
 */
export const ItemInput = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().trim().min(1).max(500),
  condition: Condition,
  ageYears: z.number().int().min(0).max(200),
  /** Units, m² or tonnes as the price list's unit for the kind says; 1 when absent. */
  quantity: z.number().int().positive().max(1e9).default(1),
  /** An appraiser's value in tiyn, replacing the computed one; needs a justification. */
  // At least 1 tiyn: property the state takes is owed for, and a ledger with nothing owed reads as not approved.
  overrideTiyn: z.number().int().min(1, 'an override is at least 1 tiyn: requisitioned property is paid for').max(Number.MAX_SAFE_INTEGER).optional(),
  overrideJustification: z.string().trim().min(10, 'say why, in at least 10 characters').max(2000).optional(),
}).strict().superRefine((v, ctx) => {
  if (v.overrideTiyn !== undefined && v.overrideJustification === undefined) ctx.addIssue({ code: 'custom', path: ['overrideJustification'], message: 'an appraiser override needs a justification' });
  if (v.overrideTiyn === undefined && v.overrideJustification !== undefined) ctx.addIssue({ code: 'custom', path: ['overrideTiyn'], message: 'a justification without an override value' });
});
export type ItemInput = z.input<typeof ItemInput>;

/** Every input of one item's valuation and its results, as stored. */
export interface ItemValuation {
  kind: string;
  description: string;
  condition: Condition;
  ageYears: number;
  quantity: number;
  unit: string;
  unitPriceTiyn: number;
  depreciationBp: number;
  residualFloorBp: number;
  conditionBp: number;
  marketValueTiyn: number;
  overrideTiyn: number | null;
  overrideJustification: string | null;
  valueTiyn: number;
}

const BP = 10_000n;

/** The residual share of the new price after `age` whole years, in basis points as a fraction num/den (exact). */
function residual(depreciationBp: number, floorBp: number, age: number): { num: bigint; den: bigint } {
  const num = (BP - BigInt(depreciationBp)) ** BigInt(age);
  const den = BP ** BigInt(age);
  // Compare num/den with floor/10000 without dividing.
  return num * BP < BigInt(floorBp) * den ? { num: BigInt(floorBp), den: BP } : { num, den };
}

/** round(a / b) half up, for non-negative a and positive b. */
const divRound = (a: bigint, b: bigint): bigint => (2n * a + b) / (2n * b);

export function marketValueTiyn(i: { unitPriceTiyn: number; quantity: number; depreciationBp: number; residualFloorBp: number; conditionBp: number; ageYears: number }): number {
  const r = residual(i.depreciationBp, i.residualFloorBp, i.ageYears);
  const v = divRound(BigInt(i.unitPriceTiyn) * BigInt(i.quantity) * r.num * BigInt(i.conditionBp), r.den * BP);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DomainError('ECONOMY_BAD_INPUT', 'the value is too large to record');
  return Number(v);
}

export function valueItem(input: ItemInput, prices: PriceList): ItemValuation {
  const item = ItemInput.parse(input);
  const p = prices.kinds[item.kind];
  if (!p) throw new DomainError('ECONOMY_UNKNOWN_ASSET_KIND', `no reference price for asset kind "${item.kind}"; known: ${Object.keys(prices.kinds).join(', ')}`, { kind: item.kind });
  const inputs = {
    unitPriceTiyn: p.unitPrice * 100,
    quantity: item.quantity,
    depreciationBp: p.depreciationBp,
    residualFloorBp: p.floorBp,
    conditionBp: prices.conditions[item.condition],
    ageYears: item.ageYears,
  };
  const market = marketValueTiyn(inputs);
  return {
    kind: item.kind,
    description: item.description,
    condition: item.condition,
    unit: p.unit,
    ...inputs,
    marketValueTiyn: market,
    overrideTiyn: item.overrideTiyn ?? null,
    overrideJustification: item.overrideJustification ?? null,
    valueTiyn: item.overrideTiyn ?? market,
  };
}

/** Recomputes a stored valuation from its inputs; a mismatch means the row or the method changed. */
export function rederive(v: ItemValuation): { marketValueTiyn: number; valueTiyn: number } {
  const market = marketValueTiyn(v);
  return { marketValueTiyn: market, valueTiyn: v.overrideTiyn ?? market };
}
