/**
 * The e-Gov messaging API this adapter speaks and EgovSimulator implements. The portal's own interface is not public,
 * so this is the minimal contract an integration maps onto (JSON bodies, bearer credentials on every request):
 *
 *   POST /v1/messages   {recipientIin, title, body, exercise, idempotencyKey}
 *     201 {messageId, status: "posted", postedAt}   a new message in the person's e-Gov account
 *     200 {messageId, status, postedAt}             the key was seen before: the first message, not a second one
 *     400 malformed request · 401 bad credentials · 404 no e-Gov account for this IIN
 *     409 the key was used for a different message · 5xx service trouble, the message may or may not have been
 *     taken: repeat with the same key
 *   GET /v1/messages/:id
 *     200 {messageId, status: "posted" | "read" | "unread", postedAt, readAt: string | null} · 404 unknown message
 *
 * "posted": in the account, not opened yet; "read": opened by the person at readAt; "unread": the portal reports
 * that the person did not open it while it was shown as new (it may still turn read later).
 * Errors body: {error: "<code>", message}. Times are ISO 8601 instants.
 */
import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';
import { checkEgovExerciseGate, type EgovChannelConfig, type OutboundEgovMessage } from './exercise-gate.ts';

export interface EgovClientOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:8480. */
  url: string;
  /** Bearer credentials issued to the agency. */
  token: string;
  channel: EgovChannelConfig;
  /** How long one request may take, connection included. */
  timeoutMs?: number;
}

export interface EgovPost extends OutboundEgovMessage {
  /** Same key, same message: a repeated post after a timeout or a crash never creates a second one. */
  idempotencyKey: string;
}

export type EgovReadStatus = 'posted' | 'read' | 'unread';

export interface EgovPosted {
  messageId: string;
  postedAt: Date;
  /** False when the service answered with the message an earlier post with this key created. */
  created: boolean;
}

export interface EgovMessageStatus {
  messageId: string;
  status: EgovReadStatus;
  postedAt: Date;
  readAt: Date | null;
}

const instant = z.iso.datetime({ offset: true });
const PostedBody = z.object({ messageId: z.string().min(1), postedAt: instant });
const StatusBody = z.object({ messageId: z.string().min(1), status: z.enum(['posted', 'read', 'unread']), postedAt: instant, readAt: instant.nullable() });
const ErrorBody = z.object({ error: z.string(), message: z.string().optional() });

/** Statuses worth repeating: the service was busy or did not get to answer. Other 4xx are final. */
const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * HTTP adapter for the e-Gov messaging API over Node's built-in fetch (undici). Every request has a deadline; a
 * timeout, a network failure and a 5xx are retryable (details.retryable), a 4xx is not. Posting checks the exercise
 * gate first and carries the caller's idempotency key, so the caller may repeat a post it has no answer to.
 */
export class EgovClient {
  readonly channel: EgovChannelConfig;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly opts: EgovClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new DomainError('EGOV_BAD_CONFIG', `the e-Gov URL "${opts.url}" is not a URL; give e.g. http://127.0.0.1:8480`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new DomainError('EGOV_BAD_CONFIG', `the e-Gov URL must be http or https, not ${base.protocol}`);
    if (!opts.token) throw new DomainError('EGOV_BAD_CONFIG', 'the e-Gov bearer token is empty');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    if (!(this.timeoutMs > 0)) throw new DomainError('EGOV_BAD_CONFIG', `timeoutMs must be positive, not ${opts.timeoutMs}`);
    this.base = base;
    this.channel = opts.channel;
  }

  get url(): string {
    return this.base.origin + this.base.pathname.replace(/\/$/, '');
  }

  /** Posts the message to the person's e-Gov account (or finds the one an earlier post with this key made). */
  async post(m: EgovPost): Promise<EgovPosted> {
    checkEgovExerciseGate(this.channel, m);
    if (!m.idempotencyKey) throw new DomainError('EGOV_BAD_REQUEST', 'an e-Gov post needs an idempotency key');
    const body = { recipientIin: m.recipientIin, title: m.title, body: m.body, exercise: m.exercise, idempotencyKey: m.idempotencyKey };
    const { status, json } = await this.request('POST', '/v1/messages', body);
    const p = PostedBody.safeParse(json);
    if (!p.success) throw badResponse('POST /v1/messages', status);
    return { messageId: p.data.messageId, postedAt: new Date(p.data.postedAt), created: status === 201 };
  }

  /** The read status of a posted message. */
  async status(messageId: string): Promise<EgovMessageStatus> {
    const { status, json } = await this.request('GET', `/v1/messages/${encodeURIComponent(messageId)}`);
    const p = StatusBody.safeParse(json);
    if (!p.success) throw badResponse('GET /v1/messages/:id', status);
    return { messageId: p.data.messageId, status: p.data.status, postedAt: new Date(p.data.postedAt), readAt: p.data.readAt ? new Date(p.data.readAt) : null };
  }

  /** Refuses new requests and waits for those under way. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    if (this.closed) throw new DomainError('EGOV_CLIENT_CLOSED', 'the e-Gov client is closed');
    const p = this.exchange(method, path, body);
    this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  private async exchange(method: 'GET' | 'POST', path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const what = `${method} ${path.startsWith('/v1/messages/') ? '/v1/messages/:id' : path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new DomainError('EGOV_TIMEOUT', `${what}: no answer from e-Gov within ${this.timeoutMs} ms; it may or may not have acted on it`, { retryable: true });
      }
      throw new DomainError('EGOV_UNREACHABLE', `${what}: e-Gov at ${this.url} could not be reached (${err.cause?.code ?? err.message})`, { retryable: true });
    }
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      if (res.ok) throw badResponse(what, res.status);
    }
    if (res.ok) return { status: res.status, json };
    const err = ErrorBody.safeParse(json);
    const said = err.success ? `${err.data.error}${err.data.message ? `: ${err.data.message}` : ''}` : `HTTP ${res.status}`;
    if (res.status >= 500 || RETRYABLE_STATUS.has(res.status)) {
      throw new DomainError('EGOV_UNAVAILABLE', `${what}: e-Gov answered ${res.status} (${said}); try again with the same key`, { status: res.status, retryable: true });
    }
    throw new DomainError('EGOV_REJECTED', `${what}: e-Gov refused it with ${res.status} (${said})`, { status: res.status, error: err.success ? err.data.error : null, retryable: false });
  }
}

/** A 2xx we cannot read: the service may have acted on it, so the same request may be repeated. */
function badResponse(what: string, status: number): DomainError {
  return new DomainError('EGOV_BAD_RESPONSE', `${what}: e-Gov answered ${status} with a body that is not the agreed JSON`, { status, retryable: true });
}
