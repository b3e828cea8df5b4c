import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { appendAudit } from '../audit/index.ts';
import { receiptNumber, type DeliveryReceipt } from '../sms/index.ts';
import { DeliveryStatus, type NumberBasis, type SummonsAction } from './actions.ts';
import { appendLedger } from './ledger-store.ts';

/**
 * The summons outbox (SMS and e-Gov rows; each channel's dispatcher claims only its own). ARCHITECTURE.md names pg-boss, but pg-boss 12 needs Node ≥ 22.12 (this project runs on 20) and
 * brings its own schema and maintenance timers onto PGlite's single connection; a table claimed with
 * FOR UPDATE SKIP LOCKED gives the same guarantee — the job is written in the transaction that records the
 * summons — on both engines, with a few lines of SQL.
 *
 * Life of a row: pending → sending (claimed with a lease; the attempt is on record before the SMS goes out) →
 * submitted (SMSC accepted it / posted to the e-Gov account) | failed | refused (exercise gate) | too_late (the three-day rule no longer holds). A row left in
 * sending by a dispatcher that died is claimed again when its lease runs out, so a crash can repeat at most the
 * sends that were in flight, never lose one.
 */
export type OutboxChannel = 'sms' | 'egov';

export interface ClaimedSend {
  id: number;
  summonsId: string;
  channel: OutboxChannel;
  /** A phone number for SMS; the e-Gov account (the IIN) for e-Gov. */
  destination: string;
  numberBasis: NumberBasis[];
  /** e-Gov only. */
  title: string | null;
  text: string;
  exercise: boolean;
  appearanceAt: Date;
  attempts: number;
}

export type Traffic = 'live' | 'exercise';

/**
 * Claims due rows of one channel. `traffic` confines the claim to live or to exercise rows, for a dispatcher whose
 * gateway is one or the other; without it every row is claimed and the gateway's exercise gate refuses the wrong kind.
 */
/**
 * `skip`: rows this dispatcher has sent and is recording right now, whose lease may run out before the record commits.
 * `attempts` (SMS): writes each claim to summons_sms_attempts in the same statement — the durable "about to send"
 * marker that lets receipts of a send whose record a crash lost be matched later (recoverReceipts). `at` is the
 * dispatcher's clock, the one the SMSC dates its receipts by.
 */
export async function claimSends(db: Db, opts: { channel: OutboxChannel; workerId: string; batch: number; leaseMs: number; traffic?: Traffic; skip?: readonly number[]; attempts?: { smsc: string; at: Date } }): Promise<ClaimedSend[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; summons_id: string | number; destination: string; number_basis: NumberBasis[]; title: string | null; text: string; exercise: boolean; appearance_at: Date; attempts: number }>(
      `SELECT o.id, o.summons_id, o.destination, o.number_basis, o.title, o.text, o.exercise, s.appearance_at, o.attempts
         FROM summons_outbox o JOIN summonses s ON s.id = o.summons_id
        WHERE o.channel = $2 AND ((o.state = 'pending' AND o.available_at <= now()) OR (o.state = 'sending' AND o.lease_until < now()))
          AND ($3::boolean IS NULL OR o.exercise = $3::boolean) AND o.id <> ALL($4::bigint[])
        ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [opts.batch, opts.channel, opts.traffic === undefined ? null : opts.traffic === 'exercise', opts.skip ?? []],
    );
    if (rows.length === 0) return [];
    const a = opts.channel === 'sms' ? opts.attempts : undefined;
    await tx.query(
      `WITH claimed AS (
         UPDATE summons_outbox SET state = 'sending', attempts = attempts + 1, claimed_by = $2,
                lease_until = now() + make_interval(secs => $3::double precision) WHERE id = ANY($1)
         RETURNING id, attempts, destination, lease_until)
       INSERT INTO summons_sms_attempts (outbox_id, attempt, smsc, number, claimed_at, lease_ms, lease_until)
       SELECT id, attempts, $4::text, ltrim(destination, '+'), $5::timestamptz, $6::int, lease_until FROM claimed WHERE $4::text IS NOT NULL`,
      [rows.map((r) => r.id), opts.workerId, opts.leaseMs / 1000, a?.smsc ?? null, a?.at ?? null, Math.round(opts.leaseMs)],
    );
    return rows.map((r) => ({
      id: Number(r.id), summonsId: String(r.summons_id), channel: opts.channel, destination: r.destination, numberBasis: r.number_basis, title: r.title, text: r.text,
      exercise: r.exercise, appearanceAt: new Date(r.appearance_at), attempts: Number(r.attempts) + 1,
    }));
  });
}

export type SendOutcome =
  | { send: ClaimedSend; kind: 'submitted'; messageIds: string[]; acceptedAt: Date[] }
  | { send: ClaimedSend; kind: 'retry' | 'failed' | 'refused' | 'too_late'; error: string };

export const RETRY_LIMIT = 5;

/**
 * Records a batch of outcomes in one transaction: submit evidence, message ids, row states, receipts, audit. Safe to
 * run again for the same batch (a retry after a failed commit), and beside recoverReceipts: the message ids go in
 * first, and only a submit with an id this transaction inserted adds evidence (the primary key decides between two
 * writers of one id). A row moves on only while the claim that sent it (`claimedBy`) still holds it, so a row
 * another dispatcher took over after the lease ran out keeps that dispatcher's state. A submit is evidence of an SMS
 * really sent, so it is recorded even when the row was taken over. Its time is when the SMSC answered (the first
 * part's submit_sm_resp), not when it is recorded.
 */
export async function recordOutcomes(db: Db, outcomes: readonly SendOutcome[], ctx: { smsc: string; clock: Clock; actor: string; claimedBy: string }): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction(async (tx) => {
    const at = ctx.clock.now();
    const { rows: held } = await tx.query<{ id: number }>(
      "SELECT id FROM summons_outbox WHERE id = ANY($1::bigint[]) AND state = 'sending' AND claimed_by = $2 ORDER BY id FOR UPDATE",
      [outcomes.map((o) => o.send.id), ctx.claimedBy],
    );
    const current = new Set(held.map((r) => Number(r.id)));
    const sent = outcomes.filter((o): o is Extract<SendOutcome, { kind: 'submitted' }> => o.kind === 'submitted');
    // One statement per table for the whole batch: per-row round trips were most of the dispatcher's time.
    const inserted = await insertMessages(
      tx,
      ctx.smsc,
      sent.flatMap((o) => o.messageIds.map((m, i) => ({ messageId: m, summonsId: o.send.summonsId, outboxId: o.send.id, attempt: o.send.attempts, at: o.acceptedAt[i] ?? at }))),
    );
    const submitted = sent.filter((o) => o.messageIds.some((m) => inserted.has(m)));
    await appendLedger(
      tx,
      submitted.map((o) => ({
        summonsId: o.send.summonsId,
        action: { kind: 'sms_submitted', at: firstAccepted(o.acceptedAt, at).toISOString(), number: o.send.destination, numberBasis: o.send.numberBasis, messageIds: o.messageIds },
      })),
      ctx.clock,
    );
    const moved = submitted.filter((o) => current.has(o.send.id));
    if (moved.length > 0) {
      await tx.query(
        `UPDATE summons_outbox o SET state = 'submitted', message_ids = x.ids, smsc = $2, lease_until = NULL, last_error = NULL
           FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, ids text[]) WHERE o.id = x.id`,
        [JSON.stringify(moved.map((o) => ({ id: o.send.id, ids: o.messageIds }))), ctx.smsc],
      );
    }
    await recordUnsent(tx, outcomes.filter((o) => current.has(o.send.id)));
    if (submitted.length > 0 || current.size > 0) {
      await appendAudit(tx, { at, actor: ctx.actor, action: 'summons.sms.dispatch', subject: `smsc:${ctx.smsc}`, details: { counts: outcomeCounts(outcomes), summonses: outcomes.map((o) => o.send.summonsId) } });
    }
    await applyReceiptsIn(tx, ctx.clock);
  });
}

const firstAccepted = (ts: readonly Date[], fallback: Date): Date => (ts.length === 0 ? fallback : new Date(Math.min(...ts.map((t) => t.getTime()))));

/**
 * Records SMSC message ids of submits (one statement); returns the ids this call inserted — an id on record already
 * is left as it is. A receipt for one of them that was set aside as unmatched is taken back, so it is applied.
 */
export async function insertMessages(tx: Tx, smsc: string, parts: readonly { messageId: string; summonsId: string; outboxId: number; attempt: number; at: Date }[]): Promise<Set<string>> {
  if (parts.length === 0) return new Set();
  const { rows } = await tx.query<{ message_id: string }>(
    `WITH ins AS (
       INSERT INTO summons_sms_messages (smsc, message_id, summons_id, outbox_id, attempt, submitted_at)
       SELECT $1, x.m, x.s, x.o, x.a, x.t FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::timestamptz[]) AS x(m, s, o, a, t)
       ON CONFLICT DO NOTHING RETURNING message_id),
     revived AS (
       UPDATE sms_receipts r SET unmatched_at = NULL FROM ins WHERE r.smsc = $1 AND r.message_id = ins.message_id AND r.unmatched_at IS NOT NULL)
     SELECT message_id FROM ins`,
    [smsc, parts.map((p) => p.messageId), parts.map((p) => Number(p.summonsId)), parts.map((p) => p.outboxId), parts.map((p) => p.attempt), parts.map((p) => p.at)],
  );
  return new Set(rows.map((r) => r.message_id));
}

/**
 * Rows not sent this time: a retry goes back to pending with exponential backoff until RETRY_LIMIT attempts, then
 * fails; failed, refused and too_late are final. Shared by both channels.
 */
export async function recordUnsent(tx: Tx, outcomes: readonly { send: ClaimedSend; kind: string; error?: string }[]): Promise<void> {
  for (const o of outcomes) {
    if (o.kind === 'submitted') continue;
    const state = o.kind === 'retry' ? (o.send.attempts >= RETRY_LIMIT ? 'failed' : 'pending') : o.kind;
    await tx.query(
      `UPDATE summons_outbox SET state = $2, last_error = $3, lease_until = NULL,
              available_at = now() + make_interval(secs => $4::double precision) WHERE id = $1`,
      [o.send.id, state, o.error ?? null, 2 ** o.send.attempts],
    );
  }
}

export function outcomeCounts(outcomes: readonly { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

/**
 * Stores receipts as they arrive (only final ones: the legal rules look at nothing else), many in one statement,
 * with the handset and the submit date they name, by which a receipt of a send whose record was lost is matched.
 */
export async function storeReceipts(db: Db, smsc: string, rs: readonly DeliveryReceipt[], clock: Clock): Promise<void> {
  const final = rs.filter((r) => DeliveryStatus.safeParse(r.status).success);
  if (final.length === 0) return;
  await db.query(
    `INSERT INTO sms_receipts (smsc, message_id, status, done_at, received_at, destination, submitted_at)
     SELECT $1, x.m, x.s, x.d, $5, x.n, x.t FROM unnest($2::text[], $3::text[], $4::timestamptz[], $6::text[], $7::timestamptz[]) AS x(m, s, d, n, t) ON CONFLICT DO NOTHING`,
    [smsc, final.map((r) => r.messageId), final.map((r) => r.status), final.map((r) => r.doneAt), clock.now(), final.map((r) => receiptNumber(r.destination)), final.map((r) => r.submittedAt)],
  );
}

/** Turns stored receipts whose submit is on record into delivery-report evidence. */
export async function applyReceipts(db: Db, clock: Clock): Promise<number> {
  return db.transaction((tx) => applyReceiptsIn(tx, clock));
}

/**
 * The report is dated by the receipt's done date, but never before its submit: receipt dates have whole seconds and
 * the SMSC's clock, so a part delivered within the second it was accepted would otherwise read as delivered before
 * it was sent.
 */
export async function applyReceiptsIn(tx: Tx, clock: Clock): Promise<number> {
  const { rows } = await tx.query<{ smsc: string; message_id: string; status: DeliveryStatus; at: Date; summons_id: string | number }>(
    `SELECT r.smsc, r.message_id, r.status, greatest(coalesce(r.done_at, r.received_at), m.submitted_at) AS at, m.summons_id
       FROM sms_receipts r JOIN summons_sms_messages m ON m.smsc = r.smsc AND m.message_id = r.message_id
      WHERE r.applied_seq IS NULL AND r.unmatched_at IS NULL ORDER BY r.received_at, r.message_id FOR UPDATE OF r`,
  );
  if (rows.length === 0) return 0;
  const entries = await appendLedger(
    tx,
    rows.map((r) => ({
      summonsId: String(r.summons_id),
      action: { kind: 'sms_delivery_report', at: new Date(r.at).toISOString(), messageId: r.message_id, status: r.status } satisfies SummonsAction,
    })),
    clock,
  );
  await tx.query(
    `UPDATE sms_receipts r SET applied_seq = x.seq FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(smsc, message_id, status, seq)
      WHERE r.smsc = x.smsc AND r.message_id = x.message_id AND r.status = x.status`,
    [rows.map((r) => r.smsc), rows.map((r) => r.message_id), rows.map((r) => r.status), entries.map((e) => e.seq)],
  );
  return rows.length;
}
