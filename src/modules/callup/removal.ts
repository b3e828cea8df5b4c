import type { Tx } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import type { PlanStatus } from './workflow.ts';

/**
 * Taking a person out of call-up plans after the fact (a reservation for essential civil work). Assignments are
 * append-only, so a removal is a row of `callup_plan_removals`: the plan's people and shortfall are read back net
 * of it, and issuing summonses skips the removed. A plan whose summonses are out is never changed here; the
 * person is returned as a conflict for an officer to resolve.
 */
export interface RemovalOutcome {
  removed: { planId: number; cell: number; status: PlanStatus }[];
  conflicts: { planId: number; cell: number }[];
}

export async function removeFromOpenPlans(
  tx: Tx,
  iin: string,
  ctx: { actor: string; at: Date; reason: string; reservationId: number | null; from: string; to: string },
): Promise<RemovalOutcome> {
  // Only plans whose appearance period overlaps [from, to] lose the person. The plans are locked first (as issuing
  // locks them), so a plan cannot be issued between reading its state here and writing the removal.
  await tx.query('SELECT id FROM callup_plans WHERE id IN (SELECT plan_id FROM callup_assignments WHERE iin = $1) ORDER BY id FOR UPDATE', [iin]);
  const { rows } = await tx.query<{ plan_id: number; cell: number; issued: boolean; approved: boolean }>(
    `SELECT a.plan_id, a.cell,
            EXISTS (SELECT 1 FROM callup_plan_actions x WHERE x.plan_id = a.plan_id AND x.action = 'issue') AS issued,
            EXISTS (SELECT 1 FROM callup_plan_actions x WHERE x.plan_id = a.plan_id AND x.action = 'approve') AS approved
       FROM callup_assignments a JOIN callup_plans cp ON cp.id = a.plan_id
      WHERE a.iin = $1
        AND (cp.order_doc->'appearance'->>'from')::date <= $3::date AND (cp.order_doc->'appearance'->>'to')::date >= $2::date
        AND NOT EXISTS (SELECT 1 FROM callup_plan_actions w WHERE w.plan_id = a.plan_id AND w.action = 'withdraw')
        AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = a.plan_id AND r.iin = a.iin)
      ORDER BY a.plan_id`,
    [iin, ctx.from, ctx.to],
  );
  const out: RemovalOutcome = { removed: [], conflicts: [] };
  for (const r of rows) {
    const planId = Number(r.plan_id);
    const cell = Number(r.cell);
    if (r.issued) {
      out.conflicts.push({ planId, cell });
      continue;
    }
    await tx.query('INSERT INTO callup_plan_removals (plan_id, iin, cell, at, actor, reason, reservation_id) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      planId, iin, cell, ctx.at, ctx.actor, ctx.reason, ctx.reservationId,
    ]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'callup.plan.remove', subject: `callup_plan:${planId}`, details: { iin, cell, reason: ctx.reason, reservation: ctx.reservationId } });
    out.removed.push({ planId, cell, status: r.approved ? 'approved' : 'draft' });
  }
  return out;
}

/** Per cell, how many people were removed from a plan after it was written. */
export async function planRemovals(q: Pick<Tx, 'query'>, planId: number): Promise<{ cell: number; removed: number }[]> {
  const { rows } = await q.query<{ cell: number; n: number }>('SELECT cell, count(*)::int AS n FROM callup_plan_removals WHERE plan_id = $1 GROUP BY cell ORDER BY cell', [planId]);
  return rows.map((r) => ({ cell: Number(r.cell), removed: Number(r.n) }));
}
