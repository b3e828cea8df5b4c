import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { systemClock, type Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { seededRng } from '../../kernel/rng.ts';
import type { EgovReadStatus } from './client.ts';
import { listen } from '../../kernel/listen.ts';

export interface EgovSimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  seed?: number | string;
  /** Share of posts answered 503 without taking the message. */
  failShare?: number;
  /** Share of posts whose message is taken but whose answer is a 502 (the reply is lost; a repeat finds it). */
  lostReplyShare?: number;
  /** Share of messages the person never opens: reported "unread" once readDelayMs has passed. */
  unreadShare?: number;
  /** How long a message stays "posted" before it is read (or reported unread). */
  readDelayMs?: number;
  /** Holds every answer this long, so a client's deadline can be reached. */
  respondDelayMs?: number;
  /** The bearer token accepted; when absent any token is. */
  token?: string;
  /** IINs that have an e-Gov account; when absent every well-formed IIN has one. */
  accounts?: readonly string[];
  clock?: Clock;
}

export type EgovPostOutcome = 'posted' | 'replayed' | 'failed' | 'lost_reply' | 'rejected';

/** A message as the simulated portal holds it, with the fate it drew. */
export interface EgovSimMessage {
  messageId: string;
  recipientIin: string;
  title: string;
  body: string;
  exercise: boolean;
  idempotencyKey: string;
  postedAt: Date;
  fate: 'read' | 'unread';
  /** Wall-clock ms when the status turns from posted to the fate. */
  decidedAtMs: number;
}

export interface EgovSimPost {
  idempotencyKey: string | null;
  outcome: EgovPostOutcome;
  status: number;
}

const PostBody = z.object({
  recipientIin: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(8000),
  exercise: z.boolean(),
  idempotencyKey: z.string().min(1).max(200),
});

const MAX_BODY = 64 * 1024;

function share(name: string, v: number | undefined): number {
  const x = v ?? 0;
  if (!(x >= 0 && x <= 1)) throw new DomainError('EGOV_SIM_BAD_OPTION', `${name} must be a share between 0 and 1, not ${v}`);
  return x;
}

function ms(name: string, v: number | undefined): number {
  const x = v ?? 0;
  if (!(Number.isFinite(x) && x >= 0)) throw new DomainError('EGOV_SIM_BAD_OPTION', `${name} must be a number of milliseconds ≥ 0, not ${v}`);
  return x;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The e-Gov messaging API of client.ts over real HTTP, for development, exercises and tests. Which posts fail,
 * which replies are lost and which messages stay unread is drawn from a seeded generator in arrival order, so a
 * run repeats. Idempotency keys are honoured: a repeated post answers with the message the key first created, and a
 * key reused for a different message is refused with 409.
 */
export class EgovSimulator {
  readonly messages: EgovSimMessage[] = [];
  readonly posts: EgovSimPost[] = [];
  statusChecks = 0;
  private readonly byId = new Map<string, EgovSimMessage>();
  private readonly byKey = new Map<string, EgovSimMessage>();
  private readonly accounts: ReadonlySet<string> | null;
  private readonly listeners = new Set<(m: EgovSimMessage) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rng;
  private readonly clock: Clock;
  private readonly fail: number;
  private readonly lost: number;
  private readonly unread: number;
  private readonly readDelayMs: number;
  private readonly respondDelayMs: number;
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    private readonly opts: EgovSimulatorOptions,
  ) {
    this.fail = share('failShare', opts.failShare);
    this.lost = share('lostReplyShare', opts.lostReplyShare);
    this.unread = share('unreadShare', opts.unreadShare);
    if (this.fail + this.lost > 1) throw new DomainError('EGOV_SIM_BAD_OPTION', `failShare + lostReplyShare must not exceed 1 (${this.fail} + ${this.lost})`);
    this.readDelayMs = ms('readDelayMs', opts.readDelayMs);
    this.respondDelayMs = ms('respondDelayMs', opts.respondDelayMs);
    this.accounts = opts.accounts ? new Set(opts.accounts) : null;
    this.rng = seededRng(opts.seed ?? 1);
    this.clock = opts.clock ?? systemClock;
  }

  static async start(opts: EgovSimulatorOptions = {}): Promise<EgovSimulator> {
    let sim: EgovSimulator | null = null;
    const server = createServer((req, res) => void sim?.handle(req, res));
    sim = new EgovSimulator(server, opts);
    await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
    return sim;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    const host = this.opts.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  onMessage(listener: (m: EgovSimMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The status the portal reports for a message now. */
  statusOf(m: EgovSimMessage): { status: EgovReadStatus; readAt: Date | null } {
    if (Date.now() < m.decidedAtMs) return { status: 'posted', readAt: null };
    return m.fate === 'read' ? { status: 'read', readAt: new Date(m.postedAt.getTime() + this.readDelayMs) } : { status: 'unread', readAt: null };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 500;
    let payload: unknown;
    try {
      [status, payload] = await this.route(req);
    } catch (e) {
      const h = e instanceof HttpError ? e : new HttpError(500, 'internal', (e as Error).message);
      [status, payload] = [h.status, { error: h.code, message: h.message }];
    }
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (this.respondDelayMs === 0) return send();
    const t = setTimeout(() => {
      this.timers.delete(t);
      send();
    }, this.respondDelayMs);
    this.timers.add(t);
  }

  private async route(req: IncomingMessage): Promise<[number, unknown]> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const isPost = req.method === 'POST' && path === '/v1/messages';
    const statusPath = /^\/v1\/messages\/([^/]+)$/.exec(path);
    if (!isPost && !(req.method === 'GET' && statusPath)) throw new HttpError(404, 'not_found', `no ${req.method} ${path}`);
    if (this.opts.token !== undefined && req.headers.authorization !== `Bearer ${this.opts.token}`) {
      if (isPost) this.posts.push({ idempotencyKey: null, outcome: 'rejected', status: 401 });
      throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token');
    }
    if (statusPath) return this.status(decodeURIComponent(statusPath[1] as string));
    return this.post(await readJson(req));
  }

  private post(raw: unknown): [number, unknown] {
    const parsed = PostBody.safeParse(raw);
    const key = typeof (raw as { idempotencyKey?: unknown } | null)?.idempotencyKey === 'string' ? (raw as { idempotencyKey: string }).idempotencyKey : null;
    const reject = (status: number, code: string, message: string): never => {
      this.posts.push({ idempotencyKey: key, outcome: 'rejected', status });
      throw new HttpError(status, code, message);
    };
    if (!parsed.success) return reject(400, 'bad_request', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const m = parsed.data;
    const r = this.rng.next();
    if (r < this.fail) {
      this.posts.push({ idempotencyKey: m.idempotencyKey, outcome: 'failed', status: 503 });
      throw new HttpError(503, 'unavailable', 'the messaging service is temporarily unavailable');
    }
    let message = this.byKey.get(m.idempotencyKey);
    const replay = message !== undefined;
    if (message && (message.recipientIin !== m.recipientIin || message.title !== m.title || message.body !== m.body || message.exercise !== m.exercise)) {
      return reject(409, 'idempotency_key_reused', `key ${m.idempotencyKey} was used for a different message`);
    }
    if (!message) {
      if (this.accounts && !this.accounts.has(m.recipientIin)) return reject(404, 'no_account', 'this IIN has no e-Gov account');
      const fate = this.rng.next() < this.unread ? 'unread' : 'read';
      message = { ...m, messageId: `EG${String(this.nextId++).padStart(10, '0')}`, postedAt: this.clock.now(), fate, decidedAtMs: Date.now() + this.readDelayMs };
      this.messages.push(message);
      this.byId.set(message.messageId, message);
      this.byKey.set(m.idempotencyKey, message);
      for (const l of this.listeners) l(message);
    }
    if (r < this.fail + this.lost) {
      this.posts.push({ idempotencyKey: m.idempotencyKey, outcome: 'lost_reply', status: 502 });
      throw new HttpError(502, 'bad_gateway', 'the answer was lost on its way back');
    }
    this.posts.push({ idempotencyKey: m.idempotencyKey, outcome: replay ? 'replayed' : 'posted', status: replay ? 200 : 201 });
    return [replay ? 200 : 201, { messageId: message.messageId, status: this.statusOf(message).status, postedAt: message.postedAt.toISOString() }];
  }

  private status(id: string): [number, unknown] {
    this.statusChecks++;
    const m = this.byId.get(id);
    if (!m) throw new HttpError(404, 'not_found', `no message ${id}`);
    const s = this.statusOf(m);
    return [200, { messageId: m.messageId, status: s.status, postedAt: m.postedAt.toISOString(), readAt: s.readAt?.toISOString() ?? null }];
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, 'too_large', `the request body is over ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_request', 'the body is not JSON');
  }
}
