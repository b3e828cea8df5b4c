import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { isDomainError } from '../../kernel/errors.ts';
import type { SmppClient } from '../sms/index.ts';
import { dispatchEgov, pollEgovReads, type EgovGateway } from './egov-dispatch.ts';
import { checkNoticePeriod } from './notice-period.ts';
import { applyReceipts, claimSends, type Traffic, recordOutcomes, storeReceipt, type ClaimedSend, type SendOutcome } from './outbox.ts';

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

/**
 * One round: claims up to `batch` queued SMS (the claim is committed before anything is sent), sends them through
 * the gateway — its window keeps up to that many in flight — and records every outcome in one transaction.
 */
export async function dispatchPending(db: Db, gateway: SmsGateway, opts: DispatchOptions): Promise<DispatchCounts> {
  const counts: DispatchCounts = { claimed: 0, submitted: 0, retry: 0, failed: 0, refused: 0, too_late: 0 };
  const claimed = await claimSends(db, { channel: 'sms', workerId: opts.workerId ?? 'dispatch', batch: opts.batch, leaseMs: opts.leaseMs ?? 60_000, ...(opts.traffic ? { traffic: opts.traffic } : {}) });
  counts.claimed = claimed.length;
  if (claimed.length === 0) return counts;
  const outcomes = await Promise.all(claimed.map((s) => sendOne(gateway, s, opts.clock)));
  if (opts.abort?.aborted) return counts;
  await recordOutcomes(db, outcomes, { smsc: gateway.smsc, clock: opts.clock, actor: opts.actor ?? `dispatcher:${opts.workerId ?? 'dispatch'}` });
  for (const o of outcomes) counts[o.kind]++;
  return counts;
}

/** Stores every receipt the gateway's client hears; `stop` waits until those already heard are stored. */
export function receiptInbox(db: Db, gateway: SmsGateway, clock: Clock): { stop(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  const off = gateway.client.onReceipt((r) => {
    const p = storeReceipt(db, gateway.smsc, r, clock).catch((e: unknown) => console.error(`receipt ${r.messageId} not stored: ${(e as Error).message}`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  });
  return {
    async stop() {
      off();
      while (pending.size > 0) await Promise.all([...pending]);
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
    loops.push(loop(async () => {
      const c = await dispatchPending(db, sms, round);
      addCounts(totals, c);
      if (!stopping) await applyReceipts(db, opts.clock);
      return c.claimed;
    }));
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
