import type { Db } from '../../db/client.ts';
import { compilePredicate, findRuleSet, type Pack } from '../eligibility/index.ts';

/** The measures of readiness per region; every one is a count of persons on the registry. */
export const READINESS_MEASURES = ['persons', 'registered', 'reserve', 'reserveOfficers', 'liable', 'essentialWorkers', 'volunteers', 'withoutMobile'] as const;
export type ReadinessMeasure = (typeof READINESS_MEASURES)[number];

/** Rule sets behind the two measures that are eligibility counts rather than fields. */
export const LIABLE_RULE_SET = 'reserve-mobilization';
export const ESSENTIAL_RULE_SET = 'essential-worker-reservation';

export interface RegionReadiness extends Record<ReadinessMeasure, number> {
  iso: string;
  name: { en: string; kk: string; ru: string };
  populationK: number;
}

export interface Readiness {
  on: string;
  /** The rule-set versions the liable and essential-worker counts were made with. */
  ruleSets: { liable: string; essentialWorkers: string };
  regions: RegionReadiness[];
  totals: Record<ReadinessMeasure, number>;
}

/**
 * Readiness per region on a date: registry counts (on the military register, in the reserve, reserve officers,
 * volunteers, no mobile number for an SMS summons) and two eligibility counts through the rule pack's SQL compiler
 * (liable to call-up on mobilization; reserved as essential workers). Aggregates only, no personal data.
 */
export async function regionReadiness(db: Db, ctx: { on: string; pack: Pack }): Promise<Readiness> {
  const liableRs = findRuleSet(ctx.pack, LIABLE_RULE_SET, ctx.on).ruleSet;
  const essentialRs = findRuleSet(ctx.pack, ESSENTIAL_RULE_SET, ctx.on).ruleSet;
  // One pass over the registry: both rule sets are compiled to predicates and counted as filters of the same scan.
  const liable = compilePredicate(liableRs, { on: ctx.on, alias: 'p' });
  const essential = compilePredicate(essentialRs, { on: ctx.on, alias: 'p', bound: liable.params.length });
  const rows = await db.query<{ iso: string; name_en: string; name_kk: string; name_ru: string; population_k: number; persons: number; registered: number; reserve: number; officers: number; volunteers: number; no_mobile: number; liable: number; essential: number }>(
    `WITH c AS (
       SELECT p.region,
              count(*)::int AS persons,
              count(*) FILTER (WHERE p.mil_registered)::int AS registered,
              count(*) FILTER (WHERE p.mil_category IN ('reserve_soldier', 'reserve_sergeant', 'reserve_officer'))::int AS reserve,
              count(*) FILTER (WHERE p.mil_category = 'reserve_officer')::int AS officers,
              count(*) FILTER (WHERE p.volunteer)::int AS volunteers,
              count(*) FILTER (WHERE p.mobile IS NULL)::int AS no_mobile,
              count(*) FILTER (WHERE ${liable.sql})::int AS liable,
              count(*) FILTER (WHERE ${essential.sql})::int AS essential
         FROM persons p GROUP BY p.region)
     SELECT r.iso, r.name_en, r.name_kk, r.name_ru, r.population_k, coalesce(c.persons, 0) AS persons, coalesce(c.registered, 0) AS registered,
            coalesce(c.reserve, 0) AS reserve, coalesce(c.officers, 0) AS officers, coalesce(c.volunteers, 0) AS volunteers,
            coalesce(c.no_mobile, 0) AS no_mobile, coalesce(c.liable, 0) AS liable, coalesce(c.essential, 0) AS essential
       FROM regions r LEFT JOIN c ON c.region = r.iso ORDER BY r.iso`,
    [...liable.params, ...essential.params],
  );
  const regions: RegionReadiness[] = rows.map((r) => ({
    iso: r.iso,
    name: { en: r.name_en, kk: r.name_kk, ru: r.name_ru },
    populationK: Number(r.population_k),
    persons: Number(r.persons),
    registered: Number(r.registered),
    reserve: Number(r.reserve),
    reserveOfficers: Number(r.officers),
    liable: Number(r.liable),
    essentialWorkers: Number(r.essential),
    volunteers: Number(r.volunteers),
    withoutMobile: Number(r.no_mobile),
  }));
  const totals = Object.fromEntries(READINESS_MEASURES.map((m) => [m, regions.reduce((n, r) => n + r[m], 0)])) as Record<ReadinessMeasure, number>;
  return { on: ctx.on, ruleSets: { liable: `${liableRs.id}@${liableRs.version}`, essentialWorkers: `${essentialRs.id}@${essentialRs.version}` }, regions, totals };
}
