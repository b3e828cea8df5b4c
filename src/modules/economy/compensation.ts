import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { nextEntry, type LedgerOp } from './ledger.ts';
import { loadRequisition, requisitionScopeSql, showRequisition, type Requisition } from './requisitions.ts';
import { parseInput, type EconomyContext, type EconomyScope } from './vocab.ts';

const Tiyn = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Key = z.string().min(8).max(200).optional();

export const LedgerInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('paid'), amountTiyn: Tiyn, note: z.string().trim().max(1000).optional(), idempotencyKey: Key }).strict(),
  /** `on`: the date the property came back (today in Kazakhstan when absent). */
  z.object({ kind: z.literal('returned'), on: z.iso.date().optional(), note: z.string().trim().max(1000).optional(), idempotencyKey: Key }).strict(),
  z.object({ kind: z.literal('damage'), amountTiyn: Tiyn, note: z.string().trim().min(10, 'describe the damage and how it was assessed').max(2000), idempotencyKey: Key }).strict(),
]);
export type LedgerInput = z.infer<typeof LedgerInput>;

/**
 * Appends one entry to a requisition's compensation ledger: a payment, the return of the property, or damage found
 * on return. The ledger is folded under a row lock and the entry checked against it (ledger.ts), so a payment above
 * the balance is refused and nothing is written; the entry and its audit share the transaction.
 */
export async function recordLedger(db: Db, id: string, input: unknown, ctx: EconomyContext): Promise<Requisition> {
  const b = parseInput(LedgerInput, input, 'a ledger entry: {"kind": "paid", "amountTiyn"} | {"kind": "returned", "on"?} | {"kind": "damage", "amountTiyn", "note"}');
  // A return is a fact that has happened: one dated after today would credit days of use not yet past.
  if (b.kind === 'returned' && b.on !== undefined && b.on > kzDate(ctx.at)) {
    throw new DomainError('ECONOMY_RETURN_IN_FUTURE', `the return date ${b.on} is after today (${kzDate(ctx.at)}); record the return when the property is back`, { on: b.on });
  }
  const op: LedgerOp = b.kind === 'returned' ? { kind: 'returned', on: b.on ?? kzDate(ctx.at), note: b.note } : b.kind === 'paid' ? { kind: 'paid', amountTiyn: b.amountTiyn, note: b.note } : { kind: 'damage', amountTiyn: b.amountTiyn, note: b.note };
  await db.transaction(async (tx) => {
    const r = await loadRequisition(tx, id, ctx.scope, { lock: true });
    if (b.idempotencyKey) {
      const { rows } = await tx.query<{ requisition_id: string }>('SELECT requisition_id::text AS requisition_id FROM economy_ledger WHERE idempotency_key = $1', [b.idempotencyKey]);
      if (rows[0]?.requisition_id === id) return;
      if (rows[0]) throw new DomainError('ECONOMY_BAD_INPUT', `idempotency key ${b.idempotencyKey} was used for another requisition`);
    }
    const e = nextEntry(r.totals, op, { from: r.useFrom, until: r.useUntil });
    const seq = r.ledger.length + 1;
    await tx.query('INSERT INTO economy_ledger (requisition_id, seq, at, actor, kind, amount_tiyn, note, details, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      id, seq, ctx.at, ctx.actor, e.kind, e.amountTiyn, op.note ?? null, JSON.stringify(e.details), b.idempotencyKey ?? null,
    ]);
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: `economy.ledger.${e.kind}`, subject: `requisition:${id}`, details: { seq, amountTiyn: e.amountTiyn, balanceBefore: r.totals.balance, ...e.details } });
  });
  return showRequisition(db, id, ctx);
}

export interface CompensationTotals {
  /** The region ISO code or the owner's BIN/IIN. */
  key: string;
  requisitions: number;
  owedTiyn: number;
  returnedTiyn: number;
  damageTiyn: number;
  paidTiyn: number;
  balanceTiyn: number;
}

/** Ledger totals per region or per owner, over the requisitions a scope covers (approved ones carry entries). */
export async function compensationTotals(db: Db, ctx: EconomyContext, by: 'region' | 'owner'): Promise<CompensationTotals[]> {
  const scope: EconomyScope = ctx.scope;
  const params: unknown[] = [];
  const key = by === 'region' ? 'r.region' : 'coalesce(r.owner_bin, r.owner_iin)';
  const rows = await db.query<{ key: string; n: number; owed: number; returned: number; damage: number; paid: number }>(
    `SELECT ${key} AS key, count(DISTINCT r.id)::int AS n,
            coalesce(sum(e.amount_tiyn) FILTER (WHERE e.kind = 'owed'), 0)::bigint AS owed,
            coalesce(sum(e.amount_tiyn) FILTER (WHERE e.kind = 'returned'), 0)::bigint AS returned,
            coalesce(sum(e.amount_tiyn) FILTER (WHERE e.kind = 'damage'), 0)::bigint AS damage,
            coalesce(sum(e.amount_tiyn) FILTER (WHERE e.kind = 'paid'), 0)::bigint AS paid
       FROM economy_requisitions r JOIN economy_ledger e ON e.requisition_id = r.id
      WHERE ${requisitionScopeSql(scope, params)}
      GROUP BY ${key} ORDER BY ${key}`,
    params,
  );
  // Owners who are citizens are named by IIN: that is personal data, and reading it is audited.
  const p2: unknown[] = [];
  const citizens = by === 'owner' ? (await db.query<{ iin: string }>(`SELECT DISTINCT r.owner_iin AS iin FROM economy_requisitions r JOIN economy_ledger e ON e.requisition_id = r.id AND e.seq = 1 WHERE r.owner_iin IS NOT NULL AND ${requisitionScopeSql(scope, p2)}`, p2)).map((c) => c.iin) : [];
  if (citizens.length) await db.transaction((tx) => appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'economy.compensation.owners', subject: null, details: { citizens: citizens.sort() } }));
  return rows.map((r) => {
    const [owed, returned, damage, paid] = [Number(r.owed), Number(r.returned), Number(r.damage), Number(r.paid)];
    return { key: r.key, requisitions: r.n, owedTiyn: owed, returnedTiyn: returned, damageTiyn: damage, paidTiyn: paid, balanceTiyn: owed - returned + damage - paid };
  });
}
