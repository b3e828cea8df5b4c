import { performance } from 'node:perf_hooks';
import smpp from 'smpp';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { encodeSms, type SmsEncoding } from './encoding.ts';
import { checkExerciseGate, type OutboundSms, type SmsChannelConfig } from './exercise-gate.ts';
import { parseReceipt, type DeliveryReceipt } from './receipt.ts';

export interface SmppClientOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** Sender shown on the handset. */
  sourceAddr: string;
  channel: SmsChannelConfig;
  /** Most submit_sm awaiting their response at once (ARCHITECTURE.md: 50–100). */
  window?: number;
  /** How long to wait for any response PDU. */
  replyTimeoutMs?: number;
  /** Most submit_sm per second (the SMSC contract's throughput); no cap when absent. */
  ratePerSecond?: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  enquireLinkMs?: number;
  /** Dates each submit_sm_resp (SubmitResult.acceptedAt); a send may bring its own (the dispatcher's, so tests pin it). */
  clock?: Clock;
  /**
   * For an exercise channel: the system ids an SMSC may answer the bind with for exercise traffic to go to it
   * (default: our simulator's, EXERCISE_SMSC_IDS). A live SMSC answers with its own and the bind is refused, so an
   * exercise can never be pointed at real handsets by a wrong address.
   */
  exerciseSmscIds?: readonly string[];
}

/** The system id our SMSC simulator answers a bind with. */
export const EXERCISE_SMSC_IDS: readonly string[] = ['MOBILIZE-SIM'];

export type SmppClientState = 'connecting' | 'bound' | 'disconnected' | 'closed';

export interface SubmitResult {
  /** One SMSC message id per part, in part order; delivery receipts name these. */
  messageIds: string[];
  /**
   * When each part's submit_sm_resp arrived, in part order: the moment the SMSC had the part, as seen on the wire.
   * This, not the time the send is recorded, is the submit time of the evidence.
   */
  acceptedAt: Date[];
  encoding: SmsEncoding;
}

interface Accepted {
  messageId: string;
  at: Date;
}

interface Queued {
  options: Record<string, unknown>;
  clock: Clock;
  resolve: (accepted: Accepted) => void;
  reject: (e: Error) => void;
}
interface InFlight extends Queued {
  timer: NodeJS.Timeout;
}

const RECEIPTS_KEPT = 100_000;
/** Statuses after which the SMSC will not report again on a message. */
const FINAL_RECEIPT = new Set(['delivered', 'undeliverable', 'expired', 'rejected', 'deleted']);

function failure(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, message, details);
}

function receiptText(sm: unknown): string {
  if (typeof sm === 'string') return sm;
  if (Buffer.isBuffer(sm)) return sm.toString('latin1');
  const message = (sm as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : Buffer.isBuffer(message) ? message.toString('latin1') : '';
}

/**
 * SMPP 3.4 transceiver over `smpp`: one connection, a window of outstanding submit_sm, a rate cap, a timeout on
 * every response, keep-alive, and reconnection with backoff. Receipts are correlated by message id, also when they
 * arrive over a later connection. Sends are at most once: a submit in flight when the connection drops is rejected
 * with SMS_CONNECTION_LOST (retryable) and never resent here, because the SMSC may already have taken it; the caller,
 * which holds the record of the notification, decides.
 */
export class SmppClient {
  private session: smpp.Session | null = null;
  private currentState: SmppClientState = 'connecting';
  private readonly queue: Queued[] = [];
  private readonly inFlight = new Map<number, InFlight>();
  private nextSlotAt = 0;
  private pumpTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private enquireTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private concatReference = 0;
  private readonly receipts = new Map<string, DeliveryReceipt>();
  private readonly receiptListeners = new Set<(r: DeliveryReceipt) => void>();
  /** Receipts that came while nobody listened, for the first listener (see onReceipt). */
  private readonly unheard: DeliveryReceipt[] = [];
  private readonly boundWaiters = new Set<() => void>();
  private readonly idle = new Set<() => void>();
  private readonly window: number;
  private readonly replyTimeoutMs: number;

  private constructor(private readonly opts: SmppClientOptions) {
    this.window = opts.window ?? 50;
    this.replyTimeoutMs = opts.replyTimeoutMs ?? 10_000;
    this.reconnectDelay = opts.reconnectInitialDelayMs ?? 250;
    if (!Number.isInteger(this.window) || this.window < 1) throw failure('SMS_BAD_CONFIG', `window must be a positive whole number, not ${opts.window}`);
    if (opts.ratePerSecond !== undefined && !(opts.ratePerSecond > 0)) throw failure('SMS_BAD_CONFIG', `ratePerSecond must be positive, not ${opts.ratePerSecond}`);
  }

  /** Connects and binds; rejects (SMS_CONNECT_FAILED, SMS_BIND_FAILED) if the first attempt fails. Later drops reconnect. */
  static async open(opts: SmppClientOptions): Promise<SmppClient> {
    const client = new SmppClient(opts);
    await client.connectOnce();
    return client;
  }

  get state(): SmppClientState {
    return this.currentState;
  }

  /** Resolves once the client is bound (at once if it is). */
  whenBound(): Promise<void> {
    if (this.currentState === 'bound') return Promise.resolve();
    return new Promise((resolve) => this.boundWaiters.add(resolve));
  }

  /**
   * Checks the exercise gate, splits the text into parts and submits them. Resolves with every part's message id;
   * if any part fails the error (SMS_SUBMIT_FAILED) lists the ids that were accepted (acceptedMessageIds, and
   * acceptedAt as ISO times). `clock` dates the responses (default: the client's).
   */
  async send(sms: OutboundSms, opts: { clock?: Clock } = {}): Promise<SubmitResult> {
    const clock = opts.clock ?? this.opts.clock ?? systemClock;
    if (this.currentState === 'closed') throw failure('SMS_CLIENT_CLOSED', 'the SMPP client is closed');
    checkExerciseGate(this.opts.channel, sms);
    const encoded = encodeSms(sms.text, this.concatReference++);
    const results = await Promise.allSettled(
      encoded.parts.map((p) =>
        this.submit({
          source_addr: this.opts.sourceAddr,
          source_addr_ton: /^\+?\d+$/.test(this.opts.sourceAddr) ? 1 : 5,
          source_addr_npi: 1,
          destination_addr: sms.to.replace(/^\+/, ''),
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          esm_class: p.esmClass,
          data_coding: p.dataCoding,
          registered_delivery: 1,
          short_message: p.shortMessage,
        }, clock),
      ),
    );
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const messageIds = accepted.map((a) => a.messageId);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (errors.length > 0) {
      const first = errors[0] as Error & { code?: string };
      throw failure('SMS_SUBMIT_FAILED', `${errors.length} of ${results.length} part(s) to ${sms.to} not accepted: ${first.message}`, {
        acceptedMessageIds: messageIds,
        acceptedAt: accepted.map((a) => a.at.toISOString()),
        causes: errors.map((e) => (e as { code?: string }).code ?? e.message),
        retryable: errors.every((e) => (e as DomainError).details?.retryable === true),
      });
    }
    return { messageIds, acceptedAt: accepted.map((a) => a.at), encoding: encoded.encoding };
  }

  /**
   * Every receipt as it arrives. Returns the function that stops listening. The SMSC hands a bind the receipts it
   * kept for it as soon as the bind is answered — before `open` has resolved to anyone who could listen — and counts
   * them delivered once acked, so receipts heard while nobody listens are kept and handed to the next listener.
   */
  onReceipt(listener: (r: DeliveryReceipt) => void): () => void {
    this.receiptListeners.add(listener);
    for (const r of this.unheard.splice(0)) listener(r);
    return () => this.receiptListeners.delete(listener);
  }

  /** Receipts already received for these ids plus those arriving within the timeout (which ends the wait early only when all are final). */
  waitForReceipts(messageIds: readonly string[], timeoutMs: number): Promise<Map<string, DeliveryReceipt>> {
    const found = new Map<string, DeliveryReceipt>();
    const done = () => messageIds.every((id) => FINAL_RECEIPT.has(found.get(id)?.status ?? ''));
    for (const id of messageIds) {
      const r = this.receipts.get(id);
      if (r) found.set(id, r);
    }
    if (done()) return Promise.resolve(found);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        stop();
        resolve(found);
      };
      const timer = setTimeout(finish, timeoutMs);
      const stop = this.onReceipt((r) => {
        if (!messageIds.includes(r.messageId)) return;
        found.set(r.messageId, r);
        if (done()) finish();
      });
    });
  }

  /** Stops taking messages, lets submits in flight finish, unbinds and closes. Queued, unsent parts are rejected. */
  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    for (const t of [this.pumpTimer, this.reconnectTimer, this.enquireTimer]) if (t) clearTimeout(t);
    for (const q of this.queue.splice(0)) q.reject(failure('SMS_CLIENT_CLOSED', 'the SMPP client closed before this part was sent'));
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    const session = this.session;
    this.session = null;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(), this.replyTimeoutMs);
      session.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!session.unbind(() => session.close())) session.destroy();
    });
  }

  private submit(options: Record<string, unknown>, clock: Clock): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.queue.push({ options, clock, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const session = this.session;
    if (this.currentState !== 'bound' || !session || this.pumpTimer) return;
    const interval = this.opts.ratePerSecond ? 1000 / this.opts.ratePerSecond : 0;
    while (this.queue.length > 0 && this.inFlight.size < this.window) {
      const now = performance.now();
      if (now < this.nextSlotAt) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = null;
          this.pump();
        }, Math.ceil(this.nextSlotAt - now));
        return;
      }
      const item = this.queue[0] as Queued;
      const pdu = new smpp.PDU('submit_sm', item.options);
      if (!session.send(pdu, (resp) => this.settle(pdu.sequence_number, resp))) return; // socket closing: the close handler takes over
      this.queue.shift();
      this.nextSlotAt = Math.max(now, this.nextSlotAt) + interval;
      const seq = pdu.sequence_number;
      const timer = setTimeout(() => {
        this.settle(seq, null);
      }, this.replyTimeoutMs);
      this.inFlight.set(seq, { ...item, timer });
    }
  }

  private settle(seq: number, resp: smpp.Pdu | null): void {
    const f = this.inFlight.get(seq);
    if (!f) return; // answered after its timeout, or on a connection already given up
    clearTimeout(f.timer);
    this.inFlight.delete(seq);
    if (resp === null) {
      f.reject(failure('SMS_REPLY_TIMEOUT', `no submit_sm_resp within ${this.replyTimeoutMs} ms; the SMSC may or may not have the message`, { retryable: true }));
    } else if (resp.command_status === 0 && resp.message_id) {
      f.resolve({ messageId: resp.message_id, at: f.clock.now() });
    } else {
      const throttled = resp.command_status === smpp.ESME_RTHROTTLED;
      f.reject(failure('SMS_SUBMIT_REJECTED', `the SMSC refused the part with status 0x${resp.command_status.toString(16).padStart(8, '0')}${throttled ? ' (throttled)' : ''}`, { status: resp.command_status, retryable: throttled }));
    }
    if (this.inFlight.size === 0) {
      for (const resolve of this.idle) resolve();
      this.idle.clear();
    }
    this.pump();
  }

  /** One connection attempt: TCP connect, bind_transceiver. Resolves when bound. */
  private connectOnce(): Promise<void> {
    this.currentState = 'connecting';
    return new Promise((resolve, reject) => {
      const session = smpp.connect({ host: this.opts.host, port: this.opts.port });
      session.socket.setNoDelay(true);
      let bound = false;
      const fail = (e: DomainError) => {
        session.destroy();
        reject(e);
      };
      const bindTimer = setTimeout(() => fail(failure('SMS_CONNECT_FAILED', `no bind response from ${this.opts.host}:${this.opts.port} within ${this.replyTimeoutMs} ms`)), this.replyTimeoutMs);
      session.on('error', (e: Error) => {
        if (!bound) {
          clearTimeout(bindTimer);
          fail(failure('SMS_CONNECT_FAILED', `cannot reach the SMSC at ${this.opts.host}:${this.opts.port}: ${e.message}`));
        }
      });
      session.on('close', () => {
        clearTimeout(bindTimer);
        if (bound) this.onConnectionLost(session);
        else reject(failure('SMS_CONNECT_FAILED', `the SMSC at ${this.opts.host}:${this.opts.port} closed the connection before the bind`));
      });
      session.on('deliver_sm', (pdu: smpp.Pdu) => this.onDeliver(session, pdu));
      session.on('enquire_link', (pdu: smpp.Pdu) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.Pdu) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('connect', () => {
        session.bind_transceiver({ system_id: this.opts.systemId, password: this.opts.password }, (resp) => {
          clearTimeout(bindTimer);
          if (resp.command_status !== 0) {
            fail(failure('SMS_BIND_FAILED', `the SMSC refused the bind as "${this.opts.systemId}" (status 0x${resp.command_status.toString(16)}); check the system id and password`, { status: resp.command_status }));
            return;
          }
          const allowed = this.opts.exerciseSmscIds ?? EXERCISE_SMSC_IDS;
          if (this.opts.channel.exercise && !allowed.includes(String(resp.system_id ?? ''))) {
            fail(failure('SMS_EXERCISE_CHANNEL_NOT_EXERCISE_SMSC', `${this.opts.host}:${this.opts.port} answered as "${resp.system_id ?? ''}", not as an exercise SMSC (${allowed.join(', ')}): exercise traffic is not sent there`, { systemId: resp.system_id ?? null }));
            return;
          }
          if (this.currentState === 'closed') {
            session.destroy();
            resolve();
            return;
          }
          bound = true;
          this.session = session;
          this.currentState = 'bound';
          this.reconnectDelay = this.opts.reconnectInitialDelayMs ?? 250;
          this.startKeepAlive(session);
          for (const w of this.boundWaiters) w();
          this.boundWaiters.clear();
          resolve();
          this.pump();
        });
      });
    });
  }

  private onConnectionLost(session: smpp.Session): void {
    if (this.session !== session) return;
    this.session = null;
    if (this.enquireTimer) clearInterval(this.enquireTimer);
    for (const [seq, f] of this.inFlight) {
      clearTimeout(f.timer);
      this.inFlight.delete(seq);
      f.reject(failure('SMS_CONNECTION_LOST', 'the SMSC connection dropped before this part was answered; it may or may not have been taken', { retryable: true }));
    }
    for (const resolve of this.idle) resolve();
    this.idle.clear();
    if (this.currentState === 'closed') return;
    this.currentState = 'disconnected';
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, this.opts.reconnectMaxDelayMs ?? 15_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.currentState === 'closed') return;
      this.connectOnce().catch(() => {
        if (this.currentState !== 'closed') {
          this.currentState = 'disconnected';
          this.scheduleReconnect();
        }
      });
    }, delay);
  }

  /** enquire_link on a quiet schedule; an unanswered one means a dead peer, so the socket is dropped and rebuilt. */
  private startKeepAlive(session: smpp.Session): void {
    let answered = true;
    this.enquireTimer = setInterval(() => {
      if (!answered) {
        session.destroy();
        return;
      }
      answered = false;
      session.enquire_link(() => {
        answered = true;
      });
    }, this.opts.enquireLinkMs ?? 30_000);
  }

  private onDeliver(session: smpp.Session, pdu: smpp.Pdu): void {
    session.send(pdu.response());
    if (((pdu.esm_class ?? 0) & 0x3c) !== 0x04) return; // a mobile-originated message, not a receipt: not handled here
    const receipt = parseReceipt({
      text: receiptText(pdu.short_message),
      destination: pdu.source_addr ?? '',
      ...(pdu.receipted_message_id ? { receiptedMessageId: pdu.receipted_message_id } : {}),
      ...(typeof pdu.message_state === 'number' ? { messageState: pdu.message_state } : {}),
    });
    if (!receipt) return;
    this.receipts.set(receipt.messageId, receipt);
    if (this.receipts.size > RECEIPTS_KEPT) this.receipts.delete(this.receipts.keys().next().value as string);
    if (this.receiptListeners.size === 0 && this.unheard.length < RECEIPTS_KEPT) this.unheard.push(receipt);
    for (const l of this.receiptListeners) l(receipt);
  }
}
