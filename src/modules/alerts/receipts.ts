import type { Db, Tx } from '../../db/client.ts';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { appendAudit } from '../audit/index.ts';
import type { DeliveryReceipt } from '../sms/index.ts';

/**
 * Alert delivery receipts, many per transaction (0018_alert_receipts). A receipt heard is put in the inbox and, in
 * the same transaction, applied if its part is on record; one that comes before its submit is recorded is applied
 * by the transaction that records the part. Set-based throughout: a few statements per batch, whatever its size.
 * These are counts for the operators, not evidence, so an unmatched receipt is dropped (and counted) once it has
 * waited long enough, instead of being tried again for ever.
 */
export interface ReceiptCounts {
  /** Receipts put in the inbox. */
  heard: number;
  /** Matched to a recorded part and applied. */
  applied: number;
  /** Matched to an unconfirmed submit by the number they came from (the SMSC had taken it after all). */
  adopted: number;
  /** Never matched; dropped after the time or sweeps allowed. */
  expired: number;
}

export const zeroReceiptCounts = (): ReceiptCounts => ({ heard: 0, applied: 0, adopted: 0, expired: 0 });

export function addReceiptCounts(to: ReceiptCounts, c: ReceiptCounts): void {
  for (const k of Object.keys(c) as (keyof ReceiptCounts)[]) to[k] += c[k];
}

/** Most receipts in one transaction: PGlite runs on the main thread, so a transaction is a pause for everything else. */
export const RECEIPT_BATCH = 200;

type Receipt = Pick<DeliveryReceipt, 'messageId' | 'status'> & { destination?: string };

/**
 * Applies the inbox receipts among `messageIds` whose part is recorded. The outbox rows are locked first (in id
 * order): two parts of one SMS applied by two transactions at once would otherwise each see the other part still
 * undelivered (each statement's snapshot predates the other's commit) and neither would count the SMS delivered.
 * Returns the message ids applied.
 */
export async function applyInboxIn(tx: Tx, smsc: string, messageIds: readonly string[] | null, limit = RECEIPT_BATCH): Promise<string[]> {
  // Driven by the list of ids (unnest, then primary keys) so the plan never depends on the tables' statistics.
  const wanted = messageIds ?? (await tx.query<{ message_id: string }>(
    'SELECT r.message_id FROM alert_receipts r WHERE r.smsc = $1 AND EXISTS (SELECT 1 FROM alert_sms_parts p WHERE p.smsc = r.smsc AND p.message_id = r.message_id) ORDER BY r.received_at, r.message_id LIMIT $2',
    [smsc, limit],
  )).rows.map((r) => r.message_id);
  if (wanted.length === 0) return [];
  const { rows } = await tx.query<{ message_id: string; status: string; outbox_id: number }>(
    `SELECT r.message_id, r.status, p.outbox_id FROM unnest($2::text[]) AS x(m)
       JOIN alert_receipts r ON r.smsc = $1 AND r.message_id = x.m
       JOIN alert_sms_parts p ON p.smsc = $1 AND p.message_id = x.m
      LIMIT $3`,
    [smsc, wanted, limit],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.message_id);
  const outboxIds = [...new Set(rows.map((r) => Number(r.outbox_id)))].sort((a, b) => a - b);
  await tx.query('SELECT id FROM alert_outbox WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [outboxIds]);
  await tx.query(
    'UPDATE alert_sms_parts p SET status = x.s FROM unnest($2::text[], $3::text[]) AS x(m, s) WHERE p.smsc = $1 AND p.message_id = x.m',
    [smsc, ids, rows.map((r) => r.status)],
  );
  await tx.query(
    `UPDATE alert_outbox o SET delivered = 1 WHERE o.id = ANY($1::bigint[]) AND o.delivered = 0
        AND NOT EXISTS (SELECT 1 FROM alert_sms_parts p WHERE p.outbox_id = o.id AND p.status IS DISTINCT FROM 'delivered')`,
    [outboxIds],
  );
  await tx.query('DELETE FROM alert_receipts WHERE smsc = $1 AND message_id = ANY($2::text[])', [smsc, ids]);
  return ids;
}

/**
 * Receipts among `messageIds` with no part on record but from the number of a submit held as unconfirmed (its answer
 * never came): the SMSC took that SMS, so the receipt's id becomes one of its parts and the row counts as submitted.
 * The oldest such row of that number on this SMSC takes it. A receipt of another alert's SMS to the same number,
 * heard before that submit was recorded, could be taken for it: a miscount for the operators, never a resend.
 * Returns how many were adopted.
 */
export async function adoptIn(tx: Tx, smsc: string, only: { messageIds?: readonly string[]; destinations?: readonly string[] }): Promise<number> {
  const { rows } = await tx.query<{ message_id: string; outbox_id: number }>(
    `SELECT r.message_id, o.id AS outbox_id FROM alert_receipts r
       CROSS JOIN LATERAL (SELECT o.id FROM alert_outbox o WHERE o.gateway = r.smsc AND ltrim(o.destination, '+') = r.destination
                              AND o.unconfirmed_at IS NOT NULL AND o.channel = 'sms' ORDER BY o.id LIMIT 1) o
      WHERE r.smsc = $1 AND ($2::text[] IS NULL OR r.message_id = ANY($2::text[])) AND ($3::text[] IS NULL OR r.destination = ANY($3::text[]))
        AND NOT EXISTS (SELECT 1 FROM alert_sms_parts p WHERE p.smsc = r.smsc AND p.message_id = r.message_id)
      ORDER BY r.received_at, r.message_id LIMIT $4`,
    [smsc, only.messageIds ?? null, only.destinations?.map((d) => d.replace(/^\+/, '')) ?? null, RECEIPT_BATCH],
  );
  if (rows.length === 0) return 0;
  await tx.query('INSERT INTO alert_sms_parts (smsc, message_id, outbox_id) SELECT $1, m, id FROM unnest($2::text[], $3::bigint[]) AS x(m, id) ON CONFLICT DO NOTHING', [
    smsc, rows.map((r) => r.message_id), rows.map((r) => r.outbox_id),
  ]);
  // A held row is no longer waiting to be sent again; one already resent keeps its state (its new parts count too).
  await tx.query(
    `UPDATE alert_outbox o SET state = 'submitted', lease_until = NULL, last_error = NULL,
            message_ids = coalesce(o.message_ids, '{}') || x.ids
       FROM (SELECT id, array_agg(m ORDER BY m) AS ids FROM unnest($1::bigint[], $2::text[]) AS u(id, m) GROUP BY id) x
      WHERE o.id = x.id AND o.state IN ('pending', 'submitted', 'failed')`,
    [rows.map((r) => r.outbox_id), rows.map((r) => r.message_id)],
  );
  return rows.length;
}

/** Puts receipts in the inbox and applies (or adopts) those it can, in one transaction. At most RECEIPT_BATCH. */
export async function storeAlertReceipts(db: Db, smsc: string, receipts: readonly Receipt[], ctx: { clock: Clock; actor: string }): Promise<ReceiptCounts> {
  const counts = zeroReceiptCounts();
  if (receipts.length === 0) return counts;
  // One receipt per message id (the last heard), so the insert never meets its own row twice.
  const byId = new Map(receipts.map((r) => [r.messageId, r]));
  const rs = [...byId.values()];
  const now = ctx.clock.now();
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO alert_receipts (smsc, message_id, status, destination, received_at)
       SELECT $1, x.m, x.s, x.d, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS x(m, s, d)
       ON CONFLICT (smsc, message_id) DO UPDATE SET status = excluded.status, received_at = excluded.received_at`,
      [smsc, rs.map((r) => r.messageId), rs.map((r) => r.status), rs.map((r) => (r.destination ?? '').replace(/^\+/, '')), now],
    );
    counts.heard = rs.length;
    const ids = rs.map((r) => r.messageId);
    counts.adopted = await adoptIn(tx, smsc, { messageIds: ids });
    counts.applied = (await applyInboxIn(tx, smsc, ids, ids.length)).length;
    if (counts.adopted > 0) {
      await appendAudit(tx, { at: now, actor: ctx.actor, action: 'alert.receipts.adopt', subject: `gateway:${smsc}`, details: { adopted: counts.adopted } });
    }
    return counts;
  });
}

export interface ReceiptExpiry {
  /** A receipt unmatched this long (on the dispatcher's clock) is dropped. */
  ttlMs: number;
  /** …or once this many sweeps found no part for it (so a pinned or stalled clock cannot keep it for ever). */
  maxSweeps: number;
}

export const DEFAULT_RECEIPT_EXPIRY: ReceiptExpiry = { ttlMs: 15 * 60_000, maxSweeps: 180 };

/**
 * A sweep of the inbox: applies what can now be matched (on PostgreSQL a receipt and its part can be written by two
 * transactions that do not see each other), then drops the receipts that have waited too long, counting them. At
 * most RECEIPT_BATCH of each per call, so the transaction stays short.
 */
export async function sweepAlertReceipts(db: Db, smsc: string, ctx: { clock: Clock; actor: string; expiry?: ReceiptExpiry | null }): Promise<ReceiptCounts> {
  const counts = zeroReceiptCounts();
  const expiry = ctx.expiry === undefined ? DEFAULT_RECEIPT_EXPIRY : ctx.expiry;
  const now = ctx.clock.now();
  return db.transaction(async (tx) => {
    counts.adopted = await adoptIn(tx, smsc, {});
    counts.applied = (await applyInboxIn(tx, smsc, null)).length;
    if (!expiry) {
      if (counts.adopted > 0) await appendAudit(tx, { at: now, actor: ctx.actor, action: 'alert.receipts.sweep', subject: `gateway:${smsc}`, details: { expired: 0, adopted: counts.adopted } });
      return counts;
    }
    const { rows } = await tx.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM alert_receipts WHERE (smsc, message_id) IN (
           SELECT smsc, message_id FROM alert_receipts WHERE smsc = $1 AND (received_at <= $2 OR sweeps + 1 >= $3) ORDER BY received_at LIMIT $4)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [smsc, new Date(now.getTime() - expiry.ttlMs), expiry.maxSweeps, RECEIPT_BATCH],
    );
    counts.expired = Number(rows[0]?.n ?? 0);
    await tx.query('UPDATE alert_receipts SET sweeps = sweeps + 1 WHERE smsc = $1', [smsc]);
    if (counts.expired > 0 || counts.adopted > 0) {
      await appendAudit(tx, { at: now, actor: ctx.actor, action: 'alert.receipts.sweep', subject: `gateway:${smsc}`, details: { expired: counts.expired, adopted: counts.adopted, ttlMs: expiry.ttlMs, maxSweeps: expiry.maxSweeps } });
    }
    return counts;
  });
}

/** One receipt at once (tools and tests); true when it matched a recorded part. The dispatcher stores them in batches. */
export async function applyAlertReceipt(db: Db, smsc: string, r: Receipt, ctx: { clock?: Clock; actor?: string } = {}): Promise<boolean> {
  const c = await storeAlertReceipts(db, smsc, [r], { clock: ctx.clock ?? systemClock, actor: ctx.actor ?? 'system:alert-receipts' });
  return c.applied > 0;
}

/** Receipts still waiting in the inbox for a part on record. */
export async function unmatchedAlertReceipts(db: Db, smsc?: string): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_receipts WHERE $1::text IS NULL OR smsc = $1', [smsc ?? null]);
  return Number(r?.n ?? 0);
}
