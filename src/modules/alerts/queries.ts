import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { z } from 'zod';
import { appendAudit } from '../audit/index.ts';
import { ALERT_LANGS, type AlertLang, type CapStatus, type Severity, type Urgency } from './content.ts';
import { capFor, inScope, loadAlert, readAlert, regionsOf, type AlertScope, type StoredAlert } from './store.ts';
import { parseAlertAction, reduceAlert, type AlertPhase, type MessageKind, type Stage } from './workflow.ts';

export interface AlertSummary {
  id: string;
  status: CapStatus;
  phase: AlertPhase;
  headline: Record<AlertLang, string | null>;
  severity: Severity;
  urgency: Urgency;
  regions: string[];
  pending: { kind: MessageKind; stage: Stage } | null;
  lastSent: string | null;
  createdAt: string;
  createdBy: string;
}

export const ALERT_LIST_LIMIT = 200;

/** The latest alerts an officer may see (those touching their region, for a regional or district officer). */
export async function listAlerts(db: Db, scope: AlertScope): Promise<AlertSummary[]> {
  const rows = await db.query<{ id: string; status: CapStatus; created_at: Date; created_by: string; actions: unknown[] }>(
    `SELECT a.id::text AS id, a.status, a.created_at, a.created_by, (SELECT jsonb_agg(x.action ORDER BY x.seq) FROM alert_actions x WHERE x.alert_id = a.id) AS actions
       FROM alerts a ORDER BY a.id DESC LIMIT $1`,
    [ALERT_LIST_LIMIT],
  );
  const out: AlertSummary[] = [];
  for (const r of rows) {
    const actions = r.actions.map(parseAlertAction);
    const s = reduceAlert(actions);
    if (!inScope(s, scope, 'read')) continue;
    // A first draft that was discarded has neither a message in hand nor a published one: it is listed by the
    // words it was drafted with.
    const lastWords = actions.findLast((a) => a.kind === 'draft' || a.kind === 'revise') as { content: NonNullable<typeof s.pending>['content'] };
    const c = s.pending?.content ?? s.published.at(-1)?.content ?? lastWords.content;
    out.push({
      id: r.id, status: r.status, phase: s.phase, severity: c.severity, urgency: c.urgency, regions: regionsOf(s),
      headline: Object.fromEntries(ALERT_LANGS.map((l) => [l, c.info[l]?.headline ?? null])) as Record<AlertLang, string | null>,
      pending: s.pending ? { kind: s.pending.kind, stage: s.pending.stage } : null,
      lastSent: s.published.at(-1)?.sent ?? null, createdAt: new Date(r.created_at).toISOString(), createdBy: r.created_by,
    });
  }
  return out;
}

export interface Distribution {
  n: number;
  channel: 'sms' | 'cell_broadcast';
  state: string;
  rows: number;
  delivered: number;
}

export interface Statement {
  id: string;
  alertId: string;
  issuedAt: string;
  issuedBy: string;
  claim: string;
  words: Record<string, { title: string; text: string }>;
}

export interface AlertDetail extends StoredAlert {
  messages: { n: number; identifier: string; msgType: string; kind: MessageKind; sent: string }[];
  distribution: Distribution[];
  statements: Statement[];
}

/** One alert with its log, messages, distribution counts and statements (no personal data: counts only). */
export async function showAlert(db: Db, id: string, scope: AlertScope): Promise<AlertDetail> {
  const a = await readAlert(db, id, { scope });
  const messages = await db.query<{ n: number; identifier: string; msg_type: string; kind: MessageKind; sent: Date }>('SELECT n, identifier, msg_type, kind, sent FROM alert_messages WHERE alert_id = $1 ORDER BY n', [id]);
  const distribution = await db.query<{ n: number; channel: 'sms' | 'cell_broadcast'; state: string; rows: number; delivered: number }>(
    `SELECT message_n AS n, channel, state, count(*)::int AS rows, coalesce(sum(delivered), 0)::int AS delivered
       FROM alert_outbox WHERE alert_id = $1 GROUP BY message_n, channel, state ORDER BY message_n, channel, state`,
    [id],
  );
  return {
    ...a,
    messages: messages.map((m) => ({ n: Number(m.n), identifier: m.identifier, msgType: m.msg_type, kind: m.kind, sent: a.state.published[Number(m.n) - 1]?.sent ?? new Date(m.sent).toISOString() })),
    distribution: distribution.map((d) => ({ ...d, n: Number(d.n), rows: Number(d.rows), delivered: Number(d.delivered) })),
    statements: await statementsOf(db, [id]),
  };
}

/** The CAP XML of the message in hand as it would go out now: for the approver to read before approving. */
export async function previewCap(db: Db, id: string, scope: AlertScope, at: Date): Promise<string> {
  const a = await readAlert(db, id, { scope });
  if (!a.state.pending) throw new DomainError('ALERT_BAD_TRANSITION', `alert ${id} has no message in hand to preview`);
  return capFor(id, a.state, a.state.pending, at).xml;
}

/** A published CAP message exactly as it went out (the latest when n is absent); public, as the feed links it. */
export async function publishedCap(db: Db, id: string, n?: number): Promise<string> {
  if (!/^\d{1,18}$/.test(id) || (n !== undefined && !(Number.isInteger(n) && n > 0))) throw new DomainError('ALERT_NOT_FOUND', `no published alert ${id}`);
  const rows = await db.query<{ xml: string }>(
    n === undefined ? 'SELECT xml FROM alert_messages WHERE alert_id = $1 ORDER BY n DESC LIMIT 1' : 'SELECT xml FROM alert_messages WHERE alert_id = $1 AND n = $2',
    n === undefined ? [id] : [id, n],
  );
  if (!rows[0]) throw new DomainError('ALERT_NOT_FOUND', `no published message${n ? ` ${n}` : ''} of alert ${id}`);
  return rows[0].xml;
}

const StatementWords = z.object({ title: z.string().trim().min(1).max(200), text: z.string().trim().min(1).max(4000) }).strict();
export const NewStatement = z.object({
  /** The false claim being answered, as it circulates. */
  claim: z.string().trim().min(1).max(1000),
  words: z.object({ kk: StatementWords, ru: StatementWords, en: StatementWords.optional() }).strict(),
}).strict();
export type NewStatement = z.infer<typeof NewStatement>;

/** An official statement rebutting a false claim, linked to a published alert; public from the moment it is issued. */
export async function issueStatement(db: Db, alertId: string, input: unknown, ctx: { actor: string; at: Date; scope: AlertScope }): Promise<Statement> {
  const r = NewStatement.safeParse(input);
  if (!r.success) throw new DomainError('ALERT_BAD_CONTENT', `a statement: {"claim", "words": {"kk": {"title", "text"}, "ru": {...}, "en"?: {...}}} — ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const id = await db.transaction(async (tx) => {
    const a = await loadAlert(tx, alertId, { lock: true, scope: ctx.scope });
    if (!inScope(a.state, ctx.scope, 'write')) throw new DomainError('ACCESS_OUT_OF_SCOPE', `alert ${alertId} reaches beyond ${ctx.scope.region}`);
    if (a.state.published.length === 0) throw new DomainError('ALERT_BAD_TRANSITION', `alert ${alertId} is not published; a statement answers claims about a published alert`);
    const { rows } = await tx.query<{ id: string }>('INSERT INTO alert_statements (alert_id, issued_at, issued_by, claim, words) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id', [
      alertId, ctx.at, ctx.actor, r.data.claim, JSON.stringify(r.data.words),
    ]);
    const sid = (rows[0] as { id: string }).id;
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'alert.statement', subject: `alert:${alertId}`, details: { statement: sid, status: a.status } });
    return sid;
  });
  return (await statementsOf(db, [alertId])).find((s) => s.id === id) as Statement;
}

export async function statementsOf(db: Db, alertIds: readonly string[]): Promise<Statement[]> {
  const rows = await db.query<{ id: string; alert_id: string; issued_at: Date; issued_by: string; claim: string; words: Statement['words'] }>(
    'SELECT id::text AS id, alert_id::text AS alert_id, issued_at, issued_by, claim, words FROM alert_statements WHERE alert_id = ANY($1::bigint[]) ORDER BY id',
    [alertIds],
  );
  return rows.map((r) => ({ id: r.id, alertId: r.alert_id, issuedAt: new Date(r.issued_at).toISOString(), issuedBy: r.issued_by, claim: r.claim, words: r.words }));
}
