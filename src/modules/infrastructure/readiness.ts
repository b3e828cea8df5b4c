import type { Db } from '../../db/client.ts';
import { regions } from '../registry/index.ts';
import { STATUS_SQL } from './incidents.ts';

/** Same shape as the other tiers' readiness, declared here so the tiers stay independent. */
export interface TierReadiness {
  region: string;
  measures: Record<string, number>;
}

/**
 * Per region (every region, zeros included):
 * - objects: critical infrastructure objects on the register
 * - nationalObjects: of those, criticality 1 (national importance)
 * - cyberUnits: cyber reserve units based in the region
 * - cyberReservists: people who are members of those units
 * - cyberFill: members as a share of the units' size targets, in per cent (0 when there are no units)
 * - openIncidents: incidents not yet resolved (open or contained)
 * - criticalOpenIncidents: of those, of critical severity
 */
export async function infrastructureReadiness(db: Db): Promise<TierReadiness[]> {
  const [objects, units, incidents] = await Promise.all([
    db.query<{ region: string; n: number; national: number }>(
      'SELECT region, count(*)::int AS n, count(*) FILTER (WHERE criticality = 1)::int AS national FROM infrastructure_objects GROUP BY region',
    ),
    db.query<{ region: string; units: number; members: number; target: number }>(
      `SELECT u.home_region AS region, count(*)::int AS units, sum((SELECT count(*) FROM cyber_unit_members m WHERE m.unit_id = u.id))::int AS members,
              sum(u.size_target)::int AS target
         FROM cyber_units u GROUP BY u.home_region`,
    ),
    db.query<{ region: string; open: number; critical: number }>(
      `SELECT i.region, count(*)::int AS open, count(*) FILTER (WHERE i.severity = 'critical')::int AS critical
         FROM infra_incidents i WHERE ${STATUS_SQL} <> 'resolved' GROUP BY i.region`,
    ),
  ]);
  const by = <T extends { region: string }>(rows: T[]) => new Map(rows.map((r) => [r.region, r]));
  const o = by(objects);
  const u = by(units);
  const inc = by(incidents);
  return regions().map(({ iso }) => {
    const uu = u.get(iso);
    return {
      region: iso,
      measures: {
        objects: Number(o.get(iso)?.n ?? 0),
        nationalObjects: Number(o.get(iso)?.national ?? 0),
        cyberUnits: Number(uu?.units ?? 0),
        cyberReservists: Number(uu?.members ?? 0),
        cyberFill: uu && Number(uu.target) > 0 ? Math.round((100 * Number(uu.members)) / Number(uu.target)) : 0,
        openIncidents: Number(inc.get(iso)?.open ?? 0),
        criticalOpenIncidents: Number(inc.get(iso)?.critical ?? 0),
      },
    };
  });
}
