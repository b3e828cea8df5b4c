import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isDomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import type { SmppClient } from '../sms/index.ts';
import { regionArea } from './area.ts';
import type { CellBroadcast } from './distribution.ts';
import { adoptIn, applyInboxIn } from './receipts.ts';

/**
 * The alert outbox, claimed like the summons outbox (FOR UPDATE SKIP LOCKED, a lease, the claim committed before
 * anything is sent) but kept apart from it: alerts have no legal evidence to record, and two more outcomes — a row
 * whose alert has since been updated, cancelled or cleared is `superseded` (the newer message goes to the same
 * people), and one whose message has expired is `expired`; neither is sent.
 *
 * On PGlite the database runs on the main thread, so every transaction here is bounded (RECORD_CHUNK rows), and
 * PGlite itself gives the event loop a turn before each query (src/db/pglite.ts): SMPP answers and /healthz are
 * served in between.
 */
export type AlertChannel = 'sms' | 'cell_broadcast';
export type Traffic = 'live' | 'exercise';

export interface AlertSmsGateway {
  client: SmppClient;
  smsc: string;
}

export interface AlertGateways {
  sms?: AlertSmsGateway;
  cellBroadcast?: CellBroadcast;
}

interface Claimed {
  id: number;
  alertId: string;
  identifier: string;
  destination: string;
  text: string;
  exercise: boolean;
  attempts: number;
}

export interface AlertDispatchCounts {
  claimed: number;
  submitted: number;
  retry: number;
  failed: number;
  refused: number;
  superseded: number;
  expired: number;
  /** Sent, but the SMSC's answer never came: held for a receipt instead of sent again at once. */
  unconfirmed: number;
  /** Receipts heard before their submit was recorded, applied as it was. */
  receipts: number;
}

export const zeroDispatchCounts = (): AlertDispatchCounts => ({ claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, superseded: 0, expired: 0, unconfirmed: 0, receipts: 0 });

export const ALERT_RETRY_LIMIT = 5;
/** Most outbox rows one recording transaction writes. */
export const RECORD_CHUNK = 100;
/** How long an unconfirmed submit waits for a receipt from its number before it is sent again. */
export const DEFAULT_UNCONFIRMED_HOLD_MS = 10 * 60_000;
const GATE_CODES = ['SMS_EXERCISE_ON_LIVE_CHANNEL', 'SMS_LIVE_ON_EXERCISE_CHANNEL', 'SMS_EXERCISE_MARK_MISSING', 'SMS_EXERCISE_MARK_ON_LIVE'];
/** Failures after which the SMSC may hold the message: it was on the wire and no answer said otherwise. */
const UNCERTAIN_CAUSES = ['SMS_REPLY_TIMEOUT', 'SMS_CONNECTION_LOST'];


type Outcome =
  | { row: Claimed; kind: 'submitted'; messageIds: string[] }
  | { row: Claimed; kind: 'unconfirmed'; messageIds: string[]; error: string }
  | { row: Claimed; kind: 'retry' | 'failed' | 'refused'; error: string };

async function claim(db: Db, channel: AlertChannel, o: { batch: number; workerId: string; leaseMs: number; traffic?: Traffic; now: Date }, counts: AlertDispatchCounts): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; alert_id: string; identifier: string; destination: string; text: string; exercise: boolean; attempts: number; superseded: boolean; expired: boolean }>(
      `SELECT o.id, o.alert_id::text AS alert_id, m.identifier, o.destination, o.text, o.exercise, o.attempts,
              EXISTS (SELECT 1 FROM alert_messages l WHERE l.alert_id = o.alert_id AND l.n > o.message_n) AS superseded,
              (m.expires IS NOT NULL AND m.expires <= $4) AS expired
         FROM alert_outbox o JOIN alert_messages m ON m.alert_id = o.alert_id AND m.n = o.message_n
        WHERE o.channel = $2 AND ((o.state = 'pending' AND o.available_at <= $4) OR (o.state = 'sending' AND o.lease_until < $4))
          AND ($3::boolean IS NULL OR o.exercise = $3::boolean)
        ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [o.batch, channel, o.traffic === undefined ? null : o.traffic === 'exercise', o.now],
    );
    counts.claimed += rows.length;
    const superseded = rows.filter((r) => r.superseded).map((r) => r.id);
    const expired = rows.filter((r) => r.expired && !r.superseded).map((r) => r.id);
    for (const [state, ids] of [['superseded', superseded], ['expired', expired]] as const) {
      if (ids.length === 0) continue;
      await tx.query('UPDATE alert_outbox SET state = $2, lease_until = NULL, unconfirmed_at = NULL WHERE id = ANY($1)', [ids, state]);
      counts[state] += ids.length;
    }
    const send = rows.filter((r) => !r.superseded && !r.expired);
    if (send.length > 0) {
      // A row held as unconfirmed whose hold ran out is sent again: receipts from its number no longer count for it.
      await tx.query(`UPDATE alert_outbox SET state = 'sending', attempts = attempts + 1, claimed_by = $2, lease_until = $3, unconfirmed_at = NULL WHERE id = ANY($1)`, [
        send.map((r) => r.id), o.workerId, new Date(o.now.getTime() + o.leaseMs),
      ]);
    }
    return send.map((r) => ({ id: Number(r.id), alertId: r.alert_id, identifier: r.identifier, destination: r.destination, text: r.text, exercise: r.exercise, attempts: Number(r.attempts) + 1 }));
  });
}

function failed(row: Claimed, e: unknown): Outcome {
  const error = `${isDomainError(e) ? e.code : 'ERROR'}: ${(e as Error).message}`;
  if (isDomainError(e) && GATE_CODES.includes(e.code)) return { row, kind: 'refused', error };
  if (isDomainError(e)) {
    const causes = [e.code, ...((e.details.causes as unknown[] | undefined) ?? []).map(String)];
    const accepted = ((e.details.acceptedMessageIds as unknown[] | undefined) ?? []).map(String);
    // Sending it again at once would give the citizen the alert twice whenever the SMSC had in fact taken it.
    if (accepted.length > 0 || causes.some((c) => UNCERTAIN_CAUSES.includes(c))) return { row, kind: 'unconfirmed', messageIds: accepted, error };
  }
  const retryable = isDomainError(e) && e.details.retryable === true;
  return { row, kind: retryable ? 'retry' : 'failed', error };
}

interface RecordContext {
  clock: Clock;
  actor: string;
  unconfirmedHoldMs: number;
}

/** One bounded transaction of outcomes: a few statements (unnest), whatever the number of rows. */
async function recordChunk(tx: Tx, channel: AlertChannel, gateway: string, outcomes: readonly Outcome[], ctx: RecordContext): Promise<number> {
  const now = ctx.clock.now();
  const ok = outcomes.filter((o): o is Extract<Outcome, { kind: 'submitted' }> => o.kind === 'submitted');
  const held = outcomes.filter((o): o is Extract<Outcome, { kind: 'unconfirmed' }> => o.kind === 'unconfirmed');
  if (ok.length > 0) {
    await tx.query(
      `UPDATE alert_outbox o SET state = 'submitted', gateway = $2, message_ids = string_to_array(x.ids, ' '), lease_until = NULL, last_error = NULL
         FROM unnest($1::bigint[], $3::text[]) AS x(id, ids) WHERE o.id = x.id`,
      [ok.map((o) => o.row.id), gateway, ok.map((o) => o.messageIds.join(' '))],
    );
  }
  if (held.length > 0) {
    await tx.query(
      `UPDATE alert_outbox o SET state = CASE WHEN o.attempts >= $5 THEN 'failed' ELSE 'pending' END, gateway = $2, unconfirmed_at = $3,
              available_at = $4, lease_until = NULL, last_error = x.error, message_ids = NULLIF(string_to_array(x.ids, ' '), '{}')
         FROM unnest($1::bigint[], $6::text[], $7::text[]) AS x(id, ids, error) WHERE o.id = x.id`,
      [held.map((o) => o.row.id), gateway, now, new Date(now.getTime() + ctx.unconfirmedHoldMs), ALERT_RETRY_LIMIT, held.map((o) => o.messageIds.join(' ')), held.map((o) => o.error)],
    );
  }
  let receipts = 0;
  if (channel === 'sms') {
    const parts = [...ok, ...held].flatMap((o) => o.messageIds.map((m) => [m, o.row.id] as const));
    if (parts.length > 0) {
      await tx.query('INSERT INTO alert_sms_parts (smsc, message_id, outbox_id) SELECT $1, m, id FROM unnest($2::text[], $3::bigint[]) AS x(m, id) ON CONFLICT DO NOTHING', [
        gateway, parts.map((p) => p[0]), parts.map((p) => p[1]),
      ]);
    }
    // Receipts heard before these submits were recorded wait in the inbox; they are applied here, in the same step.
    if (held.length > 0) await adoptIn(tx, gateway, { destinations: held.map((o) => o.row.destination) });
    if (parts.length > 0) receipts = (await applyInboxIn(tx, gateway, parts.map((p) => p[0]), parts.length)).length;
  }
  const unsent = outcomes.filter((o): o is Extract<Outcome, { kind: 'retry' | 'failed' | 'refused' }> => o.kind === 'retry' || o.kind === 'failed' || o.kind === 'refused');
  if (unsent.length > 0) {
    const state = (o: (typeof unsent)[number]) => (o.kind === 'retry' ? (o.row.attempts >= ALERT_RETRY_LIMIT ? 'failed' : 'pending') : o.kind);
    await tx.query(
      `UPDATE alert_outbox o SET state = x.state, last_error = x.error, lease_until = NULL, available_at = x.at
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) AS x(id, state, error, at) WHERE o.id = x.id`,
      [unsent.map((o) => o.row.id), unsent.map(state), unsent.map((o) => o.error), unsent.map((o) => new Date(now.getTime() + 1000 * 2 ** o.row.attempts))],
    );
  }
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  await appendAudit(tx, { at: now, actor: ctx.actor, action: `alert.dispatch.${channel}`, subject: `gateway:${gateway}`, details: { counts, receipts, alerts: [...new Set(outcomes.map((o) => o.row.alertId))] } });
  return receipts;
}

/** Records in chunks of RECORD_CHUNK, one short transaction each; returns the receipts applied on the way. */
async function record(db: Db, channel: AlertChannel, gateway: string, outcomes: readonly Outcome[], ctx: RecordContext): Promise<number> {
  let receipts = 0;
  for (let i = 0; i < outcomes.length; i += RECORD_CHUNK) {
    receipts += await db.transaction((tx) => recordChunk(tx, channel, gateway, outcomes.slice(i, i + RECORD_CHUNK), ctx));
  }
  return receipts;
}

export interface AlertDispatchOptions {
  batch: number;
  clock: Clock;
  workerId?: string;
  leaseMs?: number;
  actor?: string;
  /** Only live or only exercise rows, for a gateway of that kind; each gateway's exercise gate refuses the other anyway. */
  traffic?: Traffic;
  /** How long a submit without an answer waits for a receipt before it is sent again (DEFAULT_UNCONFIRMED_HOLD_MS). */
  unconfirmedHoldMs?: number;
}

/** One round on one channel: claim, send (in parallel; the SMPP client's window bounds what is in flight), record. */
export async function dispatchAlerts(db: Db, gateways: AlertGateways, channel: AlertChannel, opts: AlertDispatchOptions): Promise<AlertDispatchCounts> {
  const counts = zeroDispatchCounts();
  const sms = gateways.sms;
  const cb = gateways.cellBroadcast;
  if ((channel === 'sms' && !sms) || (channel === 'cell_broadcast' && !cb)) return counts;
  const workerId = opts.workerId ?? 'alert-dispatch';
  // Claimed in chunks, each its own short transaction, up to the round's batch.
  const rows: Claimed[] = [];
  while (rows.length < opts.batch) {
    const want = Math.min(RECORD_CHUNK, opts.batch - rows.length);
    const got = await claim(db, channel, { batch: want, workerId, leaseMs: opts.leaseMs ?? 60_000, now: opts.clock.now(), ...(opts.traffic ? { traffic: opts.traffic } : {}) }, counts);
    rows.push(...got);
    if (got.length < want) break;
  }
  const outcomes = await Promise.all(rows.map(async (row): Promise<Outcome> => {
    try {
      if (channel === 'sms') return { row, kind: 'submitted', messageIds: (await (sms as AlertSmsGateway).client.send({ to: row.destination, text: row.text, exercise: row.exercise })).messageIds };
      const r = await (cb as CellBroadcast).broadcast({ identifier: row.identifier, region: row.destination, polygons: regionArea(row.destination).polygons, text: row.text, exercise: row.exercise });
      return { row, kind: 'submitted', messageIds: [r.broadcastId] };
    } catch (e) {
      return failed(row, e);
    }
  }));
  counts.receipts = await record(db, channel, channel === 'sms' ? (sms as AlertSmsGateway).smsc : (cb as CellBroadcast).name, outcomes, {
    clock: opts.clock, actor: opts.actor ?? `alert-dispatcher:${workerId}`, unconfirmedHoldMs: opts.unconfirmedHoldMs ?? DEFAULT_UNCONFIRMED_HOLD_MS,
  });
  for (const o of outcomes) counts[o.kind]++;
  return counts;
}
