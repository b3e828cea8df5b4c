import type { Tx } from '../../db/client.ts';

/**
 * A place that holds a person for the military call-up: assignment `a` in plan `p` where the plan is the newest
 * version of its order, neither an exercise nor withdrawn (a draft holds as much as an approved plan), and the
 * person has not been removed from it. The civil, cyber and territorial-defence tiers leave such people out, so
 * nobody is counted on twice.
 */
function holdingPlaceSql(a: string, p: string): string {
  return `NOT ${p}.exercise
      AND ${p}.version = (SELECT max(v.version) FROM callup_plans v WHERE v.order_id = ${p}.order_id)
      AND NOT EXISTS (SELECT 1 FROM callup_plan_actions w WHERE w.plan_id = ${p}.id AND w.action = 'withdraw')
      AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = ${a}.plan_id AND r.iin = ${a}.iin)`;
}

/** SQL (on an IIN column) true when the person is held by the call-up (see holdingPlaceSql). */
export function heldByCallupSql(iinColumn: string): string {
  return `EXISTS (SELECT 1 FROM callup_assignments held_a JOIN callup_plans held_p ON held_p.id = held_a.plan_id
                   WHERE held_a.iin = ${iinColumn} AND ${holdingPlaceSql('held_a', 'held_p')})`;
}

/** Of the given people, those held by the call-up, each with the newest plan that holds them. */
export async function heldByCallup(q: Pick<Tx, 'query'>, iins: readonly string[]): Promise<Map<string, number>> {
  if (iins.length === 0) return new Map();
  const { rows } = await q.query<{ iin: string; plan_id: number }>(
    `SELECT DISTINCT ON (a.iin) a.iin, a.plan_id
       FROM callup_assignments a JOIN callup_plans p ON p.id = a.plan_id
      WHERE a.iin = ANY($1) AND ${holdingPlaceSql('a', 'p')}
      ORDER BY a.iin, a.plan_id DESC`,
    [iins],
  );
  return new Map(rows.map((r) => [r.iin, Number(r.plan_id)]));
}
