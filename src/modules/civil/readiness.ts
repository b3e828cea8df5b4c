import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { kzDate, systemClock } from '../../kernel/clock.ts';
import { ESSENTIAL_SECTORS } from './context.ts';

interface TierReadiness {
  region: string;
  measures: Record<string, number>;
}

/**
 * The civil tier's readiness per region (ISO code), no personal data:
 * - essential: people in the registry working in an essential sector (health, logistics, communications, energy, cyber), by home region
 * - reserved: of them (or anyone), people under an approved, unrevoked reservation valid today, by home region
 * - taskDemand: places asked for by civil tasks not withdrawn, by the task's (receiving) region
 * - assigned: people assigned to those tasks, by the task's region
 * - shortfall: taskDemand − assigned
 */
export async function civilReadiness(db: Db, clock: Clock = systemClock): Promise<TierReadiness[]> {
  const today = kzDate(clock.now());
  const rows = await db.query<{ region: string; essential: number; reserved: number; demand: number; assigned: number }>(
    `WITH live AS (SELECT t.* FROM civil_tasks t WHERE NOT EXISTS (SELECT 1 FROM civil_task_actions w WHERE w.task_id = t.id AND w.action = 'withdraw')),
     e AS (SELECT region, count(*)::int AS n FROM persons WHERE sector = ANY($1::text[]) GROUP BY region),
     r AS (SELECT p.region, count(DISTINCT p.iin)::int AS n FROM callup_exclusions x JOIN persons p ON p.iin = x.iin
            WHERE $2::date BETWEEN x.valid_from AND x.valid_to GROUP BY p.region),
     d AS (SELECT region, sum((l->>'count')::int)::int AS n FROM live, jsonb_array_elements(lines) l GROUP BY region),
     a AS (SELECT live.region, count(*)::int AS n FROM live JOIN civil_task_assignments ca ON ca.task_id = live.id GROUP BY live.region)
     SELECT g.iso AS region, coalesce(e.n, 0) AS essential, coalesce(r.n, 0) AS reserved, coalesce(d.n, 0) AS demand, coalesce(a.n, 0) AS assigned
       FROM regions g LEFT JOIN e ON e.region = g.iso LEFT JOIN r ON r.region = g.iso LEFT JOIN d ON d.region = g.iso LEFT JOIN a ON a.region = g.iso
      ORDER BY g.iso`,
    [[...ESSENTIAL_SECTORS], today],
  );
  return rows.map((x) => ({
    region: x.region,
    measures: { essential: Number(x.essential), reserved: Number(x.reserved), taskDemand: Number(x.demand), assigned: Number(x.assigned), shortfall: Number(x.demand) - Number(x.assigned) },
  }));
}
