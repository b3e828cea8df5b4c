import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { assertValidBin, assertValidIin } from '../registry/index.ts';
import { assertRegion, visibleEnterprise } from './enterprises.ts';
import { foldLedger, type LedgerEntry, type LedgerKind, type LedgerTotals } from './ledger.ts';
import { loadPriceList, priceListRef, type PriceList } from './prices.ts';
import { ItemInput, valueItem, type ItemValuation } from './valuation.ts';
import { BinText, IinText, RegionCode, parseInput, type EconomyContext, type EconomyScope } from './vocab.ts';

type Q = Pick<Tx, 'query'>;

export const NewRequisition = z.object({
  owner: z.union([z.object({ bin: BinText }).strict(), z.object({ iin: IinText }).strict()]),
  /** Where the property is; the owner's region when absent. */
  region: RegionCode.optional(),
  purpose: z.string().trim().min(3).max(1000),
  useFrom: z.iso.date(),
  useUntil: z.iso.date(),
  items: z.array(ItemInput).min(1).max(200),
  idempotencyKey: z.string().min(8).max(200).optional(),
}).strict().refine((r) => r.useUntil > r.useFrom, { path: ['useUntil'], message: 'must be after useFrom' });

/** draft → approved by a second person (owed written) or rejected; in use until returned; closed when nothing is left to pay. */
export type RequisitionState = 'draft' | 'rejected' | 'in_use' | 'returned' | 'closed';

export interface RequisitionAction { seq: number; at: string; actor: string; action: 'draft' | 'approve' | 'reject'; note: string | null }

export interface Requisition {
  id: string;
  owner: { kind: 'enterprise'; bin: string; name: string | null } | { kind: 'citizen'; iin: string };
  region: string;
  purpose: string;
  useFrom: string;
  useUntil: string;
  priceList: string;
  valueTiyn: number;
  state: RequisitionState;
  createdAt: string;
  createdBy: string;
  approvedBy: string | null;
  items: ItemValuation[];
  actions: RequisitionAction[];
  ledger: LedgerEntry[];
  totals: LedgerTotals;
}

interface ReqRow { id: string; owner_kind: 'enterprise' | 'citizen'; owner_bin: string | null; owner_iin: string | null; owner_name: string | null; region: string; purpose: string; use_from: string; use_until: string; price_list: string; value_tiyn: number; created_at: Date; created_by: string }

/** SQL condition on a requisition aliased `r` for a scope: an enterprise sees what was taken from it, an officer their region. */
export function requisitionScopeSql(scope: EconomyScope, params: unknown[]): string {
  const parts = ['true'];
  if (scope.bin) parts.push(`r.owner_bin = $${params.push(scope.bin)}`);
  if (scope.region) parts.push(`r.region = $${params.push(scope.region)}`);
  return parts.join(' AND ');
}

export function stateOf(actions: readonly Pick<RequisitionAction, 'action'>[], totals: LedgerTotals): RequisitionState {
  if (actions.some((a) => a.action === 'reject')) return 'rejected';
  if (!actions.some((a) => a.action === 'approve')) return 'draft';
  return totals.closed ? 'closed' : totals.isReturned ? 'returned' : 'in_use';
}

const REQ_SELECT = `SELECT r.id::text AS id, r.owner_kind, r.owner_bin, r.owner_iin, o.name AS owner_name, r.region, r.purpose, r.use_from, r.use_until, r.price_list, r.value_tiyn, r.created_at, r.created_by
  FROM economy_requisitions r LEFT JOIN organisations o ON o.bin = r.owner_bin`;

const notFound = (id: string): never => {
  throw new DomainError('ECONOMY_REQUISITION_NOT_FOUND', `no requisition ${id} that you may see`, { requisition: id });
};

export async function loadRequisition(q: Q, id: string, scope: EconomyScope, opts: { lock?: boolean } = {}): Promise<Requisition> {
  if (!/^\d{1,18}$/.test(id)) notFound(id);
  if (opts.lock) await q.query('SELECT 1 FROM economy_requisitions WHERE id = $1 FOR UPDATE', [id]);
  const params: unknown[] = [id];
  const { rows } = await q.query<ReqRow>(`${REQ_SELECT} WHERE r.id = $1 AND ${requisitionScopeSql(scope, params)}`, params);
  const r = rows[0] ?? notFound(id);
  const { rows: items } = await q.query<Record<string, unknown>>('SELECT * FROM economy_requisition_items WHERE requisition_id = $1 ORDER BY n', [id]);
  const { rows: actions } = await q.query<{ seq: number; at: Date; actor: string; action: RequisitionAction['action']; note: string | null }>('SELECT seq, at, actor, action, note FROM economy_requisition_actions WHERE requisition_id = $1 ORDER BY seq', [id]);
  const { rows: entries } = await q.query<{ seq: number; at: Date; actor: string; kind: LedgerKind; amount_tiyn: number; note: string | null; details: Record<string, unknown> }>('SELECT seq, at, actor, kind, amount_tiyn, note, details FROM economy_ledger WHERE requisition_id = $1 ORDER BY seq', [id]);
  const ledger = entries.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, kind: e.kind, amountTiyn: Number(e.amount_tiyn), note: e.note, details: e.details }));
  const acts = actions.map((a) => ({ seq: a.seq, at: new Date(a.at).toISOString(), actor: a.actor, action: a.action, note: a.note }));
  const totals = foldLedger(ledger);
  return {
    id: r.id,
    owner: r.owner_kind === 'enterprise' ? { kind: 'enterprise', bin: r.owner_bin as string, name: r.owner_name } : { kind: 'citizen', iin: r.owner_iin as string },
    region: r.region, purpose: r.purpose, useFrom: r.use_from, useUntil: r.use_until, priceList: r.price_list, valueTiyn: Number(r.value_tiyn),
    state: stateOf(acts, totals), createdAt: new Date(r.created_at).toISOString(), createdBy: r.created_by,
    approvedBy: acts.find((a) => a.action === 'approve')?.actor ?? null,
    items: items.map(itemOf), actions: acts, ledger, totals,
  };
}

const itemOf = (i: Record<string, unknown>): ItemValuation => ({
  kind: i.kind as string, description: i.description as string, condition: i.condition as ItemValuation['condition'], ageYears: Number(i.age_years), quantity: Number(i.quantity), unit: i.unit as string,
  unitPriceTiyn: Number(i.unit_price_tiyn), depreciationBp: Number(i.depreciation_bp), residualFloorBp: Number(i.residual_floor_bp), conditionBp: Number(i.condition_bp),
  marketValueTiyn: Number(i.market_value_tiyn), overrideTiyn: i.override_tiyn === null ? null : Number(i.override_tiyn), overrideJustification: (i.override_justification as string | null) ?? null, valueTiyn: Number(i.value_tiyn),
});

/** Reading a citizen's requisition reads their personal data: audited, with who and why. */
async function auditRead(db: Db, r: Requisition, ctx: EconomyContext): Promise<void> {
  if (r.owner.kind !== 'citizen') return;
  await db.transaction((tx) => appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.requisition.read', subject: `person:${r.owner.kind === 'citizen' ? r.owner.iin : ''}`, details: { requisition: r.id } }));
}

export async function showRequisition(db: Db, id: string, ctx: EconomyContext): Promise<Requisition> {
  const r = await db.transaction((tx) => loadRequisition(tx, id, ctx.scope));
  await auditRead(db, r, ctx);
  return r;
}

/** Drafts a requisition with every item valued now by the reference price list; a second person approves it. */
export async function draftRequisition(db: Db, input: unknown, ctx: EconomyContext & { prices?: PriceList }): Promise<Requisition> {
  const b = parseInput(NewRequisition, input, 'a requisition: {"owner": {"bin"}|{"iin"}, "purpose", "useFrom", "useUntil", "items": [...]}');
  const prices = ctx.prices ?? loadPriceList();
  const items = b.items.map((i) => valueItem(i, prices));
  const total = items.reduce((n, i) => n + i.valueTiyn, 0);
  if (!Number.isSafeInteger(total)) throw new DomainError('ECONOMY_BAD_INPUT', 'the total value is too large to record');
  const id = await db.transaction(async (tx) => {
    if (b.idempotencyKey) {
      const { rows } = await tx.query<{ id: string }>('SELECT id::text AS id FROM economy_requisitions WHERE idempotency_key = $1', [b.idempotencyKey]);
      if (rows[0]) return rows[0].id;
    }
    let region: string;
    if ('bin' in b.owner) {
      assertValidBin(b.owner.bin);
      // The enterprise must be one the officer may see; an enterprise officer does not requisition.
      const e = await visibleEnterprise(tx, b.owner.bin, { region: null, bin: null });
      region = b.region ?? e.region ?? '';
    } else {
      assertValidIin(b.owner.iin);
      const { rows } = await tx.query<{ region: string }>('SELECT region FROM persons WHERE iin = $1', [b.owner.iin]);
      if (!rows[0]) throw new DomainError('ECONOMY_UNKNOWN_OWNER', `no person with IIN ${b.owner.iin} in the registry`);
      region = b.region ?? rows[0].region;
    }
    assertRegion(region);
    if (ctx.scope.bin || (ctx.scope.region && ctx.scope.region !== region)) throw new DomainError('ACCESS_OUT_OF_SCOPE', `${ctx.actor} may not requisition property in ${region}`);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO economy_requisitions (owner_kind, owner_bin, owner_iin, region, purpose, use_from, use_until, price_list, value_tiyn, idempotency_key, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id::text AS id`,
      ['bin' in b.owner ? 'enterprise' : 'citizen', 'bin' in b.owner ? b.owner.bin : null, 'iin' in b.owner ? b.owner.iin : null, region, b.purpose, b.useFrom, b.useUntil, priceListRef(prices), total, b.idempotencyKey ?? null, ctx.at, ctx.actor],
    );
    const reqId = (rows[0] as { id: string }).id;
    for (const [n, i] of items.entries()) {
      await tx.query(
        `INSERT INTO economy_requisition_items (requisition_id, n, kind, description, condition, age_years, quantity, unit, unit_price_tiyn, depreciation_bp, residual_floor_bp, condition_bp, market_value_tiyn, override_tiyn, override_justification, value_tiyn)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [reqId, n + 1, i.kind, i.description, i.condition, i.ageYears, i.quantity, i.unit, i.unitPriceTiyn, i.depreciationBp, i.residualFloorBp, i.conditionBp, i.marketValueTiyn, i.overrideTiyn, i.overrideJustification, i.valueTiyn],
      );
    }
    await tx.query("INSERT INTO economy_requisition_actions (requisition_id, seq, at, actor, action) VALUES ($1, 1, $2, $3, 'draft')", [reqId, ctx.at, ctx.actor]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.requisition.draft', subject: `requisition:${reqId}`, details: { owner: b.owner, region, priceList: priceListRef(prices), valueTiyn: total, items: items.length, overrides: items.filter((i) => i.overrideTiyn !== null).length } });
    return reqId;
  });
  return showRequisition(db, id, ctx);
}

const Decision = z.object({ note: z.string().trim().max(1000).optional() }).strict();

/**
 * Approval by a second person: whoever drafted a requisition may not approve it. Approval writes the first ledger
 * entry, what is owed: the valuation at requisition.
 */
export async function decideRequisition(db: Db, id: string, decision: 'approve' | 'reject', input: unknown, ctx: EconomyContext): Promise<Requisition> {
  const b = parseInput(Decision, input ?? {}, '{"note"?}');
  await db.transaction(async (tx) => {
    const r = await loadRequisition(tx, id, ctx.scope, { lock: true });
    if (r.state !== 'draft') throw new DomainError('ECONOMY_BAD_TRANSITION', `requisition ${id} is ${r.state}; only a draft is approved or rejected`, { state: r.state });
    if (decision === 'approve' && r.createdBy === ctx.actor) throw new DomainError('ECONOMY_SELF_APPROVAL', `${ctx.actor} drafted requisition ${id}, so a second person must approve it`);
    await tx.query('INSERT INTO economy_requisition_actions (requisition_id, seq, at, actor, action, note) VALUES ($1, $2, $3, $4, $5, $6)', [id, r.actions.length + 1, ctx.at, ctx.actor, decision, b.note ?? null]);
    if (decision === 'approve') {
      await tx.query("INSERT INTO economy_ledger (requisition_id, seq, at, actor, kind, amount_tiyn, note, details) VALUES ($1, 1, $2, $3, 'owed', $4, $5, $6)", [
        id, ctx.at, ctx.actor, r.valueTiyn, 'valuation at requisition', JSON.stringify({ priceList: r.priceList }),
      ]);
    }
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: `economy.requisition.${decision}`, subject: `requisition:${id}`, details: { valueTiyn: r.valueTiyn, drafter: r.createdBy, ...(b.note ? { note: b.note } : {}) } });
  });
  return showRequisition(db, id, ctx);
}

export interface RequisitionSummary {
  id: string;
  owner: string;
  ownerKind: 'enterprise' | 'citizen';
  ownerName: string | null;
  region: string;
  purpose: string;
  state: RequisitionState;
  valueTiyn: number;
  balanceTiyn: number;
  createdAt: string;
}

export async function listRequisitions(db: Db, ctx: EconomyContext, filter: { region?: string; state?: RequisitionState } = {}): Promise<RequisitionSummary[]> {
  const params: unknown[] = [];
  const where = [requisitionScopeSql(ctx.scope, params)];
  if (filter.region) where.push(`r.region = $${params.push(filter.region)}`);
  // The state filter is applied before the limit (in SQL, with the same rule as stateOf), so older matches are found.
  const state = filter.state
    ? `(CASE WHEN q.rejected THEN 'rejected' WHEN NOT q.approved THEN 'draft'
             WHEN q.returned_any AND q.owed - q.returned + q.damage - q.paid = 0 THEN 'closed'
             WHEN q.returned_any THEN 'returned' ELSE 'in_use' END) = $${params.push(filter.state)}`
    : 'true';
  const rows = await db.query<ReqRow & { approved: boolean; rejected: boolean; owed: number; returned: number; damage: number; paid: number; returned_any: boolean }>(
    `SELECT * FROM (SELECT r.id::text AS id, r.owner_kind, r.owner_bin, r.owner_iin, o.name AS owner_name, r.region, r.purpose, r.use_from, r.use_until, r.price_list, r.value_tiyn, r.created_at, r.created_by,
            EXISTS (SELECT 1 FROM economy_requisition_actions a WHERE a.requisition_id = r.id AND a.action = 'approve') AS approved,
            EXISTS (SELECT 1 FROM economy_requisition_actions a WHERE a.requisition_id = r.id AND a.action = 'reject') AS rejected,
            l.owed, l.returned, l.damage, l.paid, l.returned_any
       FROM economy_requisitions r
       LEFT JOIN organisations o ON o.bin = r.owner_bin
       LEFT JOIN LATERAL (SELECT coalesce(sum(amount_tiyn) FILTER (WHERE kind = 'owed'), 0)::bigint AS owed,
                                 coalesce(sum(amount_tiyn) FILTER (WHERE kind = 'returned'), 0)::bigint AS returned,
                                 coalesce(sum(amount_tiyn) FILTER (WHERE kind = 'damage'), 0)::bigint AS damage,
                                 coalesce(sum(amount_tiyn) FILTER (WHERE kind = 'paid'), 0)::bigint AS paid,
                                 coalesce(bool_or(kind = 'returned'), false) AS returned_any
                            FROM economy_ledger e WHERE e.requisition_id = r.id) l ON true
      WHERE ${where.join(' AND ')}) q
      WHERE ${state} ORDER BY q.id::bigint DESC LIMIT 500`,
    params,
  );
  const out = rows.map((r) => {
    const balance = Number(r.owed) - Number(r.returned) + Number(r.damage) - Number(r.paid);
    const totals = { owed: Number(r.owed), returned: Number(r.returned), damage: Number(r.damage), paid: Number(r.paid), balance, isReturned: r.returned_any, closed: r.returned_any && balance === 0 };
    const state = stateOf([...(r.approved ? [{ action: 'approve' as const }] : []), ...(r.rejected ? [{ action: 'reject' as const }] : [])], totals);
    return { id: r.id, owner: (r.owner_bin ?? r.owner_iin) as string, ownerKind: r.owner_kind, ownerName: r.owner_name, region: r.region, purpose: r.purpose, state, valueTiyn: Number(r.value_tiyn), balanceTiyn: balance, createdAt: new Date(r.created_at).toISOString() };
  });
  const citizens = out.filter((r) => r.ownerKind === 'citizen').map((r) => r.owner);
  if (citizens.length) {
    await db.transaction((tx) => appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.requisition.list', subject: null, details: { citizens: [...new Set(citizens)].sort() } }));
  }
  return out;
}

/** Today in Kazakhstan, the default date of a return. */
export const todayOf = (ctx: EconomyContext): string => kzDate(ctx.at);
