import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { appendAudit } from '../audit/index.ts';
import { encodeSms } from '../sms/index.ts';
import type { NumberBasis } from './actions.ts';
import { appendLedger } from './ledger-store.ts';
import { applyReceiptsIn, insertMessages } from './outbox.ts';

/**
 * Receipts of sends whose record a crash lost (issue 19, item 8).
 *
 * A dispatcher killed between a submit and its record leaves message ids only the SMSC knows; the row goes out again
 * once its lease runs out, and the first send's receipts still arrive (at any bind of our system id) and are stored
 * unmatched. Each claim wrote an attempt marker (summons_sms_attempts: row, attempt, number, claim time) in the claim
 * transaction itself, so the hot path pays one more row in a statement it already makes, and nothing per message
 * after the send. Here an unmatched receipt is tied to the attempt it must come from: same SMSC, same handset, an
 * SMSC submit date within that attempt's lease, and an attempt with no message id on record. It is taken only when
 * that attempt is the one candidate and its lease has run out (a live claim may still record it); a receipt with two
 * candidates (two summonses to one number in one window) waits and, unresolved, is set aside. The attempt is then
 * recorded as the send it was — sms_submitted dated by the SMSC's submit date, never before the claim — and its
 * receipts applied; a part whose receipt never came stays in the evidence under a placeholder id, so the send can
 * never count as delivered on part of its receipts. More receipts than the message has parts means traffic that is
 * not this send (an alert to the same number on the same bind): nothing is taken.
 *
 * A receipt that matches nothing for `unmatchedAfterMs` after it arrived is set aside (unmatched_at) and counted,
 * instead of being looked at every round; should its message id be recorded later it is taken back and applied
 * (insertMessages).
 */
export const UNMATCHED_RECEIPT_MS = 15 * 60_000;

export interface RecoveryOptions {
  clock: Clock;
  actor: string;
  /** How long a receipt may match nothing before it is set aside; longer than any lease. */
  unmatchedAfterMs?: number;
}

export interface RecoveryCounts {
  /** Sends recorded from their receipts. */
  recoveredSends: number;
  /** Delivery reports applied (those of recovered sends and any others now matched). */
  applied: number;
  /** Receipts set aside this time, matching nothing. */
  unmatched: number;
  unmatchedIds: string[];
}

interface Candidate {
  smsc: string;
  message_id: string;
  submitted_at: Date | null;
  received_at: Date;
  outbox_id: string | number;
  attempt: number;
  claimed_at: Date;
  abandoned: boolean;
  summons_id: string | number;
  destination: string;
  number_basis: NumberBasis[];
  text: string;
}

/** Every unmatched receipt paired with every attempt it may come from: unrecorded attempts to that handset whose window holds its submit date. */
async function candidates(tx: Tx): Promise<Candidate[]> {
  const { rows } = await tx.query<Candidate>(
    `SELECT r.smsc, r.message_id, r.submitted_at, r.received_at, a.outbox_id, a.attempt, a.claimed_at, a.lease_until < now() AS abandoned,
            o.summons_id, o.destination, o.number_basis, o.text
       FROM sms_receipts r
       JOIN summons_sms_attempts a ON a.smsc = r.smsc AND a.number = r.destination
        AND a.claimed_at <= coalesce(r.submitted_at, r.received_at) + interval '1 second'
        AND (r.submitted_at IS NULL OR r.submitted_at < a.claimed_at + make_interval(secs => a.lease_ms / 1000.0 + 1))
       JOIN summons_outbox o ON o.id = a.outbox_id
      WHERE r.applied_seq IS NULL AND r.unmatched_at IS NULL AND r.destination IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM summons_sms_messages m WHERE m.smsc = r.smsc AND m.message_id = r.message_id)
        AND NOT EXISTS (SELECT 1 FROM summons_sms_messages m WHERE m.outbox_id = a.outbox_id AND m.attempt = a.attempt)
      ORDER BY r.message_id
      FOR UPDATE OF r`,
  );
  return rows;
}

interface Recovered {
  smsc: string;
  summonsId: string;
  outboxId: number;
  attempt: number;
  destination: string;
  numberBasis: NumberBasis[];
  at: Date;
  messageIds: string[];
  placeholders: string[];
}

/** The attempts that can be recorded now, each with the receipts that are certainly its own. */
function attributable(rows: readonly Candidate[], cutoff: Date): Recovered[] {
  const byReceipt = new Map<string, Candidate[]>();
  for (const r of rows) {
    const k = `${r.smsc}\u0000${r.message_id}`;
    byReceipt.set(k, [...(byReceipt.get(k) ?? []), r]);
  }
  const byAttempt = new Map<string, Candidate[]>();
  const contested = new Set<string>();
  for (const cs of byReceipt.values()) {
    const attempts = new Set(cs.map((c) => `${c.outbox_id}.${c.attempt}`));
    // Two possible attempts: neither is sure, and neither may be recorded with a part it may not own.
    if (attempts.size > 1) {
      for (const a of attempts) contested.add(a);
      continue;
    }
    const c = cs[0] as Candidate;
    const k = `${c.outbox_id}.${c.attempt}`;
    byAttempt.set(k, [...(byAttempt.get(k) ?? []), c]);
  }
  const out: Recovered[] = [];
  for (const [k, cs] of byAttempt) {
    const c = cs[0] as Candidate;
    if (contested.has(k) || !c.abandoned) continue;
    const ids = [...new Set(cs.map((x) => x.message_id))].sort();
    const parts = encodeSms(c.text, 0).parts.length;
    if (ids.length > parts) continue;
    if (ids.length < parts && !cs.some((x) => new Date(x.received_at) < cutoff)) continue; // the rest may still come
    const claimed = new Date(c.claimed_at).getTime();
    const submitted = Math.min(...cs.map((x) => (x.submitted_at ? new Date(x.submitted_at).getTime() : claimed)));
    out.push({
      smsc: c.smsc, summonsId: String(c.summons_id), outboxId: Number(c.outbox_id), attempt: Number(c.attempt), destination: c.destination, numberBasis: c.number_basis,
      at: new Date(Math.max(claimed, submitted)), messageIds: ids,
      placeholders: Array.from({ length: parts - ids.length }, (_, i) => `unknown:${c.outbox_id}.${c.attempt}.${ids.length + i + 1}`),
    });
  }
  return out;
}

/**
 * One pass: records the sends that unmatched receipts prove, applies what now matches, and sets aside receipts that
 * matched nothing for `unmatchedAfterMs`. Each kind of write with its audit entry, in one transaction.
 */
export async function recoverReceipts(db: Db, opts: RecoveryOptions): Promise<RecoveryCounts> {
  return db.transaction(async (tx) => {
    const at = opts.clock.now();
    const cutoff = new Date(at.getTime() - (opts.unmatchedAfterMs ?? UNMATCHED_RECEIPT_MS));
    const found = attributable(await candidates(tx), cutoff);
    const recorded: Recovered[] = [];
    for (const smsc of new Set(found.map((f) => f.smsc))) {
      const mine = found.filter((f) => f.smsc === smsc);
      const inserted = await insertMessages(tx, smsc, mine.flatMap((f) => f.messageIds.map((m) => ({ messageId: m, summonsId: f.summonsId, outboxId: f.outboxId, attempt: f.attempt, at: f.at }))));
      recorded.push(...mine.filter((f) => f.messageIds.some((m) => inserted.has(m))));
    }
    await appendLedger(
      tx,
      recorded.map((f) => ({
        summonsId: f.summonsId,
        action: { kind: 'sms_submitted', at: f.at.toISOString(), number: f.destination, numberBasis: f.numberBasis, messageIds: [...f.messageIds, ...f.placeholders] },
      })),
      opts.clock,
    );
    if (recorded.length > 0) {
      await appendAudit(tx, {
        at, actor: opts.actor, action: 'summons.sms.recovered', subject: 'summons_sms_attempts',
        details: { sends: recorded.map((f) => ({ summonsId: f.summonsId, outboxId: f.outboxId, attempt: f.attempt, smsc: f.smsc, messageIds: f.messageIds, unknownParts: f.placeholders.length })) },
      });
    }
    const applied = await applyReceiptsIn(tx, opts.clock);
    const { rows: aside } = await tx.query<{ smsc: string; message_id: string }>(
      `UPDATE sms_receipts r SET unmatched_at = $1
        WHERE r.applied_seq IS NULL AND r.unmatched_at IS NULL AND r.received_at < $2
          AND NOT EXISTS (SELECT 1 FROM summons_sms_messages m WHERE m.smsc = r.smsc AND m.message_id = r.message_id)
      RETURNING r.smsc, r.message_id`,
      [at, cutoff],
    );
    if (aside.length > 0) {
      await appendAudit(tx, {
        at, actor: opts.actor, action: 'summons.sms.receipts_unmatched', subject: 'sms_receipts',
        details: { count: aside.length, receipts: aside.slice(0, 1000).map((r) => `${r.smsc}/${r.message_id}`) },
      });
    }
    return { recoveredSends: recorded.length, applied, unmatched: aside.length, unmatchedIds: aside.map((r) => r.message_id) };
  });
}
