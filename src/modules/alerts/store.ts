import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { EXERCISE_MARK } from '../sms/index.ts';
import { buildCap, capIdentifier, DEFAULT_CAP_SENDER, type CapMessage } from './cap.ts';
import { capTime } from './cap-time.ts';
import { AlertContent, FollowUp, NewAlert, type CapStatus } from './content.ts';
import { checkAlertContent } from './content-check.ts';
import { assertValidCap } from './validate.ts';
import { applyAlertAction, currentContent, followUpContent, MSG_TYPE, parseAlertAction, reduceAlert, type AlertAction, type AlertState, type PendingMessage } from './workflow.ts';

/** The area a member of staff may alert: one region for a regional officer, the whole country (null) otherwise. */
export interface AlertScope {
  region: string | null;
}

export interface AlertContext {
  actor: string;
  clock: Clock;
  scope: AlertScope;
  /** The CAP <sender>; DEFAULT_CAP_SENDER when absent. */
  sender?: string;
}

export interface StoredAlert {
  id: string;
  status: CapStatus;
  createdAt: Date;
  createdBy: string;
  log: AlertAction[];
  state: AlertState;
}

/** Every region an alert has targeted or is about to. */
export function regionsOf(s: AlertState): string[] {
  const all = [...s.published.map((m) => m.content.regions), ...(s.pending ? [s.pending.content.regions] : [])].flat();
  return [...new Set(all)].sort();
}

/** A regional officer may see and act on an alert only when it touches (reads) or stays within (writes) their region. */
export function inScope(s: AlertState, scope: AlertScope, mode: 'read' | 'write'): boolean {
  if (!scope.region) return true;
  const regions = regionsOf(s);
  return mode === 'read' ? regions.includes(scope.region) : regions.every((r) => r === scope.region);
}

/** loadAlert in a transaction of its own, for reads outside one. */
export function readAlert(db: Db, id: string, opts: { scope?: AlertScope } = {}): Promise<StoredAlert> {
  return db.transaction((tx) => loadAlert(tx, id, opts));
}

function notFound(id: string): never {
  throw new DomainError('ALERT_NOT_FOUND', `No alert ${id} that you may see.`, { alert: id });
}

export async function loadAlert(q: Pick<Tx, 'query'>, id: string, opts: { lock?: boolean; scope?: AlertScope } = {}): Promise<StoredAlert> {
  if (!/^\d{1,18}$/.test(id)) notFound(id);
  const { rows } = await q.query<{ status: CapStatus; created_at: Date; created_by: string }>(`SELECT status, created_at, created_by FROM alerts WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]);
  const r = rows[0];
  if (!r) notFound(id);
  const { rows: actions } = await q.query<{ action: unknown }>('SELECT action FROM alert_actions WHERE alert_id = $1 ORDER BY seq', [id]);
  const log = actions.map((a) => parseAlertAction(a.action));
  const state = reduceAlert(log);
  if (opts.scope && !inScope(state, opts.scope, 'read')) notFound(id);
  return { id, status: r.status, createdAt: new Date(r.created_at), createdBy: r.created_by, log, state };
}

/** Refuses content a message cannot carry: unknown regions, regions outside the officer's area, past expiry, an SMS too long. */
function checkContent(content: AlertContent, status: CapStatus, ctx: AlertContext): void {
  checkAlertContent(content, status);
  const outside = ctx.scope.region ? content.regions.filter((r) => r !== ctx.scope.region) : [];
  if (outside.length) throw new DomainError('ACCESS_OUT_OF_SCOPE', `${ctx.actor} alerts ${ctx.scope.region} only, not ${outside.join(', ')}`);
  if (content.expires && Date.parse(content.expires) <= ctx.clock.now().getTime()) {
    throw new DomainError('ALERT_EXPIRED', `expires ${content.expires} is already past; give a later time`);
  }
}

/** The CAP document the message in hand would be, were it published now (validated against the schema). */
export function capFor(id: string, s: AlertState, m: PendingMessage, sent: Date, sender: string = DEFAULT_CAP_SENDER): CapMessage & { xml: string } {
  const n = s.published.length + 1;
  // A drill or test says so in <note> of every message, before any reason of a cancellation.
  const note = [s.status === 'Actual' ? null : `${s.status === 'Exercise' ? EXERCISE_MARK : 'TEST'}: not a real alert`, m.note].filter(Boolean).join(' — ') || undefined;
  const msg: CapMessage = {
    identifier: capIdentifier(sender, id, n),
    sender,
    sent: capTime(sent),
    status: s.status,
    msgType: MSG_TYPE[m.kind],
    ...(note ? { note } : {}),
    references: s.published.map((p) => ({ sender, identifier: p.identifier, sent: p.sent })),
    incident: `${sender}.${id}`,
    content: m.content,
  };
  const xml = buildCap(msg);
  assertValidCap(xml, `message ${n} of alert ${id}`);
  return { ...msg, xml };
}

/** Appends one action after the reducer has accepted it, with its audit entry, in the caller's transaction. */
export async function appendAction(tx: Tx, a: StoredAlert, action: AlertAction, details: Record<string, unknown> = {}): Promise<AlertState> {
  const state = applyAlertAction(a.state, action);
  await tx.query('INSERT INTO alert_actions (alert_id, seq, at, actor, kind, action) VALUES ($1, $2, $3, $4, $5, $6)', [
    a.id, a.state.version + 1, action.at, action.actor, action.kind, JSON.stringify(action),
  ]);
  await appendAudit(tx, { at: new Date(action.at), actor: action.actor, action: `alert.${action.kind}`, subject: `alert:${a.id}`, details: { status: a.status, version: state.version, ...details } });
  return state;
}

/** Composes a new alert as a draft of its first message (idempotent on the key). */
export async function composeAlert(db: Db, input: unknown, ctx: AlertContext): Promise<StoredAlert> {
  const body = parseInput(NewAlert, input, 'a new alert: {"status", "content": {...}}');
  checkContent(body.content, body.status, ctx);
  const at = ctx.clock.now();
  const id = await db.transaction(async (tx) => {
    if (body.idempotencyKey) {
      const { rows } = await tx.query<{ id: string }>('SELECT id::text AS id FROM alerts WHERE idempotency_key = $1', [body.idempotencyKey]);
      if (rows[0]) return rows[0].id;
    }
    const { rows } = await tx.query<{ id: string }>('INSERT INTO alerts (status, idempotency_key, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id::text AS id', [
      body.status, body.idempotencyKey ?? null, at, ctx.actor,
    ]);
    const alertId = (rows[0] as { id: string }).id;
    const action: AlertAction = { kind: 'draft', at: at.toISOString(), actor: ctx.actor, message: 'alert', status: body.status, content: body.content };
    const first = applyAlertAction(null, action);
    capFor(alertId, first, first.pending as PendingMessage, at, ctx.sender);
    await tx.query('INSERT INTO alert_actions (alert_id, seq, at, actor, kind, action) VALUES ($1, 1, $2, $3, $4, $5)', [alertId, at, ctx.actor, 'draft', JSON.stringify(action)]);
    await appendAudit(tx, { at, actor: ctx.actor, action: 'alert.draft', subject: `alert:${alertId}`, details: { status: body.status, message: 'alert', regions: body.content.regions, severity: body.content.severity } });
    return alertId;
  });
  return readAlert(db, id);
}

export function parseInput<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('ALERT_BAD_CONTENT', `${what} — ${r.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/** Locks the alert, checks the officer may act on it, applies one action and reloads. */
async function act(db: Db, id: string, ctx: AlertContext, build: (a: StoredAlert, at: string) => Promise<{ action: AlertAction; details?: Record<string, unknown>; after?: (tx: Tx, s: AlertState) => Promise<void> }>): Promise<StoredAlert> {
  await db.transaction(async (tx) => {
    const a = await loadAlert(tx, id, { lock: true, scope: ctx.scope });
    if (!inScope(a.state, ctx.scope, 'write')) throw new DomainError('ACCESS_OUT_OF_SCOPE', `alert ${id} reaches beyond ${ctx.scope.region}; a national coordinator acts on it`);
    const { action, details, after } = await build(a, ctx.clock.now().toISOString());
    const state = await appendAction(tx, a, action, details);
    await after?.(tx, state);
  });
  return readAlert(db, id);
}

/**
 * The follow-up of a published alert (update, cancellation, all-clear) as a new draft; or, with `revise`, new words
 * for the message in hand — of the same kind, which then needs approving again.
 */
export async function draftMessage(db: Db, id: string, input: unknown, ctx: AlertContext & { revise?: boolean }): Promise<StoredAlert> {
  return act(db, id, ctx, async (a, at) => {
    const s = a.state;
    let content: AlertContent;
    let note: string | null = null;
    const kind = ctx.revise ? s.pending?.kind : parseInput(FollowUp, input, 'a follow-up: {"kind": "update"|"cancel"|"all_clear", …}').kind;
    if (!kind) throw new DomainError('ALERT_BAD_TRANSITION', `alert ${id} has no message in hand to revise`);
    if (kind === 'alert') {
      content = parseInput(AlertContent, (input as { content?: unknown } | null)?.content, 'revised content: {"content": {...}}');
    } else {
      const f = parseInput(FollowUp, ctx.revise ? { kind, ...(input as object) } : input, `a ${kind}`);
      const last = currentContent(s);
      if (!last) throw new DomainError('ALERT_BAD_TRANSITION', `alert ${id} has not been published; revise or discard its draft instead`);
      ({ content, note } = followUpContent(last, f));
    }
    checkContent(content, a.status, ctx);
    const action: AlertAction = ctx.revise
      ? { kind: 'revise', at, actor: ctx.actor, content, ...(note ? { note } : {}) }
      : { kind: 'draft', at, actor: ctx.actor, message: kind, content, ...(note ? { note } : {}) };
    const next = applyAlertAction(s, action);
    capFor(id, next, next.pending as PendingMessage, new Date(at), ctx.sender);
    return { action, details: { message: kind, regions: content.regions } };
  });
}

export function approveAlert(db: Db, id: string, ctx: AlertContext & { seen?: number }): Promise<StoredAlert> {
  return act(db, id, ctx, async (a, at) => {
    // Words drafted before these checks existed (or by another tool) are checked again before anyone approves them.
    if (a.state.pending) checkAlertContent(a.state.pending.content, a.status);
    return { action: { kind: 'approve', at, actor: ctx.actor, ...(ctx.seen !== undefined ? { seen: ctx.seen } : {}) } };
  });
}

export function discardAlert(db: Db, id: string, ctx: AlertContext & { reason?: string }): Promise<StoredAlert> {
  return act(db, id, ctx, async (_a, at) => ({ action: { kind: 'discard', at, actor: ctx.actor, ...(ctx.reason ? { reason: ctx.reason } : {}) } }));
}

export { act as actOnAlert };
