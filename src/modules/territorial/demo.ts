import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { seededRng } from '../../kernel/rng.ts';
import type { TdContext } from './context.ts';
import { createEvacuationPlan } from './evacuation.ts';
import { fillUnit } from './members.ts';
import { assignProtection } from './protection.ts';
import { addShelter, addTransport } from './resources.ts';
import { assignTask } from './tasks.ts';
import { createUnit } from './units.ts';

export interface TerritorialDemoSummary {
  units: number;
  members: number;
  shelters: number;
  fleets: number;
  guarded: number;
  planId: number | null;
}

/**
 * Demo territorial defence built from the seeded registry, the same for the same seed and registry: in each region
 * with people, a regional territorial-troops unit and a volunteer formation for its most populous district, both
 * filled by fillUnit's order; two shelters in each of the region's next districts and a bus fleet per district;
 * every other criticality-1 object guarded by the regional unit (none when the infrastructure register is empty, so
 * the unprotected list shows something too); one evacuation plan, left as a draft for a second person to approve.
 */
export async function seedTerritorialDemo(db: Db, opts: { seed: number; clock: Clock; actor: string }): Promise<TerritorialDemoSummary> {
  const rng = seededRng(`territorial:${opts.seed}`);
  const ctx: TdContext = { actor: opts.actor, clock: opts.clock, area: { region: null, district: null } };
  const regions = await db.query<{ region: string; district: string; n: number }>(
    'SELECT region, district, count(*)::int AS n FROM persons WHERE district IS NOT NULL GROUP BY region, district ORDER BY region, count(*) DESC, district',
  );
  const byRegion = new Map<string, { district: string; n: number }[]>();
  for (const r of regions) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), { district: r.district, n: Number(r.n) }]);
  const summary: TerritorialDemoSummary = { units: 0, members: 0, shelters: 0, fleets: 0, guarded: 0, planId: null };
  let planRegion: { region: string; districts: { district: string; n: number }[] } | null = null;
  for (const [region, districts] of byRegion) {
    const top = districts[0] as { district: string; n: number };
    const regional = await createUnit(db, { name: `${region} territorial defence battalion`, region, kind: 'territorial_troops', strengthTarget: 40 + rng.int(0, 4) * 10 }, ctx);
    const local = await createUnit(db, { name: `${top.district} volunteer company`, region, district: top.district, kind: 'volunteer_formation', strengthTarget: 20 + rng.int(0, 3) * 5 }, ctx);
    summary.units += 2;
    for (const u of [local, regional]) summary.members += (await fillUnit(db, u.id, { ...ctx, apply: true })).proposed.length;
    for (const [i, d] of districts.slice(1, 3).entries()) {
      for (const k of [1, 2]) {
        await addShelter(db, { name: `School ${i * 2 + k}`, region, district: d.district, capacity: 500 * rng.int(2, 12) }, ctx);
        summary.shelters++;
      }
    }
    for (const d of districts.slice(0, 3)) {
      await addTransport(db, { label: 'Municipal buses', region, district: d.district, vehicles: rng.int(10, 60), seats: 45, tripsPerDay: 3 }, ctx);
      summary.fleets++;
    }
    const objects = await db.query<{ id: number }>('SELECT id FROM infrastructure_objects WHERE region = $1 AND criticality = 1 ORDER BY code', [region]);
    for (const [i, o] of objects.entries()) {
      if (i % 2 === 1) continue;
      await assignProtection(db, regional.id, { objectId: Number(o.id), shiftStrength: 4 + rng.int(0, 4) }, ctx);
      summary.guarded++;
    }
    await assignTask(db, local.id, { kind: 'fortify', location: `${top.district} river crossing`, dueDate: '2026-12-15' }, ctx);
    if (districts.length >= 3 && (!planRegion || districts[0]!.n > planRegion.districts[0]!.n)) planRegion = { region, districts };
  }
  if (planRegion) {
    const [from, ...to] = planRegion.districts.slice(0, 3).map((d) => d.district);
    const plan = await createEvacuationPlan(db, { name: `Evacuation of ${from}`, region: planRegion.region, fromDistricts: [from], toDistricts: to, windowHours: 48 }, ctx);
    summary.planId = plan.id;
  }
  return summary;
}
