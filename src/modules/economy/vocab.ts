import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import type { StaffPrincipal } from '../access/index.ts';

/** What an enterprise can put at the state's disposal, and the unit each kind is counted in. */
export const CapacityKind = z.enum(['vehicles', 'fuel', 'production', 'buildings']);
export type CapacityKind = z.infer<typeof CapacityKind>;
export const CAPACITY_UNIT = { vehicles: 'units', fuel: 't/day', production: 'units/day', buildings: 'm2' } as const satisfies Record<CapacityKind, string>;

export const Subtype = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ (e.g. truck, fuel_tanker, diesel)');
export const RegionCode = z.string().regex(/^KZ-[0-9A-Z]{1,3}$/, 'must be a region ISO code such as KZ-75');
export const BinText = z.string().regex(/^\d{12}$/, 'must be 12 digits');
export const IinText = z.string().regex(/^\d{12}$/, 'must be 12 digits');

/**
 * Which enterprises and requisitions a member of staff may see and act on: an enterprise officer their own
 * enterprise only (`bin`), a regional or district officer their region, everyone else the whole country.
 */
export interface EconomyScope {
  region: string | null;
  bin: string | null;
}

export const NATIONAL: EconomyScope = { region: null, bin: null };

export function economyScope(p: StaffPrincipal): EconomyScope {
  if (p.role === 'enterprise_officer') return { region: null, bin: p.employerBin ?? '-' };
  if (p.role === 'regional_officer' || p.role === 'district_officer') return { region: p.region, bin: null };
  return NATIONAL;
}

export interface EconomyContext {
  actor: string;
  at: Date;
  scope: EconomyScope;
}

/** zod's issues as one message naming each field, under a stable code. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('ECONOMY_BAD_INPUT', `${what} — ${r.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

export const tenge = (tiyn: bigint | number): string => {
  const t = BigInt(tiyn);
  const neg = t < 0n;
  const a = neg ? -t : t;
  return `${neg ? '−' : ''}${(a / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}.${String(a % 100n).padStart(2, '0')} ₸`;
};
