import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { seededRng } from '../../kernel/rng.ts';
import { formatReceiptText, messageState, type ReceiptStatus } from './receipt.ts';
import { listen } from '../../kernel/listen.ts';

export interface SmscSimulatorOptions {
  host?: string;
  /** The system id the bind is answered with (default MOBILIZE-SIM, which exercise channels accept); another stands in for a live SMSC. */
  answerAs?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  seed?: number | string;
  /** Share of messages answered with an UNDELIV receipt. */
  failShare?: number;
  /** Share of messages accepted and then never reported on (lost). */
  dropShare?: number;
  /** Share of receipts held back by delayMs. */
  delayShare?: number;
  delayMs?: number;
  /** Holds every submit_sm_resp this long, so a client's window fills (and its reply timeout can be reached). */
  respondDelayMs?: number;
  /** system id → password; when absent any credentials bind. */
  accounts?: Record<string, string>;
  clock?: Clock;
}

export type SimOutcome = 'delivered' | 'undeliverable' | 'dropped';

/** One submit_sm as the simulator took it, with what it decided to do with it. */
export interface SimSubmission {
  messageId: string;
  systemId: string;
  source: string;
  destination: string;
  outcome: SimOutcome;
  receiptDelayMs: number;
  /** Wall-clock ms when the submit_sm arrived, for rate checks. */
  receivedAtMs: number;
}

/** A whole message, reassembled from its concatenated parts. */
export interface SimMessage {
  systemId: string;
  source: string;
  destination: string;
  text: string;
  messageIds: string[];
  /** What the simulator decided for each part, in part order. */
  outcomes: SimOutcome[];
}

interface Bound {
  session: smpp.Session;
  systemId: string;
  outstanding: number;
}

interface PendingParts {
  total: number;
  parts: (string | undefined)[];
  subs: (SimSubmission | undefined)[];
}

function share(name: string, v: number | undefined): number {
  const x = v ?? 0;
  if (!(x >= 0 && x <= 1)) throw new DomainError('SMS_SIM_BAD_OPTION', `${name} must be a share between 0 and 1, not ${v}`);
  return x;
}

function decoded(sm: unknown): { udh: Buffer[]; text: string } {
  if (typeof sm === 'string') return { udh: [], text: sm };
  const d = sm as smpp.DecodedMessage | undefined;
  const message = d?.message;
  return { udh: d?.udh ?? [], text: typeof message === 'string' ? message : (message?.toString('latin1') ?? '') };
}

function concatenation(udh: readonly Buffer[]): { ref: number; total: number; seq: number } | null {
  for (const ie of udh) {
    if (ie[0] === 0x00 && ie[1] === 3) return { ref: ie[2] as number, total: ie[3] as number, seq: ie[4] as number };
    if (ie[0] === 0x08 && ie[1] === 4) return { ref: ie.readUInt16BE(2), total: ie[4] as number, seq: ie[5] as number };
  }
  return null;
}

/**
 * An SMSC that speaks SMPP 3.4 over real TCP, for development, exercises and tests: binds (transceiver, transmitter,
 * receiver), takes submit_sm, reassembles concatenated messages, and reports delivery with deliver_sm receipts.
 * Which messages fail, get lost or are delayed is drawn from a seeded generator in arrival order, so a run repeats.
 * A receipt goes to a bound session of the same system id — the one that submitted if it is still there, otherwise
 * whichever binds next — as an SMSC does after a reconnect.
 */
export class SmscSimulator {
  readonly submissions: SimSubmission[] = [];
  readonly messages: SimMessage[] = [];
  /** The most submit_sm any one session had unanswered at once. */
  maxOutstanding = 0;
  binds = 0;
  private readonly bound = new Map<smpp.Session, Bound>();
  private readonly waitingReceipts = new Map<string, Record<string, unknown>[]>();
  private readonly partial = new Map<string, PendingParts>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly messageListeners = new Set<(m: SimMessage) => void>();
  private readonly rng;
  private readonly clock: Clock;
  private nextId = 1;
  private readonly fail: number;
  private readonly drop: number;
  private readonly delayShare: number;

  private constructor(
    private readonly server: smpp.Server,
    private readonly opts: SmscSimulatorOptions,
  ) {
    this.fail = share('failShare', opts.failShare);
    this.drop = share('dropShare', opts.dropShare);
    this.delayShare = share('delayShare', opts.delayShare ?? 1);
    if (this.fail + this.drop > 1) throw new DomainError('SMS_SIM_BAD_OPTION', `failShare + dropShare must not exceed 1 (${this.fail} + ${this.drop})`);
    this.rng = seededRng(opts.seed ?? 1);
    this.clock = opts.clock ?? systemClock;
  }

  static async start(opts: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
    let sim: SmscSimulator | null = null;
    const server = smpp.createServer({}, (session) => sim?.accept(session));
    sim = new SmscSimulator(server, opts);
    await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
    return sim;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  onMessage(listener: (m: SimMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Cuts every client connection, as a network failure or an SMSC restart would. */
  dropConnections(): void {
    for (const s of [...this.server.sessions]) s.destroy();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private accept(session: smpp.Session): void {
    session.socket.setNoDelay(true);
    session.on('error', () => undefined); // a client vanishing is normal here; 'close' cleans up
    session.on('close', () => this.bound.delete(session));
    const bind = (pdu: smpp.Pdu) => {
      const systemId = pdu.system_id ?? '';
      const expected = this.opts.accounts?.[systemId];
      if (this.bound.has(session)) return session.send(pdu.response({ command_status: smpp.ESME_RALYBND }));
      if (this.opts.accounts && (expected === undefined || expected !== pdu.password)) {
        session.send(pdu.response({ command_status: expected === undefined ? smpp.ESME_RBINDFAIL : smpp.ESME_RINVPASWD }));
        session.close();
        return;
      }
      this.bound.set(session, { session, systemId, outstanding: 0 });
      this.binds++;
      session.send(pdu.response({ system_id: this.opts.answerAs ?? 'MOBILIZE-SIM' }));
      const waiting = this.waitingReceipts.get(systemId) ?? [];
      this.waitingReceipts.delete(systemId);
      for (const r of waiting) this.sendReceipt(systemId, null, r);
    };
    session.on('bind_transceiver', bind);
    session.on('bind_transmitter', bind);
    session.on('bind_receiver', bind);
    session.on('enquire_link', (pdu: smpp.Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.Pdu) => this.submit(session, pdu));
  }

  private submit(session: smpp.Session, pdu: smpp.Pdu): void {
    const b = this.bound.get(session);
    if (!b) return void session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
    if (!pdu.destination_addr) return void session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
    const messageId = (this.nextId++).toString(16).toUpperCase().padStart(10, '0');
    const r = this.rng.next();
    const outcome: SimOutcome = r < this.fail ? 'undeliverable' : r < this.fail + this.drop ? 'dropped' : 'delivered';
    const receiptDelayMs = this.rng.next() < this.delayShare ? (this.opts.delayMs ?? 0) : 0;
    const submittedAt = this.clock.now();
    const sub: SimSubmission = { messageId, systemId: b.systemId, source: pdu.source_addr ?? '', destination: pdu.destination_addr, outcome, receiptDelayMs, receivedAtMs: Date.now() };
    this.submissions.push(sub);
    this.collect(sub, pdu);

    b.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, b.outstanding);
    const respond = () => {
      b.outstanding--;
      session.send(pdu.response({ message_id: messageId }));
      const rd = (pdu.registered_delivery ?? 0) & 0x03;
      const wanted = rd === 1 || (rd === 2 && outcome !== 'delivered');
      if (outcome === 'dropped' || !wanted) return;
      const status: ReceiptStatus = outcome;
      this.later(receiptDelayMs, () =>
        this.sendReceipt(b.systemId, session, {
          source_addr: sub.destination,
          destination_addr: sub.source,
          esm_class: 0x04,
          short_message: formatReceiptText({ messageId, status, submittedAt, doneAt: this.clock.now(), error: outcome === 'delivered' ? '000' : '001' }),
          receipted_message_id: messageId,
          message_state: messageState(status),
        }),
      );
    };
    if (this.opts.respondDelayMs) this.later(this.opts.respondDelayMs, respond);
    else respond();
  }

  private sendReceipt(systemId: string, preferred: smpp.Session | null, receipt: Record<string, unknown>): void {
    const target = preferred && this.bound.has(preferred) ? preferred : [...this.bound.values()].find((b) => b.systemId === systemId)?.session;
    if (!target || !target.deliver_sm(receipt)) {
      const list = this.waitingReceipts.get(systemId) ?? [];
      list.push(receipt);
      this.waitingReceipts.set(systemId, list);
    }
  }

  private collect(sub: SimSubmission, pdu: smpp.Pdu): void {
    const { udh, text } = decoded(pdu.short_message);
    const concat = concatenation(udh);
    if (!concat || concat.total <= 1) return this.completed(sub, text, [sub]);
    const key = `${sub.systemId}|${sub.source}|${sub.destination}|${concat.ref}|${concat.total}`;
    const p = this.partial.get(key) ?? { total: concat.total, parts: [], subs: [] };
    p.parts[concat.seq - 1] = text;
    p.subs[concat.seq - 1] = sub;
    this.partial.set(key, p);
    if (p.parts.filter((x) => x !== undefined).length < p.total) return;
    this.partial.delete(key);
    this.completed(sub, p.parts.join(''), p.subs as SimSubmission[]);
  }

  private completed(sub: SimSubmission, text: string, parts: SimSubmission[]): void {
    const m: SimMessage = { systemId: sub.systemId, source: sub.source, destination: sub.destination, text, messageIds: parts.map((x) => x.messageId), outcomes: parts.map((x) => x.outcome) };
    this.messages.push(m);
    for (const l of this.messageListeners) l(m);
  }
}
