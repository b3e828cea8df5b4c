import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import type { ScopeSql } from '../registry/index.ts';
import type { SummonsStages } from './read-model.ts';
import type { LegalState } from './reducer.ts';

export { summonsStages, type SummonsStages } from './read-model.ts';

export interface FunnelFilter {
  planId?: number;
  region?: string;
  district?: string;
  /** Which persons' summonses the reader may see. */
  scope: ScopeSql;
}

export interface FunnelCounts {
  issued: number;
  sent: number;
  delivered: number;
  dulyNotified: number;
  appeared: number;
  excused: number;
  referred: number;
  reasonPending: number;
}

export interface FunnelRow extends FunnelCounts {
  region: string;
  district: string | null;
}

export interface Funnel {
  totals: FunnelCounts;
  areas: FunnelRow[];
}

const zero = (): FunnelCounts => ({ issued: 0, sent: 0, delivered: 0, dulyNotified: 0, appeared: 0, excused: 0, referred: 0, reasonPending: 0 });

/**
 * The WHERE clause over the read model (alias st) for a filter: live summonses only unless a plan is named (an
 * exercise is asked for by its plan); the reader's scope over the person, checked per row only when it is not
 * everyone (region and district narrow the rows first, by index).
 */
function modelWhere(f: FunnelFilter, params: unknown[]): string {
  const where: string[] = [];
  if (f.planId !== undefined) where.push(`st.plan_id = $${params.push(f.planId)}`);
  else where.push('st.exercise = false');
  if (f.region) where.push(`st.region = $${params.push(f.region)}`);
  if (f.district) where.push(`st.district = $${params.push(f.district)}`);
  const scope = f.scope('p', params);
  if (scope !== 'true') where.push(`EXISTS (SELECT 1 FROM persons p WHERE p.iin = st.iin AND ${scope})`);
  return where.join(' AND ');
}

const COUNTS = `count(*)::int AS issued, count(*) FILTER (WHERE st.sent)::int AS sent, count(*) FILTER (WHERE st.delivered)::int AS delivered,
  count(*) FILTER (WHERE st.duly_notified)::int AS "dulyNotified", count(*) FILTER (WHERE st.appeared)::int AS appeared,
  count(*) FILTER (WHERE st.excused)::int AS excused, count(*) FILTER (WHERE st.referred)::int AS referred,
  count(*) FILTER (WHERE st.reason_pending IS NOT NULL)::int AS "reasonPending"`;

/**
 * The summons funnel per region and district: counts only, no personal data, so the read is not audited. One
 * aggregate over the read model, whose every row is the reducer's state of its summons' ledger.
 */
export async function summonsFunnel(db: Db, f: FunnelFilter): Promise<Funnel> {
  const params: unknown[] = [];
  const rows = await db.query<FunnelRow>(
    `SELECT st.region, st.district, ${COUNTS} FROM summons_state st WHERE ${modelWhere(f, params)} GROUP BY st.region, st.district`,
    params,
  );
  const totals = zero();
  for (const r of rows) for (const k of Object.keys(totals) as (keyof FunnelCounts)[]) totals[k] += Number(r[k]);
  return { totals, areas: rows.sort((a, b) => a.region.localeCompare(b.region) || (a.district ?? '').localeCompare(b.district ?? '')) };
}

export interface FunnelSummons extends SummonsStages {
  id: string;
  iin: string;
  name: string;
  region: string;
  district: string | null;
  channels: string[];
  appearanceAt: string;
  legal: LegalState;
  reasonPending: string | null;
  lastEvidenceAt: string;
}

/** Which summonses of the funnel a list shows: one legal state, a stage reached or not yet reached. */
export const FunnelListQuery = z.object({
  legal: z.enum(['not_notified', 'duly_notified', 'refused', 'excused', 'appeared', 'referred']).optional(),
  stage: z.enum(['sent', 'delivered', 'duly_notified', 'appeared', 'reason_pending']).optional(),
  missing: z.enum(['sent', 'delivered', 'duly_notified', 'appeared']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type FunnelListQuery = z.infer<typeof FunnelListQuery>;

const STAGE_COLUMN = { sent: 'st.sent', delivered: 'st.delivered', duly_notified: 'st.duly_notified', appeared: 'st.appeared', reason_pending: 'st.reason_pending IS NOT NULL' } as const;

/**
 * One page of the summonses behind a funnel, in summons order, with names: personal data, so the read is audited
 * with the filter and the number listed. Reads the model only; a page costs an index range and 50 name lookups.
 */
export async function funnelSummonses(db: Db, f: FunnelFilter & Partial<FunnelListQuery>, ctx: { actor: string; at: Date }): Promise<{ summonses: FunnelSummons[]; total: number; page: number; pageSize: number }> {
  const q = FunnelListQuery.parse({ legal: f.legal, stage: f.stage, missing: f.missing, page: f.page, pageSize: f.pageSize });
  const params: unknown[] = [];
  const where = [modelWhere(f, params)];
  if (q.legal) where.push(`st.legal = $${params.push(q.legal)}`);
  if (q.stage) where.push(STAGE_COLUMN[q.stage]);
  if (q.missing) where.push(`NOT ${STAGE_COLUMN[q.missing]}`);
  return db.transaction(async (tx) => {
    const { rows: count } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM summons_state st WHERE ${where.join(' AND ')}`, params);
    const { rows } = await tx.query<{ summons_id: string | number; iin: string; region: string; district: string | null; channels: string[]; appearance_at: Date; legal: LegalState; reason_pending: string | null; sent: boolean; delivered: boolean; duly_notified: boolean; appeared: boolean; last_evidence_at: Date; last_name: string; first_name: string; patronymic: string | null }>(
      `SELECT st.summons_id, st.iin, st.region, st.district, st.channels, st.appearance_at, st.legal, st.reason_pending, st.sent, st.delivered,
              st.duly_notified, st.appeared, st.last_evidence_at, p.last_name, p.first_name, p.patronymic
         FROM summons_state st JOIN persons p ON p.iin = st.iin
        WHERE ${where.join(' AND ')} ORDER BY st.summons_id LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    const out = rows.map((r): FunnelSummons => ({
      id: String(r.summons_id), iin: r.iin, name: [r.last_name, r.first_name, r.patronymic].filter(Boolean).join(' '), region: r.region, district: r.district,
      channels: r.channels, appearanceAt: new Date(r.appearance_at).toISOString(), legal: r.legal, reasonPending: r.reason_pending,
      sent: r.sent, delivered: r.delivered, dulyNotified: r.duly_notified, appeared: r.appeared, lastEvidenceAt: new Date(r.last_evidence_at).toISOString(),
    }));
    await appendAudit(tx, {
      at: ctx.at, actor: ctx.actor, action: 'summons.list.read', subject: f.planId !== undefined ? `callup_plan:${f.planId}` : null,
      details: { region: f.region ?? null, district: f.district ?? null, legal: q.legal ?? null, stage: q.stage ?? null, missing: q.missing ?? null, page: q.page, summonses: out.length, iins: out.map((x) => x.iin) },
    });
    return { summonses: out, total: Number(count[0]?.n ?? 0), page: q.page, pageSize: q.pageSize };
  });
}
