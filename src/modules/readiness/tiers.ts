import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { civilReadiness } from '../civil/index.ts';
import { economyReadiness } from '../economy/index.ts';
import type { Pack } from '../eligibility/index.ts';
import { infrastructureReadiness } from '../infrastructure/index.ts';
import { summonsFunnel } from '../summons/index.ts';
import { territorialReadiness } from '../territorial/index.ts';
import { regionReadiness } from './readiness.ts';

/** One tier's measures for one region (ISO code); each tier module documents its measures where it computes them. */
export interface TierReadiness {
  region: string;
  measures: Record<string, number>;
}

export const TIERS = ['military', 'civil', 'economic', 'cyber', 'territorial'] as const;
export type Tier = (typeof TIERS)[number];

export interface FourTierReadiness {
  on: string;
  /** Each tier's measures, in the order the tier module gives them. */
  tiers: { tier: Tier; measures: string[] }[];
  regions: { iso: string; name: { en: string; kk: string; ru: string }; values: Record<Tier, Record<string, number>> }[];
}

/**
 * The military tier per region:
 * - liable: people liable to call-up on mobilization (the reserve-mobilization rule set on that date)
 * - reserve, reserveOfficers: people in the reserve, and of them officers
 * - summonsed: summonses issued to people of the region
 * - dulyNotified, appeared: of those, duly notified and appeared, as the evidence ledger derives them
 */
export async function militaryReadiness(db: Db, ctx: { on: string; pack: Pack }): Promise<TierReadiness[]> {
  const [registry, funnel] = await Promise.all([regionReadiness(db, ctx), summonsFunnel(db, { scope: () => 'true' })]);
  const summonses = new Map<string, { issued: number; dulyNotified: number; appeared: number }>();
  for (const a of funnel.areas) {
    const s = summonses.get(a.region) ?? { issued: 0, dulyNotified: 0, appeared: 0 };
    summonses.set(a.region, { issued: s.issued + a.issued, dulyNotified: s.dulyNotified + a.dulyNotified, appeared: s.appeared + a.appeared });
  }
  return registry.regions.map((r) => {
    const s = summonses.get(r.iso);
    return { region: r.iso, measures: { liable: r.liable, reserve: r.reserve, reserveOfficers: r.reserveOfficers, summonsed: s?.issued ?? 0, dulyNotified: s?.dulyNotified ?? 0, appeared: s?.appeared ?? 0 } };
  });
}

/**
 * Readiness of the military tier and the civil, economic, cyber and territorial-defence tiers per region, side by
 * side: aggregates only, no personal data. Some measures are shares in per cent, so there are no national sums.
 */
export async function fourTierReadiness(db: Db, ctx: { on: string; pack: Pack; clock: Clock }): Promise<FourTierReadiness> {
  const names = await db.query<{ iso: string; name_en: string; name_kk: string; name_ru: string }>('SELECT iso, name_en, name_kk, name_ru FROM regions ORDER BY iso');
  const byTier: Record<Tier, TierReadiness[]> = {
    military: await militaryReadiness(db, ctx),
    civil: await civilReadiness(db, ctx.clock),
    economic: await economyReadiness(db),
    cyber: await infrastructureReadiness(db),
    territorial: await territorialReadiness(db),
  };
  const tiers = TIERS.map((tier) => ({ tier, measures: Object.keys(byTier[tier][0]?.measures ?? {}) }));
  const lookup = Object.fromEntries(TIERS.map((t) => [t, new Map(byTier[t].map((r) => [r.region, r.measures]))])) as Record<Tier, Map<string, Record<string, number>>>;
  return {
    on: ctx.on,
    tiers,
    regions: names.map((r) => ({
      iso: r.iso,
      name: { en: r.name_en, kk: r.name_kk, ru: r.name_ru },
      values: Object.fromEntries(TIERS.map((t) => [t, lookup[t].get(r.iso) ?? Object.fromEntries(tiers.find((x) => x.tier === t)?.measures.map((m) => [m, 0]) ?? [])])) as Record<Tier, Record<string, number>>,
    })),
  };
}
