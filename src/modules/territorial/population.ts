import type { Query } from './context.ts';

/**
 * District population, which no reference table holds: the region's population (regions.population_k × 1000) shared
 * out in proportion to the registry's persons living in each district, rounded to whole people:
 *   pop(d) = round(population_k × 1000 × persons(d) / persons(region)).
 * The registry covers part of the population, but as a sample it spreads like it; a region with nobody on the
 * registry gives every district 0 (then the plan moves nobody, and the check says so).
 */
export async function districtPopulation(q: Query, region: string, districts: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await q.query<{ district: string; pop: number }>(
    `WITH total AS (SELECT count(*)::numeric AS n FROM persons WHERE region = $1),
          per AS (SELECT district, count(*)::numeric AS n FROM persons WHERE region = $1 AND district = ANY($2) GROUP BY district)
     SELECT d AS district,
            CASE WHEN t.n = 0 THEN 0 ELSE round(r.population_k * 1000 * coalesce(per.n, 0) / t.n) END::int AS pop
       FROM unnest($2::text[]) d CROSS JOIN total t JOIN regions r ON r.iso = $1 LEFT JOIN per ON per.district = d`,
    [region, districts],
  );
  return new Map(rows.map((r) => [r.district, Number(r.pop)]));
}
