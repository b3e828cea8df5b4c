import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isDomainError } from '../../kernel/errors.ts';
import { Rounds, stderrReporter, type ErrorReporter } from '../../kernel/rounds.ts';
import { appendAudit } from '../audit/index.ts';
import type { DeliveryReceipt, SmppClient } from '../sms/index.ts';
import { regionArea } from './area.ts';
import type { CellBroadcast } from './distribution.ts';

/**
 * The alert outbox, claimed like the summons outbox (FOR UPDATE SKIP LOCKED, a lease, the claim committed before
 * anything is sent) but kept apart from it: alerts have no legal evidence to record, and two more outcomes — a row
 * whose alert has since been updated, cancelled or cleared is `superseded` (the newer message goes to the same
 * people), and one whose message has expired is `expired`; neither is sent.
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
}

export const ALERT_RETRY_LIMIT = 5;
const GATE_CODES = ['SMS_EXERCISE_ON_LIVE_CHANNEL', 'SMS_LIVE_ON_EXERCISE_CHANNEL', 'SMS_EXERCISE_MARK_MISSING', 'SMS_EXERCISE_MARK_ON_LIVE'];

type Outcome = { row: Claimed; kind: 'submitted'; messageIds: string[] } | { row: Claimed; kind: 'retry' | 'failed' | 'refused'; error: string };

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
      await tx.query('UPDATE alert_outbox SET state = $2, lease_until = NULL WHERE id = ANY($1)', [ids, state]);
      counts[state] += ids.length;
    }
    const send = rows.filter((r) => !r.superseded && !r.expired);
    if (send.length > 0) {
      await tx.query(`UPDATE alert_outbox SET state = 'sending', attempts = attempts + 1, claimed_by = $2, lease_until = $3 WHERE id = ANY($1)`, [
        send.map((r) => r.id), o.workerId, new Date(o.now.getTime() + o.leaseMs),
      ]);
    }
    return send.map((r) => ({ id: Number(r.id), alertId: r.alert_id, identifier: r.identifier, destination: r.destination, text: r.text, exercise: r.exercise, attempts: Number(r.attempts) + 1 }));
  });
}

function failed(row: Claimed, e: unknown): Outcome {
  if (isDomainError(e) && GATE_CODES.includes(e.code)) return { row, kind: 'refused', error: `${e.code}: ${e.message}` };
  const retryable = isDomainError(e) && e.details.retryable === true;
  return { row, kind: retryable ? 'retry' : 'failed', error: `${isDomainError(e) ? e.code : 'ERROR'}: ${(e as Error).message}` };
}

async function record(db: Db, channel: AlertChannel, gateway: string, outcomes: Outcome[], ctx: { clock: Clock; actor: string }): Promise<void> {
  if (outcomes.length === 0) return;
  const now = ctx.clock.now();
  await db.transaction(async (tx) => {
    // Whole batches in a few statements (unnest), not a statement per SMS: an alert goes to a region at once.
    const ok = outcomes.filter((o): o is Extract<Outcome, { kind: 'submitted' }> => o.kind === 'submitted');
    if (ok.length > 0) {
      await tx.query(
        `UPDATE alert_outbox o SET state = 'submitted', gateway = $2, message_ids = string_to_array(x.ids, ' '), lease_until = NULL, last_error = NULL
           FROM unnest($1::bigint[], $3::text[]) AS x(id, ids) WHERE o.id = x.id`,
        [ok.map((o) => o.row.id), gateway, ok.map((o) => o.messageIds.join(' '))],
      );
      if (channel === 'sms') {
        const parts = ok.flatMap((o) => o.messageIds.map((m) => [m, o.row.id] as const));
        await tx.query('INSERT INTO alert_sms_parts (smsc, message_id, outbox_id) SELECT $1, m, id FROM unnest($2::text[], $3::bigint[]) AS x(m, id) ON CONFLICT DO NOTHING', [
          gateway, parts.map((p) => p[0]), parts.map((p) => p[1]),
        ]);
      }
    }
    for (const o of outcomes) {
      if (o.kind === 'submitted') continue;
      const state = o.kind === 'retry' ? (o.row.attempts >= ALERT_RETRY_LIMIT ? 'failed' : 'pending') : o.kind;
      await tx.query('UPDATE alert_outbox SET state = $2, last_error = $3, lease_until = NULL, available_at = $4 WHERE id = $1', [o.row.id, state, o.error, new Date(now.getTime() + 1000 * 2 ** o.row.attempts)]);
    }
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    await appendAudit(tx, { at: now, actor: ctx.actor, action: `alert.dispatch.${channel}`, subject: `gateway:${gateway}`, details: { counts, alerts: [...new Set(outcomes.map((o) => o.row.alertId))] } });
  });
}

export interface AlertDispatchOptions {
  batch: number;
  clock: Clock;
  workerId?: string;
  leaseMs?: number;
  actor?: string;
  /** Only live or only exercise rows, for a gateway of that kind; each gateway's exercise gate refuses the other anyway. */
  traffic?: Traffic;
}

/** One round on one channel: claim, send (in parallel; the SMPP client's window bounds what is in flight), record. */
export async function dispatchAlerts(db: Db, gateways: AlertGateways, channel: AlertChannel, opts: AlertDispatchOptions): Promise<AlertDispatchCounts> {
  const counts: AlertDispatchCounts = { claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, superseded: 0, expired: 0 };
  const sms = gateways.sms;
  const cb = gateways.cellBroadcast;
  if ((channel === 'sms' && !sms) || (channel === 'cell_broadcast' && !cb)) return counts;
  const workerId = opts.workerId ?? 'alert-dispatch';
  const rows = await claim(db, channel, { batch: opts.batch, workerId, leaseMs: opts.leaseMs ?? 60_000, now: opts.clock.now(), ...(opts.traffic ? { traffic: opts.traffic } : {}) }, counts);
  const outcomes = await Promise.all(rows.map(async (row): Promise<Outcome> => {
    try {
      if (channel === 'sms') return { row, kind: 'submitted', messageIds: (await (sms as AlertSmsGateway).client.send({ to: row.destination, text: row.text, exercise: row.exercise })).messageIds };
      const r = await (cb as CellBroadcast).broadcast({ identifier: row.identifier, region: row.destination, polygons: regionArea(row.destination).polygons, text: row.text, exercise: row.exercise });
      return { row, kind: 'submitted', messageIds: [r.broadcastId] };
    } catch (e) {
      return failed(row, e);
    }
  }));
  await record(db, channel, channel === 'sms' ? (sms as AlertSmsGateway).smsc : (cb as CellBroadcast).name, outcomes, { clock: opts.clock, actor: opts.actor ?? `alert-dispatcher:${workerId}` });
  for (const o of outcomes) counts[o.kind]++;
  return counts;
}

/**
 * Delivery receipts counted per SMS: a row is delivered when every part is. A receipt that arrives before its
 * submit is recorded waits in memory and is applied after the next batch; these are counts for the operators, not
 * evidence, so a receipt lost with the process costs a figure, never a notification. The SMS's outbox row is locked
 * first: the receipts of two parts applied at once would otherwise each see the other part undelivered (each
 * statement's snapshot predates the other's commit) and neither would count the SMS delivered.
 */
export async function applyAlertReceipt(db: Db, smsc: string, r: Pick<DeliveryReceipt, 'messageId' | 'status'>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      'SELECT o.id FROM alert_outbox o JOIN alert_sms_parts p ON p.outbox_id = o.id WHERE p.smsc = $1 AND p.message_id = $2 FOR UPDATE OF o',
      [smsc, r.messageId],
    );
    const outboxId = rows[0]?.id;
    if (outboxId === undefined) return false;
    await tx.query('UPDATE alert_sms_parts SET status = $3 WHERE smsc = $1 AND message_id = $2', [smsc, r.messageId, r.status]);
    await tx.query(
      `UPDATE alert_outbox o SET delivered = 1 WHERE o.id = $1
          AND NOT EXISTS (SELECT 1 FROM alert_sms_parts p WHERE p.outbox_id = o.id AND p.status IS DISTINCT FROM 'delivered')`,
      [outboxId],
    );
    return true;
  });
}

export interface AlertDispatcherHandle {
  readonly totals: Record<AlertChannel, AlertDispatchCounts>;
  stop(): Promise<void>;
}

/**
 * The long-running alert dispatcher: one loop per channel it has a gateway for. A round that fails is reported
 * (onError, default stderr) and tried again after a growing pause. Stopping it closes the gateways.
 */
export function startAlertDispatcher(db: Db, gateways: AlertGateways, opts: AlertDispatchOptions & { pollMs?: number; maxRetryMs?: number; onError?: ErrorReporter }): AlertDispatcherHandle {
  const workerId = opts.workerId ?? randomUUID();
  const zero = (): AlertDispatchCounts => ({ claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, superseded: 0, expired: 0 });
  const totals = { sms: zero(), cell_broadcast: zero() };
  const early: DeliveryReceipt[] = [];
  const report = opts.onError ?? stderrReporter('alert dispatcher');
  const rounds = new Rounds({ pollMs: opts.pollMs ?? 500, maxRetryMs: opts.maxRetryMs ?? 30_000, onError: report });
  const sms = gateways.sms;
  // A receipt that cannot be applied now (its submit not yet recorded, or the database failing) waits for the next round.
  const applying = new Set<Promise<unknown>>();
  const off = sms?.client.onReceipt((r) => {
    const p = applyAlertReceipt(db, sms.smsc, r).then(
      (ok) => ok || early.push(r),
      (e: unknown) => {
        early.push(r);
        report(`alert receipt ${r.messageId} kept to apply later`, e as Error);
      },
    );
    applying.add(p);
    void p.finally(() => applying.delete(p));
  });
  const applyEarly = async () => {
    if (!sms) return;
    const waiting = early.splice(0);
    for (let i = 0; i < waiting.length; i++) {
      try {
        if (!(await applyAlertReceipt(db, sms.smsc, waiting[i] as DeliveryReceipt))) early.push(waiting[i] as DeliveryReceipt);
      } catch (e) {
        early.push(...waiting.slice(i));
        throw e;
      }
    }
  };
  const loop = (channel: AlertChannel) =>
    rounds.loop(`alert ${channel}`, async () => {
      const c = await dispatchAlerts(db, gateways, channel, { ...opts, workerId });
      for (const k of Object.keys(c) as (keyof AlertDispatchCounts)[]) totals[channel][k] += c[k];
      if (channel === 'sms') await applyEarly();
      return c.claimed;
    });
  const running = Promise.all([...(sms ? [loop('sms')] : []), ...(gateways.cellBroadcast ? [loop('cell_broadcast')] : [])]);
  return {
    totals,
    async stop() {
      rounds.stop();
      await running;
      try {
        await sms?.client.close();
        off?.();
        await Promise.all([...applying]);
        await applyEarly();
      } finally {
        await gateways.cellBroadcast?.close?.();
      }
    },
  };
}
