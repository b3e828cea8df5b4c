import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { Rounds, backoff, stderrReporter, type ErrorReporter } from '../../kernel/rounds.ts';
import type { DeliveryReceipt } from '../sms/index.ts';
import { dispatchAlerts, zeroDispatchCounts, type AlertChannel, type AlertDispatchCounts, type AlertDispatchOptions, type AlertGateways, type AlertSmsGateway } from './dispatch.ts';
import { RECEIPT_BATCH, addReceiptCounts, storeAlertReceipts, sweepAlertReceipts, zeroReceiptCounts, type ReceiptCounts, type ReceiptExpiry } from './receipts.ts';

export interface AlertDispatcherHandle {
  readonly totals: Record<AlertChannel, AlertDispatchCounts>;
  /** Receipts heard, applied, adopted and expired (see receipts.ts). */
  readonly receipts: ReceiptCounts;
  stop(): Promise<void>;
}

export interface AlertDispatcherOptions extends AlertDispatchOptions {
  pollMs?: number;
  maxRetryMs?: number;
  onError?: ErrorReporter;
  /** When an unmatched receipt is given up (DEFAULT_RECEIPT_EXPIRY). */
  receiptExpiry?: ReceiptExpiry;
  /** How long receipts are gathered before they are stored together (default 50 ms). */
  receiptGatherMs?: number;
  /** Least wall time between two sweeps of the receipt inbox. */
  sweepMs?: number;
}

const TRIES_WHEN_STOPPING = 3;

/**
 * The receipts one SMPP bind hears, stored a batch at a time (at most RECEIPT_BATCH per transaction, one writer,
 * a turn of the event loop between batches). The SMSC counts a receipt as handed over once the client acks it, so
 * a failed write keeps the batch and tries again with backoff.
 */
function receiptInbox(db: Db, sms: AlertSmsGateway, o: { clock: AlertDispatchOptions['clock']; actor: string; report: ErrorReporter; retryMs: number; maxRetryMs: number; gatherMs: number }, totals: ReceiptCounts) {
  let buffer: DeliveryReceipt[] = [];
  let writing: Promise<boolean> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;
  let stopped = false;
  const write = (): Promise<boolean> => {
    if (writing) return writing;
    if (buffer.length === 0) return Promise.resolve(true);
    const batch = buffer.slice(0, RECEIPT_BATCH);
    buffer = buffer.slice(batch.length);
    writing = storeAlertReceipts(db, sms.smsc, batch, { clock: o.clock, actor: o.actor })
      .then((c) => {
        addReceiptCounts(totals, c);
        failures = 0;
        return true;
      }, (e: unknown) => {
        buffer = batch.concat(buffer);
        failures++;
        o.report(`storing ${batch.length} alert receipt(s), kept to try again`, e as Error);
        return false;
      })
      .finally(() => {
        writing = null;
      });
    return writing;
  };
  // Receipts come one by one; gathering them for a moment makes one transaction of many instead of one each.
  let gather: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    if (stopped || buffer.length === 0) return;
    if (buffer.length >= RECEIPT_BATCH) return flush();
    gather ??= setTimeout(() => {
      gather = null;
      flush();
    }, o.gatherMs);
  };
  const flush = (): void => {
    if (writing || retry || stopped) return;
    void write().then((ok) => {
      if (stopped) return;
      if (ok) return schedule();
      retry = setTimeout(() => {
        retry = null;
        flush();
      }, backoff(failures, o.retryMs, o.maxRetryMs));
    });
  };
  const off = sms.client.onReceipt((r) => {
    buffer.push(r);
    schedule();
  });
  return {
    async stop(): Promise<void> {
      off();
      stopped = true;
      if (retry) clearTimeout(retry);
      if (gather) clearTimeout(gather);
      for (let tries = 0; ; ) {
        if (writing) await writing;
        if (buffer.length === 0) return;
        if (await write()) continue;
        if (++tries >= TRIES_WHEN_STOPPING) {
          throw new DomainError('ALERT_RECEIPTS_NOT_STORED', `${buffer.length} alert receipt(s) heard from ${sms.smsc} could not be stored`, { smsc: sms.smsc, count: buffer.length });
        }
        await new Promise((r) => setTimeout(r, backoff(tries, o.retryMs, o.maxRetryMs)));
      }
    },
  };
}

/**
 * The long-running alert dispatcher: one loop per channel it has a gateway for, the receipt inbox beside the SMS
 * loop, and a sweep of unmatched receipts at most every sweepMs. A round that fails is reported (onError, default
 * stderr) and tried again after a growing pause. Stopping it closes the gateways and stores what was heard.
 */
export function startAlertDispatcher(db: Db, gateways: AlertGateways, opts: AlertDispatcherOptions): AlertDispatcherHandle {
  const workerId = opts.workerId ?? randomUUID();
  const actor = opts.actor ?? `alert-dispatcher:${workerId}`;
  const totals = { sms: zeroDispatchCounts(), cell_broadcast: zeroDispatchCounts() };
  const receipts = zeroReceiptCounts();
  const report = opts.onError ?? stderrReporter('alert dispatcher');
  const pollMs = opts.pollMs ?? 500;
  const maxRetryMs = opts.maxRetryMs ?? 30_000;
  const sweepMs = opts.sweepMs ?? 5_000;
  const rounds = new Rounds({ pollMs, maxRetryMs, onError: report });
  const sms = gateways.sms;
  const inbox = sms ? receiptInbox(db, sms, { clock: opts.clock, actor, report, retryMs: pollMs, maxRetryMs, gatherMs: opts.receiptGatherMs ?? 50 }, receipts) : null;
  let lastSweep = Date.now();
  const sweep = async (force = false) => {
    if (!sms || (!force && Date.now() - lastSweep < sweepMs)) return;
    lastSweep = Date.now();
    addReceiptCounts(receipts, await sweepAlertReceipts(db, sms.smsc, { clock: opts.clock, actor, ...(opts.receiptExpiry ? { expiry: opts.receiptExpiry } : {}) }));
  };
  const loop = (channel: AlertChannel) =>
    rounds.loop(`alert ${channel}`, async () => {
      const c = await dispatchAlerts(db, gateways, channel, { ...opts, workerId, actor });
      for (const k of Object.keys(c) as (keyof AlertDispatchCounts)[]) totals[channel][k] += c[k];
      receipts.applied += c.receipts;
      if (channel === 'sms') await sweep();
      return c.claimed;
    });
  const running = Promise.all([...(sms ? [loop('sms')] : []), ...(gateways.cellBroadcast ? [loop('cell_broadcast')] : [])]);
  return {
    totals,
    receipts,
    async stop() {
      rounds.stop();
      await running;
      try {
        // Closed before the inbox stops listening: a receipt handed to this connection is acked, so it is stored.
        await sms?.client.close();
        await inbox?.stop();
        // Applies what can be matched now; nothing expires on the way out that a later start could still match.
        if (sms) addReceiptCounts(receipts, await sweepAlertReceipts(db, sms.smsc, { clock: opts.clock, actor, expiry: null }));
      } finally {
        await gateways.cellBroadcast?.close?.();
      }
    },
  };
}
