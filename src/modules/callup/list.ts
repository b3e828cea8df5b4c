import type { Db } from '../../db/client.ts';
import type { PlanReport } from './plan.ts';
import { planState, type PlanAction, type PlanStatus } from './workflow.ts';

export interface PlanSummary {
  id: number;
  orderId: string;
  version: number;
  title: string;
  exercise: boolean;
  createdAt: Date;
  createdBy: string;
  status: PlanStatus;
  approvedBy: string | null;
  /** Per cell: receiving agency, quota, filled and shortfall (no personal data). */
  cells: Pick<PlanReport['cells'][number], 'agency' | 'quota' | 'filled' | 'shortfall'>[];
}

/** The newest plans first, each with its status derived from its action log. */
export async function listPlans(db: Db, limit = 100): Promise<PlanSummary[]> {
  const plans = await db.query<{ id: number; order_id: string; version: number; exercise: boolean; created_at: Date; created_by: string; title: string; cells: PlanSummary['cells'] }>(
    `SELECT id, order_id, version, exercise, created_at, created_by, order_doc->>'title' AS title,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('agency', c->'agency', 'quota', c->'quota', 'filled', c->'filled', 'shortfall', c->'shortfall')), '[]'::jsonb)
               FROM jsonb_array_elements(report->'cells') c) AS cells
       FROM callup_plans ORDER BY id DESC LIMIT ${Math.max(1, Math.min(1000, Math.trunc(limit)))}`,
  );
  if (plans.length === 0) return [];
  const log = await db.query<{ plan_id: number; seq: number; at: Date; actor: string; action: PlanAction; note: string | null }>(
    'SELECT plan_id, seq, at, actor, action, note FROM callup_plan_actions WHERE plan_id = ANY($1) ORDER BY plan_id, seq',
    [plans.map((p) => Number(p.id))],
  );
  return plans.map((p) => {
    const state = planState(log.filter((e) => Number(e.plan_id) === Number(p.id)).map((e) => ({ seq: Number(e.seq), at: new Date(e.at), actor: e.actor, action: e.action, note: e.note })));
    return {
      id: Number(p.id), orderId: p.order_id, version: Number(p.version), title: p.title, exercise: p.exercise, createdAt: new Date(p.created_at),
      createdBy: p.created_by, status: state.status, approvedBy: state.approvedBy, cells: p.cells,
    };
  });
}
