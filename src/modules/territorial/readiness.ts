import type { Db } from '../../db/client.ts';
import { listEvacuationPlans } from './evacuation.ts';

/** Same shape as the other tiers' readiness, declared here so no tier depends on another for it. */
export interface TierReadiness {
  region: string;
  measures: Record<string, number>;
}

/**
 * Territorial-defence readiness per region (every region, zeros where nothing is set up):
 *   units              — territorial-defence units raised in the region
 *   strengthTarget     — their target strength, summed
 *   members            — people serving in them (volunteers + reservists)
 *   strengthPct        — members / strengthTarget in whole percent (0 with no units)
 *   volunteers         — of the members, volunteers
 *   critObjects        — criticality-1 (national) infrastructure objects in the region
 *   critProtected      — of those, guarded by at least one unit
 *   critUnprotected    — of those, guarded by none
 *   shelterPlaces      — places in the region's shelters
 *   evacPlansApproved  — approved evacuation plans
 *   evacPeopleToMove   — people those plans move (district population as the plans' check derives it)
 *   evacCoveragePct    — of them, the share the tighter of shelter places and transport seat-trips lets through,
 *                        in whole percent (0 with no approved plan). Limitation: places and fleets are not
 *                        allocated to plans, so approved plans naming the same shelters or buses each count them in
 *                        full and this overstates coverage (see docs/territorial.md).
 */
export async function territorialReadiness(db: Db): Promise<TierReadiness[]> {
  const rows = await db.query<{ iso: string; units: number; target: number; members: number; volunteers: number; crit: number; protected: number; places: number }>(
    `SELECT r.iso,
            (SELECT count(*) FROM td_units u WHERE u.region = r.iso)::int AS units,
            (SELECT coalesce(sum(strength_target), 0) FROM td_units u WHERE u.region = r.iso)::int AS target,
            (SELECT count(*) FROM td_members m JOIN td_units u ON u.id = m.unit_id WHERE u.region = r.iso)::int AS members,
            (SELECT count(*) FROM td_members m JOIN td_units u ON u.id = m.unit_id WHERE u.region = r.iso AND m.basis = 'volunteer')::int AS volunteers,
            (SELECT count(*) FROM infrastructure_objects o WHERE o.region = r.iso AND o.criticality = 1)::int AS crit,
            (SELECT count(*) FROM infrastructure_objects o WHERE o.region = r.iso AND o.criticality = 1
                AND EXISTS (SELECT 1 FROM td_protection g WHERE g.object_id = o.id AND g.ended_at IS NULL))::int AS protected,
            (SELECT coalesce(sum(capacity), 0) FROM td_shelters s WHERE s.region = r.iso)::bigint AS places
       FROM regions r ORDER BY r.iso`,
  );
  const approved = (await listEvacuationPlans(db, { region: null, district: null })).filter((p) => p.status === 'approved');
  return rows.map((r) => {
    const plans = approved.filter((p) => p.region === r.iso);
    const toMove = plans.reduce((n, p) => n + p.check.peopleToMove, 0);
    const through = plans.reduce((n, p) => n + Math.min(p.check.peopleToMove, p.check.shelterPlaces, p.check.seatTrips), 0);
    return {
      region: r.iso,
      measures: {
        units: Number(r.units),
        strengthTarget: Number(r.target),
        members: Number(r.members),
        strengthPct: Number(r.target) > 0 ? Math.floor((100 * Number(r.members)) / Number(r.target)) : 0,
        volunteers: Number(r.volunteers),
        critObjects: Number(r.crit),
        critProtected: Number(r.protected),
        critUnprotected: Number(r.crit) - Number(r.protected),
        shelterPlaces: Number(r.places),
        evacPlansApproved: plans.length,
        evacPeopleToMove: toMove,
        evacCoveragePct: plans.length === 0 ? 0 : toMove === 0 ? 100 : Math.floor((100 * through) / toMove),
      },
    };
  });
}
