import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError, isDomainError } from '../../kernel/errors.ts';
import { OneInFlight } from '../../kernel/one-in-flight.ts';
import { Rounds, backoff, stderrReporter, type ErrorReporter } from '../../kernel/rounds.ts';
import type { DeliveryReceipt, SmppClient } from '../sms/index.ts';
import { dispatchEgov, pollEgovReads, type EgovGateway } from './egov-dispatch.ts';
import { checkNoticePeriod } from './notice-period.ts';
import { recoverReceipts, type RecoveryCounts } from './receipt-recovery.ts';
import { applyReceipts, claimSends, type Traffic, recordOutcomes, storeReceipts, type ClaimedSend, type SendOutcome } from './outbox.ts';

/** An SMPP client and the name of the SMSC behind it (message ids are unique only per SMSC). */
export interface SmsGateway {
  client: SmppClient;
  smsc: string;
}

export interface DispatchOptions {
  batch: number;
  clock: Clock;
  workerId?: string;
  /** How long a claimed send is this dispatcher's before another may take it over. */
  leaseMs?: number;
  actor?: string;
  /** Set to abandon the batch after sending, without recording: what a crash at that moment leaves behind. */
  abort?: { aborted: boolean };
  /** Only live or only exercise rows, for gateways of that kind (see claimSends). */
  traffic?: Traffic;
}

export interface DispatchCounts {
  claimed: number;
  submitted: number;
  retry: number;
  failed: number;
  refused: number;
  too_late: number;
}

const GATE_CODES = ['SMS_EXERCISE_ON_LIVE_CHANNEL', 'SMS_LIVE_ON_EXERCISE_CHANNEL', 'SMS_EXERCISE_MARK_MISSING', 'SMS_EXERCISE_MARK_ON_LIVE'];

async function sendOne(gateway: SmsGateway, s: ClaimedSend, clock: Clock): Promise<SendOutcome> {
  const notice = checkNoticePeriod(clock.now(), s.appearanceAt, 'sms');
  if (!notice.ok) return { send: s, kind: 'too_late', error: notice.message };
  try {
    const r = await gateway.client.send({ to: s.destination, text: s.text, exercise: s.exercise }, { clock });
    return { send: s, kind: 'submitted', messageIds: r.messageIds, acceptedAt: r.acceptedAt };
  } catch (e) {
    if (isDomainError(e) && GATE_CODES.includes(e.code)) return { send: s, kind: 'refused', error: `${e.code}: ${e.message}` };
    const retryable = isDomainError(e) && e.details.retryable === true;
    const code = isDomainError(e) ? e.code : 'ERROR';
    return { send: s, kind: retryable ? 'retry' : 'failed', error: `${code}: ${(e as Error).message}` };
  }
}

const DEFAULT_LEASE_MS = 60_000;

/**
 * Claims up to `batch` queued SMS for this worker; the claim, with its attempt marker (summons_sms_attempts), is
 * committed before anything is sent.
 */
function claimSms(db: Db, gateway: SmsGateway, opts: DispatchOptions, skip: readonly number[] = []): Promise<ClaimedSend[]> {
  return claimSends(db, {
    channel: 'sms', workerId: opts.workerId ?? 'dispatch', batch: opts.batch, leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS, skip,
    attempts: { smsc: gateway.smsc, at: opts.clock.now() }, ...(opts.traffic ? { traffic: opts.traffic } : {}),
  });
}

/** Claims up to `batch` queued SMS and sends them. */
async function claimAndSend(db: Db, gateway: SmsGateway, opts: DispatchOptions): Promise<SendOutcome[]> {
  const claimed = await claimSms(db, gateway, opts);
  return Promise.all(claimed.map((s) => sendOne(gateway, s, opts.clock)));
}

function recordBatch(db: Db, gateway: SmsGateway, outcomes: readonly SendOutcome[], opts: DispatchOptions): Promise<void> {
  const workerId = opts.workerId ?? 'dispatch';
  return recordOutcomes(db, outcomes, { smsc: gateway.smsc, clock: opts.clock, actor: opts.actor ?? `dispatcher:${workerId}`, claimedBy: workerId });
}

function countOutcomes(outcomes: readonly SendOutcome[], recorded: boolean): DispatchCounts {
  const counts: DispatchCounts = { claimed: outcomes.length, submitted: 0, retry: 0, failed: 0, refused: 0, too_late: 0 };
  if (recorded) for (const o of outcomes) counts[o.kind]++;
  return counts;
}

/**
 * One round: claims up to `batch` queued SMS, sends them through the gateway — its window keeps up to that many in
 * flight — and records every outcome in one transaction.
 */
export async function dispatchPending(db: Db, gateway: SmsGateway, opts: DispatchOptions): Promise<DispatchCounts> {
  const outcomes = await claimAndSend(db, gateway, opts);
  if (outcomes.length === 0 || opts.abort?.aborted) return countOutcomes(outcomes, false);
  await recordBatch(db, gateway, outcomes, opts);
  return countOutcomes(outcomes, true);
}

const toStderr = stderrReporter('dispatcher');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A failure that trying again will not cure: a refusal of ours, or bad data / a broken constraint (SQLSTATE 22, 23). */
const isPermanent = (e: unknown) => isDomainError(e) || /^2[23]/.test(String((e as { code?: unknown }).code ?? ''));

/** How many times a dispatcher being stopped still tries a failing write before it gives up on it. */
const TRIES_WHEN_STOPPING = 3;

export interface InboxOptions {
  onError?: ErrorReporter;
  /** First wait before storing again after a failure, doubled each time up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Stores every receipt the gateway's client hears, those that arrive together in one statement (one writer at a
 * time, so the pool stays free for the dispatcher). The SMSC counts a receipt as handed over once the client acks
 * it, so a failed write is kept and tried again (with backoff) rather than dropped. `stop` stores what was heard;
 * if the database still refuses after a few tries it throws, naming how many receipts were not stored.
 */
export function receiptInbox(db: Db, gateway: SmsGateway, clock: Clock, opts: InboxOptions = {}): { stop(): Promise<void> } {
  const report = opts.onError ?? toStderr;
  const first = opts.retryMs ?? 250;
  const max = opts.maxRetryMs ?? 30_000;
  let buffer: DeliveryReceipt[] = [];
  let writing: Promise<boolean> | null = null;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;
  let stopped = false;
  /** One write of everything buffered; true when it was stored (or there was nothing to store). */
  const write = (): Promise<boolean> => {
    if (writing) return writing;
    if (buffer.length === 0) return Promise.resolve(true);
    const rs = buffer;
    buffer = [];
    writing = storeReceipts(db, gateway.smsc, rs, clock).then(
      () => {
        failures = 0;
        return true;
      },
      (e: unknown) => {
        buffer = rs.concat(buffer);
        failures++;
        report(`storing ${rs.length} delivery receipt(s), kept to try again`, e as Error);
        return false;
      },
    ).finally(() => {
      writing = null;
    });
    return writing;
  };
  const flush = (): void => {
    if (writing || retry || stopped) return;
    void write().then((ok) => {
      if (stopped) return;
      if (ok) {
        if (buffer.length > 0) flush();
        return;
      }
      retry = setTimeout(() => {
        retry = null;
        flush();
      }, backoff(failures, first, max));
    });
  };
  const off = gateway.client.onReceipt((r) => {
    buffer.push(r);
    flush();
  });
  return {
    async stop() {
      off();
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      for (let tries = 0; ; ) {
        if (writing) await writing;
        if (buffer.length === 0) return;
        if (await write()) continue;
        if (++tries >= TRIES_WHEN_STOPPING) {
          throw new DomainError('SMS_RECEIPTS_NOT_STORED', `${buffer.length} delivery receipt(s) heard from ${gateway.smsc} could not be stored`, { smsc: gateway.smsc, messageIds: buffer.map((r) => r.messageId) });
        }
        await sleep(backoff(tries, first, max));
      }
    },
  };
}

/** The channels a dispatcher sends through; a channel without a gateway is left queued for another dispatcher. */
export interface DispatchGateways {
  sms?: SmsGateway;
  egov?: EgovGateway;
}

export interface DispatcherHandle {
  readonly workerId: string;
  /** SMS rounds. */
  readonly totals: DispatchCounts;
  /** e-Gov rounds, and the read_status changes recorded by the read polls. */
  readonly egovTotals: DispatchCounts & { readReports: number };
  /** Sends recorded from the receipts of a lost record, and receipts set aside as matching nothing (recoverReceipts). */
  readonly receiptTotals: { recoveredSends: number; unmatched: number };
  /**
   * Graceful: finishes and records the batches in flight (throws SMS_SENDS_NOT_RECORDED naming the rows it could not
   * record). abort: leaves them unrecorded, as a crash would.
   */
  stop(opts?: { abort?: boolean }): Promise<void>;
}

export interface DispatcherOptions extends DispatchOptions {
  /** Idle wait between rounds when nothing was due. */
  pollMs?: number;
  /** How often the read status of each posted e-Gov message is asked for. */
  readPollMs?: number;
  /**
   * Told of every step that failed (a claim, a record, receipts): the dispatcher does not stop on a failure, it waits
   * (pollMs doubled per failure in a row, at most maxRetryMs) and goes on. Default: a line on stderr.
   */
  onError?: ErrorReporter;
  maxRetryMs?: number;
  /** How often, when idle, unmatched receipts are looked at (recoverReceipts); default 5 s. */
  recoverEveryMs?: number;
  /** How long a receipt may match nothing before it is set aside and counted; default UNMATCHED_RECEIPT_MS. */
  unmatchedReceiptMs?: number;
}

/**
 * Batches a dispatcher has on the wire at once. A crash can leave that many batches sent and not recorded: they are
 * sent again once their lease runs out, so at most SMS_PIPELINE × batch messages are repeated.
 */
export const SMS_PIPELINE = 2;

const zero = (): DispatchCounts => ({ claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, too_late: 0 });
function addCounts(to: DispatchCounts, c: DispatchCounts): void {
  for (const k of Object.keys(c) as (keyof DispatchCounts)[]) to[k] += c[k];
}

/**
 * The long-running dispatcher: one loop per channel it has a gateway for — rounds while there is work, a poll
 * interval when idle; SMS receipts applied as they come, e-Gov read status polled — so a slow channel never holds up
 * the other. It owns the gateways: stopping it closes their clients. `startDispatcher(db, { sms }, opts)` is the
 * SMS-only form; a bare SmsGateway is accepted as the same thing.
 */
export function startDispatcher(db: Db, gateways: DispatchGateways | SmsGateway, opts: DispatcherOptions): DispatcherHandle {
  const { sms, egov }: DispatchGateways = 'client' in gateways ? { sms: gateways } : gateways;
  const workerId = opts.workerId ?? randomUUID();
  const abort = { aborted: false };
  const totals = zero();
  const egovTotals = { ...zero(), readReports: 0 };
  const receiptTotals = { recoveredSends: 0, unmatched: 0 };
  const report = opts.onError ?? toStderr;
  const pollMs = opts.pollMs ?? 500;
  const maxRetryMs = opts.maxRetryMs ?? 30_000;
  const inbox = sms ? receiptInbox(db, sms, opts.clock, { onError: report, retryMs: pollMs, maxRetryMs }) : null;
  // A round that throws (the database or a channel failing) is reported and tried again after a growing pause; the
  // dispatcher keeps running, as sends already claimed come back to the queue once their lease runs out.
  const rounds = new Rounds({ pollMs, maxRetryMs, onError: report });
  const round = { ...opts, workerId, abort };
  const unrecorded: number[] = [];
  const loops: Promise<void>[] = [];
  // Unmatched receipts are looked at when idle, not every round: during a send they are mostly receipts that came
  // before their record, which the next record applies.
  const recoverEveryMs = opts.recoverEveryMs ?? 5_000;
  let recoveredAt = 0;
  const recover = async (): Promise<void> => {
    recoveredAt = Date.now();
    const unmatchedAfterMs = opts.unmatchedReceiptMs;
    const c: RecoveryCounts = await recoverReceipts(db, { clock: opts.clock, actor: opts.actor ?? `dispatcher:${workerId}`, ...(unmatchedAfterMs !== undefined ? { unmatchedAfterMs } : {}) });
    receiptTotals.recoveredSends += c.recoveredSends;
    receiptTotals.unmatched += c.unmatched;
    if (c.unmatched > 0) {
      report(`${c.unmatched} delivery receipt(s) matched no SMS on record and were set aside`, new DomainError('SMS_RECEIPTS_UNMATCHED', `${c.unmatched} receipt(s) from the SMSC name message ids no summons SMS has; counted in the audit log (summons.sms.receipts_unmatched)`, { messageIds: c.unmatchedIds }));
    }
  };
  if (sms) {
    // A pipeline: up to SMS_PIPELINE batches on the wire while the oldest finished one is recorded (one record at a
    // time, in claim order), so the SMPP window is not idle during the database work or between batches. `held` are
    // rows claimed and not yet recorded, which the next claim skips even if their lease lapses meanwhile.
    const recorder = new OneInFlight();
    const held = new Set<number>();
    const onWire: { at: number; sent: Promise<SendOutcome[]> }[] = [];
    // What was sent is known only here until it is recorded, so a failed record is tried again (sending it again
    // would repeat the messages; recordOutcomes is safe to repeat). It gives up, leaving the rows to come back to the
    // queue when their lease runs out, on an error that will not go away by waiting (bad data, a refused change),
    // once the lease is nearly over (another dispatcher may take the rows then), after a few tries when stopping,
    // and at once on abort (as a crash would). A graceful stop names the sends it gave up on.
    const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
    const record = (outcomes: SendOutcome[], claimedAt: number) =>
      recorder.submit(async () => {
        for (let tries = 1; !abort.aborted; tries++) {
          try {
            await recordBatch(db, sms, outcomes, round);
            addCounts(totals, { ...countOutcomes(outcomes, true), claimed: 0 });
            break;
          } catch (e) {
            const givingUp = abort.aborted || isPermanent(e) || Date.now() - claimedAt > leaseMs * 0.8 || (rounds.stopping && tries >= TRIES_WHEN_STOPPING);
            report(`recording ${outcomes.length} SMS sends${givingUp ? ' failed; left for their lease to run out' : `, try ${tries}; trying again`}`, e as Error);
            if (givingUp) {
              if (rounds.stopping && !abort.aborted) unrecorded.push(...outcomes.map((o) => o.send.id));
              break;
            }
            await rounds.pause(backoff(tries, pollMs, maxRetryMs));
          }
        }
        for (const o of outcomes) held.delete(o.send.id);
      });
    const smsLoop = rounds.loop('SMS', async () => {
      while (onWire.length < SMS_PIPELINE && !rounds.stopping) {
        const claimed = await claimSms(db, sms, round, [...held]);
        if (claimed.length === 0) break;
        for (const c of claimed) held.add(c.id);
        totals.claimed += claimed.length;
        onWire.push({ at: Date.now(), sent: Promise.all(claimed.map((c) => sendOne(sms, c, opts.clock))) });
      }
      const oldest = onWire.shift();
      if (!oldest) {
        await recorder.drain();
        if (!rounds.stopping) {
          await applyReceipts(db, opts.clock);
          if (Date.now() - recoveredAt >= recoverEveryMs) await recover();
        }
        return 0;
      }
      const outcomes = await oldest.sent;
      if (!abort.aborted) await record(outcomes, oldest.at);
      return outcomes.length;
    });
    loops.push(
      smsLoop.then(async () => {
        // Stopping: what is on the wire is recorded (gracefully) or left unrecorded (abort, as a crash would).
        for (let p = onWire.shift(); p; p = onWire.shift()) {
          const outcomes = await p.sent;
          if (!abort.aborted) await record(outcomes, p.at);
        }
        await recorder.drain();
      }),
    );
  }
  if (egov) {
    loops.push(rounds.loop('e-Gov', async () => {
      const c = await dispatchEgov(db, egov, round);
      addCounts(egovTotals, c);
      if (rounds.stopping) return c.claimed;
      const r = await pollEgovReads(db, egov, { batch: opts.batch, clock: opts.clock, ...(opts.readPollMs !== undefined ? { readPollMs: opts.readPollMs } : {}), actor: opts.actor ?? `dispatcher:${workerId}` });
      egovTotals.readReports += r.recorded;
      return c.claimed + r.checked;
    }));
  }
  const running = Promise.all(loops);
  return {
    workerId,
    totals,
    egovTotals,
    receiptTotals,
    async stop(o = {}) {
      if (o.abort) abort.aborted = true;
      rounds.stop();
      await running;
      try {
        if (sms && inbox) {
          // The client is closed before the inbox stops listening: a receipt the SMSC hands to this connection is
          // acked on arrival, so it must be stored; once the connection is gone the SMSC keeps it for the next one.
          await sms.client.close();
          await inbox.stop();
          if (!o.abort) {
            await applyReceipts(db, opts.clock);
            await recover().catch((e: unknown) => report('looking at unmatched delivery receipts', e as Error));
          }
        }
      } finally {
        await egov?.client.close();
      }
      if (unrecorded.length > 0) {
        throw new DomainError('SMS_SENDS_NOT_RECORDED', `${unrecorded.length} SMS sent while stopping could not be recorded; they go out again once their lease runs out`, { outboxIds: unrecorded });
      }
    },
  };
}
