import type { Db } from '../../db/client.ts';

/** Same shape as every tier's readiness, so the lead's dashboard reads all four alike. */
export interface TierReadiness {
  region: string;
  measures: Record<string, number>;
}

/**
 * Economic readiness per region (every region, zeros included). Measures:
 *   enterprises                  enterprises registered in the region
 *   vehiclesDeclared             vehicles (all subtypes) declared on capacity lines located in the region
 *   vehiclesTasked               vehicles on tasks of the region's enterprises that were not declined
 *   vehiclesFree                 vehiclesDeclared − vehiclesTasked (not below 0)
 *   fuelTonnesPerDay             fuel supply declared in the region, t/day
 *   tasksOpen                    tasks of the region's enterprises assigned or accepted, not yet fulfilled
 *   requisitionsOpen             requisitions of property in the region approved and not closed, or awaiting approval
 *   compensationOutstandingTenge what the state still owes for requisitions in the region (whole tenge, rounded down)
 */
export async function economyReadiness(db: Db): Promise<TierReadiness[]> {
  const rows = await db.query<Record<string, number | string>>(
    `WITH tasks AS (
       SELECT t.id, t.bin, t.kind, t.quantity,
              EXISTS (SELECT 1 FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'decline') AS declined,
              coalesce((SELECT sum(a.quantity) FROM economy_task_actions a WHERE a.task_id = t.id AND a.action = 'progress'), 0) >= t.quantity AS fulfilled
         FROM economy_tasks t),
     req AS (
       SELECT r.id, r.region,
              EXISTS (SELECT 1 FROM economy_requisition_actions a WHERE a.requisition_id = r.id AND a.action = 'reject') AS rejected,
              coalesce((SELECT sum(CASE WHEN e.kind IN ('owed', 'damage') THEN e.amount_tiyn ELSE -e.amount_tiyn END) FROM economy_ledger e WHERE e.requisition_id = r.id), 0) AS balance,
              EXISTS (SELECT 1 FROM economy_ledger e WHERE e.requisition_id = r.id AND e.kind = 'returned') AS returned
         FROM economy_requisitions r)
     SELECT g.iso AS region,
            (SELECT count(*) FROM organisations o WHERE o.kind = 'enterprise' AND o.region = g.iso)::int AS enterprises,
            (SELECT coalesce(sum(c.quantity), 0) FROM economy_capacities c WHERE c.kind = 'vehicles' AND c.region = g.iso)::bigint AS vehicles_declared,
            (SELECT coalesce(sum(t.quantity), 0) FROM tasks t JOIN organisations o ON o.bin = t.bin WHERE t.kind = 'vehicles' AND NOT t.declined AND o.region = g.iso)::bigint AS vehicles_tasked,
            (SELECT coalesce(sum(c.quantity), 0) FROM economy_capacities c WHERE c.kind = 'fuel' AND c.region = g.iso)::bigint AS fuel,
            (SELECT count(*) FROM tasks t JOIN organisations o ON o.bin = t.bin WHERE NOT t.declined AND NOT t.fulfilled AND o.region = g.iso)::int AS tasks_open,
            (SELECT count(*) FROM req WHERE req.region = g.iso AND NOT req.rejected AND NOT (req.returned AND req.balance = 0))::int AS requisitions_open,
            (SELECT coalesce(sum(req.balance), 0) FROM req WHERE req.region = g.iso)::bigint AS outstanding_tiyn
       FROM regions g ORDER BY g.iso`,
  );
  return rows.map((r) => {
    const declared = Number(r.vehicles_declared);
    const tasked = Number(r.vehicles_tasked);
    return {
      region: String(r.region),
      measures: {
        enterprises: Number(r.enterprises),
        vehiclesDeclared: declared,
        vehiclesTasked: tasked,
        vehiclesFree: Math.max(0, declared - tasked),
        fuelTonnesPerDay: Number(r.fuel),
        tasksOpen: Number(r.tasks_open),
        requisitionsOpen: Number(r.requisitions_open),
        compensationOutstandingTenge: Math.floor(Number(r.outstanding_tiyn) / 100),
      },
    };
  });
}
