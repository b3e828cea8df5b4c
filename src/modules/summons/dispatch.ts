import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isDomainError } from '../../kernel/errors.ts';
import { OneInFlight } from '../../kernel/one-in-flight.ts';
import type { DeliveryReceipt, SmppClient } from '../sms/index.ts';
import { dispatchEgov, pollEgovReads, type EgovGateway } from './egov-dispatch.ts';
import { checkNoticePeriod } from './notice-period.ts';
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
    const r = await gateway.client.send({ to: s.destination, text: s.text, exercise: s.exercise });
    return { send: s, kind: 'submitted', messageIds: r.messageIds };
  } catch (e) {
    if (isDomainError(e) && GATE_CODES.includes(e.code)) return { send: s, kind: 'refused', error: `${e.code}: ${e.message}` };
    const retryable = isDomainError(e) && e.details.retryable === true;
    const code = isDomainError(e) ? e.code : 'ERROR';
    return { send: s, kind: retryable ? 'retry' : 'failed', error: `${code}: ${(e as Error).message}` };
  }
}

/** Claims up to `batch` queued SMS (the claim is committed before anything is sent) and sends them. */
async function claimAndSend(db: Db, gateway: SmsGateway, opts: DispatchOptions): Promise<SendOutcome[]> {
  const claimed = await claimSends(db, { channel: 'sms', workerId: opts.workerId ?? 'dispatch', batch: opts.batch, leaseMs: opts.leaseMs ?? 60_000, ...(opts.traffic ? { traffic: opts.traffic } : {}) });
  return Promise.all(claimed.map((s) => sendOne(gateway, s, opts.clock)));
}

function recordBatch(db: Db, gateway: SmsGateway, outcomes: readonly SendOutcome[], opts: DispatchOptions): Promise<void> {
  return recordOutcomes(db, outcomes, { smsc: gateway.smsc, clock: opts.clock, actor: opts.actor ?? `dispatcher:${opts.workerId ?? 'dispatch'}` });
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

/**
 * Stores every receipt the gateway's client hears, those that arrive together in one statement (one writer at a
 * time, so the pool stays free for the dispatcher); `stop` waits until those already heard are stored.
 */
export function receiptInbox(db: Db, gateway: SmsGateway, clock: Clock): { stop(): Promise<void> } {
  let buffer: DeliveryReceipt[] = [];
  let writing: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    if (writing || buffer.length === 0) return writing ?? Promise.resolve();
    const rs = buffer;
    buffer = [];
    writing = storeReceipts(db, gateway.smsc, rs, clock)
      .catch((e: unknown) => console.error(`${rs.length} receipt(s) not stored: ${(e as Error).message}`))
      .finally(() => {
        writing = null;
        void flush();
      });
    return writing;
  };
  const off = gateway.client.onReceipt((r) => {
    buffer.push(r);
    void flush();
  });
  return {
    async stop() {
      off();
      while (writing || buffer.length > 0) await flush();
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
  /** Graceful: finishes and records the batches in flight. abort: leaves them unrecorded, as a crash would. */
  stop(opts?: { abort?: boolean }): Promise<void>;
}

export interface DispatcherOptions extends DispatchOptions {
  /** Idle wait between rounds when nothing was due. */
  pollMs?: number;
  /** How often the read status of each posted e-Gov message is asked for. */
  readPollMs?: number;
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
  const inbox = sms ? receiptInbox(db, sms, opts.clock) : null;
  let stopping = false;
  const wakers = new Set<() => void>();
  const loop = async (round: () => Promise<number>): Promise<void> => {
    while (!stopping) {
      const busy = await round();
      if (busy === 0 && !stopping) await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(t);
          wakers.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, opts.pollMs ?? 500);
        wakers.add(wake);
      });
    }
  };
  const round = { ...opts, workerId, abort };
  const loops: Promise<void>[] = [];
  if (sms) {
    // A pipeline: up to SMS_PIPELINE batches on the wire while the oldest finished one is recorded (one record at a
    // time, in claim order), so the SMPP window is not idle during the database work or between batches. `held` are
    // rows claimed and not yet recorded, which the next claim skips even if their lease lapses meanwhile.
    const recorder = new OneInFlight();
    const held = new Set<number>();
    const onWire: Promise<SendOutcome[]>[] = [];
    const record = (outcomes: SendOutcome[]) =>
      recorder.submit(async () => {
        await recordBatch(db, sms, outcomes, round);
        for (const o of outcomes) held.delete(o.send.id);
        addCounts(totals, { ...countOutcomes(outcomes, true), claimed: 0 });
      });
    const smsLoop = loop(async () => {
      while (onWire.length < SMS_PIPELINE && !stopping) {
        const claimed = await claimSends(db, { channel: 'sms', workerId, batch: opts.batch, leaseMs: opts.leaseMs ?? 60_000, skip: [...held], ...(opts.traffic ? { traffic: opts.traffic } : {}) });
        if (claimed.length === 0) break;
        for (const c of claimed) held.add(c.id);
        totals.claimed += claimed.length;
        onWire.push(Promise.all(claimed.map((c) => sendOne(sms, c, opts.clock))));
      }
      const oldest = onWire.shift();
      if (!oldest) {
        await recorder.drain();
        if (!stopping) await applyReceipts(db, opts.clock);
        return 0;
      }
      const outcomes = await oldest;
      if (!abort.aborted) await record(outcomes);
      return outcomes.length;
    });
    loops.push(
      smsLoop.then(async () => {
        // Stopping: what is on the wire is recorded (gracefully) or left unrecorded (abort, as a crash would).
        for (let p = onWire.shift(); p; p = onWire.shift()) {
          const outcomes = await p;
          if (!abort.aborted) await record(outcomes);
        }
        await recorder.drain();
      }),
    );
  }
  if (egov) {
    loops.push(loop(async () => {
      const c = await dispatchEgov(db, egov, round);
      addCounts(egovTotals, c);
      if (stopping) return c.claimed;
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
    async stop(o = {}) {
      stopping = true;
      if (o.abort) abort.aborted = true;
      for (const w of [...wakers]) w();
      await running;
      if (sms && inbox) {
        // The client is closed before the inbox stops listening: a receipt the SMSC hands to this connection is acked
        // on arrival, so it must be stored; once the connection is gone the SMSC keeps it for the next one.
        await sms.client.close();
        await inbox.stop();
        if (!o.abort) await applyReceipts(db, opts.clock);
      }
      await egov?.client.close();
    },
  };
}
