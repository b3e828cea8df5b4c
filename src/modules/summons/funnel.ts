import type { Db, Tx } from '../../db/client.ts';
import { appendAudit } from '../audit/index.ts';
import type { ScopeSql } from '../registry/index.ts';
import type { ActionOf } from './actions.ts';
import { summonsLogs } from './ledger-batch.ts';
import { reduceSummons, type LegalState, type SummonsState } from './reducer.ts';

export interface FunnelFilter {
  planId?: number;
  region?: string;
  district?: string;
  /** Which persons' summonses the reader may see. */
  scope: ScopeSql;
}

/** The stages of one summons, each by its own definition (see summonsStages). */
export interface SummonsStages {
  sent: boolean;
  delivered: boolean;
  dulyNotified: boolean;
  appeared: boolean;
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

/**
 * Where one summons stands in the funnel, from the legal state the reducer derives out of the evidence ledger:
 * - sent: the SMSC accepted an SMS, the e-Gov message was posted, or a paper summons was handed over or refused;
 * - delivered: every part of some SMS has a "delivered" report, the e-Gov message was reported read, or paper
 *   was handed over or refused (so delivered implies sent);
 * - duly notified: the reducer's notification status is duly_notified or refused (a refused paper counts);
 * - appeared: the legal state is appeared (recorded by an officer, whatever the notification).
 */
export function summonsStages(state: SummonsState): SummonsStages {
  const ev = state.evidence;
  const delivered = new Set(ev.filter((e) => e.kind === 'sms_delivery_report' && e.status === 'delivered').map((e) => (e as ActionOf<'sms_delivery_report'>).messageId));
  const paper = ev.some((e) => e.kind === 'paper_received' || e.kind === 'paper_refused');
  const egovPosted = ev.some((e) => e.kind === 'egov_posted');
  const sent = paper || egovPosted || ev.some((e) => e.kind === 'sms_submitted');
  const smsDelivered = ev.some((e) => e.kind === 'sms_submitted' && e.messageIds.every((id) => delivered.has(id)));
  const egovRead = egovPosted && ev.some((e) => e.kind === 'read_status' && e.channel === 'egov' && e.status === 'read');
  return {
    sent,
    delivered: paper || smsDelivered || egovRead,
    dulyNotified: state.notification !== 'not_notified',
    appeared: state.legal === 'appeared',
  };
}

const SCAN = 2000;

interface HeadRow {
  id: string | number;
  iin: string;
  region: string;
  district: string | null;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  channels: string[];
  appearance_at: Date;
}

/**
 * Folds the ledger of every summons the filter selects, a batch at a time, handing each with its state to `visit`
 * until it answers false.
 */
async function eachSummons(tx: Tx, f: FunnelFilter, visit: (head: HeadRow, state: SummonsState) => boolean | void): Promise<void> {
  const params: unknown[] = [];
  const where = [f.scope('p', params)];
  if (f.planId !== undefined) where.push(`s.plan_id = $${params.push(f.planId)}`);
  if (f.region) where.push(`p.region = $${params.push(f.region)}`);
  if (f.district) where.push(`p.district = $${params.push(f.district)}`);
  for (let after = 0; ; ) {
    const { rows } = await tx.query<HeadRow>(
      `SELECT s.id, s.iin, p.region, p.district, p.last_name, p.first_name, p.patronymic, s.channels, s.appearance_at
         FROM summonses s JOIN persons p ON p.iin = s.iin
        WHERE ${where.join(' AND ')} AND s.id > $${params.length + 1} ORDER BY s.id LIMIT ${SCAN}`,
      [...params, after],
    );
    if (rows.length === 0) return;
    after = Number((rows[rows.length - 1] as HeadRow).id);
    const logs = await summonsLogs(tx, rows.map((r) => r.id));
    for (const r of rows) if (visit(r, reduceSummons(logs.get(String(r.id)) ?? [])) === false) return;
  }
}

const zero = (): FunnelCounts => ({ issued: 0, sent: 0, delivered: 0, dulyNotified: 0, appeared: 0, excused: 0, referred: 0, reasonPending: 0 });

function add(c: FunnelCounts, s: SummonsStages, legal: LegalState, reasonPending: boolean): void {
  c.issued++;
  if (s.sent) c.sent++;
  if (s.delivered) c.delivered++;
  if (s.dulyNotified) c.dulyNotified++;
  if (s.appeared) c.appeared++;
  if (legal === 'excused') c.excused++;
  if (legal === 'referred') c.referred++;
  if (reasonPending) c.reasonPending++;
}

/**
 * The summons funnel per region and district: counts only, no personal data, so the read is not audited. Every
 * summons is folded through reduceSummons, the same derivation as the legal state shown anywhere else.
 */
export async function summonsFunnel(db: Db, f: FunnelFilter): Promise<Funnel> {
  const totals = zero();
  const areas = new Map<string, FunnelRow>();
  await db.transaction((tx) =>
    eachSummons(tx, f, (h, state) => {
      const key = `${h.region}\u0000${h.district ?? ''}`;
      let row = areas.get(key);
      if (!row) areas.set(key, (row = { region: h.region, district: h.district, ...zero() }));
      const stages = summonsStages(state);
      add(row, stages, state.legal, state.pendingReason !== null);
      add(totals, stages, state.legal, state.pendingReason !== null);
    }),
  );
  return { totals, areas: [...areas.values()].sort((a, b) => a.region.localeCompare(b.region) || (a.district ?? '').localeCompare(b.district ?? '')) };
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
}

export const FUNNEL_LIST_LIMIT = 500;

/**
 * The summonses behind a funnel (at most FUNNEL_LIST_LIMIT, in summons order), with names: personal data, so the
 * read is audited with the filter and the number listed.
 */
export async function funnelSummonses(db: Db, f: FunnelFilter, ctx: { actor: string; at: Date }): Promise<{ summonses: FunnelSummons[]; truncated: boolean }> {
  return db.transaction(async (tx) => {
    const out: FunnelSummons[] = [];
    let truncated = false;
    await eachSummons(tx, f, (h, state) => {
      if (out.length >= FUNNEL_LIST_LIMIT) {
        truncated = true;
        return false;
      }
      out.push({
        id: String(h.id), iin: h.iin, name: [h.last_name, h.first_name, h.patronymic].filter(Boolean).join(' '), region: h.region, district: h.district,
        channels: h.channels, appearanceAt: new Date(h.appearance_at).toISOString(), legal: state.legal,
        reasonPending: state.pendingReason?.reason ?? null, ...summonsStages(state),
      });
    });
    await appendAudit(tx, {
      at: ctx.at, actor: ctx.actor, action: 'summons.list.read', subject: f.planId !== undefined ? `callup_plan:${f.planId}` : null,
      details: { region: f.region ?? null, district: f.district ?? null, summonses: out.length, truncated },
    });
    return { summonses: out, truncated };
  });
}
