import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isDomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { EGOV_GATE_CODES, type EgovClient, type EgovMessageStatus } from '../egov/index.ts';
import type { SummonsAction } from './actions.ts';
import { appendLedger } from './ledger-store.ts';
import { checkNoticePeriod } from './notice-period.ts';
import type { DispatchCounts } from './dispatch.ts';
import { claimSends, type Traffic, outcomeCounts, recordUnsent, type ClaimedSend } from './outbox.ts';

/** An e-Gov client and the name of the service behind it (message ids are unique only per service). */
export interface EgovGateway {
  client: EgovClient;
  service: string;
}

export interface EgovDispatchOptions {
  batch: number;
  clock: Clock;
  workerId?: string;
  leaseMs?: number;
  actor?: string;
  /** How often the read status of a posted message is asked for. */
  readPollMs?: number;
  /** Set to abandon the batch after posting, without recording: what a crash at that moment leaves behind. */
  abort?: { aborted: boolean };
  /** Only live or only exercise rows (see claimSends). */
  traffic?: Traffic;
}

type EgovOutcome =
  | { send: ClaimedSend; kind: 'submitted'; messageId: string; postedAt: Date }
  | { send: ClaimedSend; kind: 'retry' | 'failed' | 'refused' | 'too_late'; error: string };

const DEFAULT_READ_POLL_MS = 60_000;

/**
 * The key is the outbox row: however often the row is claimed again (a retry, or a dispatcher that died after
 * posting and before recording), the service answers with the one message the first post made.
 */
export const egovIdempotencyKey = (outboxId: number): string => `mobilize-summons-outbox-${outboxId}`;

async function postOne(gateway: EgovGateway, s: ClaimedSend, clock: Clock): Promise<EgovOutcome> {
  const notice = checkNoticePeriod(clock.now(), s.appearanceAt, 'egov');
  if (!notice.ok) return { send: s, kind: 'too_late', error: notice.message };
  try {
    const r = await gateway.client.post({ recipientIin: s.destination, title: s.title ?? '', body: s.text, exercise: s.exercise, idempotencyKey: egovIdempotencyKey(s.id) });
    return { send: s, kind: 'submitted', messageId: r.messageId, postedAt: r.postedAt };
  } catch (e) {
    if (isDomainError(e) && EGOV_GATE_CODES.includes(e.code)) return { send: s, kind: 'refused', error: `${e.code}: ${e.message}` };
    const retryable = isDomainError(e) && e.details.retryable === true;
    const code = isDomainError(e) ? e.code : 'ERROR';
    return { send: s, kind: retryable ? 'retry' : 'failed', error: `${code}: ${(e as Error).message}` };
  }
}

/**
 * One round of e-Gov posts: claims up to `batch` queued e-Gov messages (committed before anything is posted),
 * posts them, and records every outcome in one transaction — the egov_posted evidence, the message id for the read
 * polls, the row states and an audit entry.
 */
export async function dispatchEgov(db: Db, gateway: EgovGateway, opts: EgovDispatchOptions): Promise<DispatchCounts> {
  const counts: DispatchCounts = { claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, too_late: 0 };
  const workerId = opts.workerId ?? 'dispatch';
  const claimed = await claimSends(db, { channel: 'egov', workerId, batch: opts.batch, leaseMs: opts.leaseMs ?? 60_000, ...(opts.traffic ? { traffic: opts.traffic } : {}) });
  counts.claimed = claimed.length;
  if (claimed.length === 0) return counts;
  const outcomes = await Promise.all(claimed.map((s) => postOne(gateway, s, opts.clock)));
  if (opts.abort?.aborted) return counts;
  await recordPosts(db, outcomes, { service: gateway.service, clock: opts.clock, actor: opts.actor ?? `dispatcher:${workerId}`, readPollMs: opts.readPollMs ?? DEFAULT_READ_POLL_MS });
  for (const o of outcomes) counts[o.kind]++;
  return counts;
}

async function recordPosts(db: Db, outcomes: readonly EgovOutcome[], ctx: { service: string; clock: Clock; actor: string; readPollMs: number }): Promise<void> {
  await db.transaction(async (tx) => {
    const at = ctx.clock.now();
    const posted = outcomes.filter((o): o is Extract<EgovOutcome, { kind: 'submitted' }> => o.kind === 'submitted');
    const fresh: typeof posted = [];
    for (const o of posted) {
      // A message already on record (two dispatchers racing on an expired lease got the same id) is not evidence twice.
      const { rows } = await tx.query(
        `INSERT INTO summons_egov_messages (service, message_id, summons_id, outbox_id, account, posted_at, next_check_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::double precision)) ON CONFLICT DO NOTHING RETURNING outbox_id`,
        [ctx.service, o.messageId, Number(o.send.summonsId), o.send.id, o.send.destination, o.postedAt, ctx.readPollMs / 1000],
      );
      if (rows.length > 0) fresh.push(o);
      await tx.query("UPDATE summons_outbox SET state = 'submitted', message_ids = $2, lease_until = NULL, last_error = NULL WHERE id = $1", [o.send.id, [o.messageId]]);
    }
    // The time on record is ours, taken when the post is recorded: never earlier than the real post, so the
    // three-day rule is never judged in the agency's favour.
    await appendLedger(tx, fresh.map((o) => ({ summonsId: o.send.summonsId, action: { kind: 'egov_posted', at: at.toISOString(), account: o.send.destination } satisfies SummonsAction })), ctx.clock);
    await recordUnsent(tx, outcomes);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'summons.egov.dispatch', subject: `egov:${ctx.service}`, details: { counts: outcomeCounts(outcomes), summonses: outcomes.map((o) => o.send.summonsId) } });
  });
}

export interface ReadPollCounts {
  checked: number;
  /** read_status evidence entries appended (status changes). */
  recorded: number;
  errors: number;
}

/**
 * Asks the service for the read status of posted messages that are due, and records a read_status entry only when
 * the status differs from the one last recorded. "posted" is no report at all; "read" is final and ends the polls.
 * Polls stop at the appearance time: a report after it no longer bears on being notified of that appearance.
 * The due rows are claimed (their next check moved on) before the requests, so no transaction waits on HTTP.
 */
export async function pollEgovReads(db: Db, gateway: EgovGateway, opts: { batch: number; clock: Clock; readPollMs?: number; actor?: string }): Promise<ReadPollCounts> {
  const readPollMs = opts.readPollMs ?? DEFAULT_READ_POLL_MS;
  const due = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ message_id: string }>(
      `SELECT m.message_id FROM summons_egov_messages m JOIN summonses s ON s.id = m.summons_id
        WHERE m.service = $1 AND m.read_status IS DISTINCT FROM 'read' AND m.next_check_at <= now() AND s.appearance_at > $2
        ORDER BY m.next_check_at LIMIT $3 FOR UPDATE OF m SKIP LOCKED`,
      [gateway.service, opts.clock.now(), opts.batch],
    );
    if (rows.length === 0) return [];
    await tx.query(
      `UPDATE summons_egov_messages SET checks = checks + 1, next_check_at = now() + make_interval(secs => $3::double precision)
        WHERE service = $1 AND message_id = ANY($2)`,
      [gateway.service, rows.map((r) => r.message_id), readPollMs / 1000],
    );
    return rows.map((r) => r.message_id);
  });
  const counts: ReadPollCounts = { checked: due.length, recorded: 0, errors: 0 };
  if (due.length === 0) return counts;
  const answers = await Promise.all(
    due.map(async (id): Promise<{ id: string; status?: EgovMessageStatus; error?: string }> => {
      try {
        return { id, status: await gateway.client.status(id) };
      } catch (e) {
        return { id, error: `${isDomainError(e) ? e.code : 'ERROR'}: ${(e as Error).message}` };
      }
    }),
  );
  await db.transaction(async (tx) => {
    const at = opts.clock.now();
    const evidence: { summonsId: string; action: SummonsAction }[] = [];
    for (const a of answers) {
      if (a.error !== undefined) {
        counts.errors++;
        await tx.query('UPDATE summons_egov_messages SET last_error = $3 WHERE service = $1 AND message_id = $2', [gateway.service, a.id, a.error]);
        continue;
      }
      const s = a.status as EgovMessageStatus;
      if (s.status === 'posted') continue;
      // Read under the row lock: another dispatcher polling the same message cannot record the same change twice.
      const { rows } = await tx.query<{ summons_id: string | number; read_status: string | null }>(
        'SELECT summons_id, read_status FROM summons_egov_messages WHERE service = $1 AND message_id = $2 FOR UPDATE',
        [gateway.service, a.id],
      );
      const row = rows[0];
      if (!row || row.read_status === s.status) continue;
      evidence.push({ summonsId: String(row.summons_id), action: { kind: 'read_status', at: (s.readAt ?? at).toISOString(), channel: 'egov', status: s.status } });
      await tx.query('UPDATE summons_egov_messages SET read_status = $3, read_at = $4, last_error = NULL WHERE service = $1 AND message_id = $2', [gateway.service, a.id, s.status, s.readAt]);
    }
    await appendLedger(tx, evidence, opts.clock);
    counts.recorded = evidence.length;
    if (evidence.length > 0 || counts.errors > 0) {
      await appendAudit(tx, {
        at, actor: opts.actor ?? 'dispatcher', action: 'summons.egov.read_status', subject: `egov:${gateway.service}`,
        details: { checked: counts.checked, recorded: evidence.map((e) => ({ summonsId: e.summonsId, status: (e.action as { status: string }).status })), errors: counts.errors },
      });
    }
  });
  return counts;
}
