import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { actorName, areaOf, type Permission, type StaffPrincipal } from '../../modules/access/index.ts';
import {
  AlertContent,
  CapStatus,
  FollowUp,
  FollowUpText,
  NewAlert,
  NewStatement,
  alertsFeed,
  approveAlert,
  composeAlert,
  discardAlert,
  draftMessage,
  issueStatement,
  listAlerts,
  previewCap,
  publishAlert,
  publishedCap,
  publicBaseUrl,
  showAlert,
  type AlertContext,
} from '../../modules/alerts/index.ts';
import type { Auth } from '../auth.ts';
import { doc } from '../openapi.ts';

const Id = z.object({ id: z.string() });
const Seen = z.object({ seen: z.number().int().positive().optional() }).strict();
const Discard = z.object({ reason: z.string().max(1000).optional() }).strict();
const Revise = z.union([z.object({ content: AlertContent }).strict(), z.object({ reason: z.string().optional(), text: FollowUpText }).strict()]);
const FeedQuery = z.object({ lang: z.enum(['kk', 'ru', 'en']).default('kk'), status: CapStatus.default('Actual') }).strict();
const CAP_TYPE = 'application/cap+xml; charset=utf-8';

function body<T>(schema: z.ZodType<T>, value: unknown, hint: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('API_BAD_REQUEST', `${hint} — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
}

/**
 * Public alerts: officers compose, a second person approves, then publish, update, cancel or clear; statements
 * rebut false claims. The feed and each published CAP message are public, as CAP aggregators read them.
 */
export function alertsRoutes(app: FastifyInstance, opts: { db: Db; clock: Clock; auth: Auth; publicUrl?: string }): void {
  const { db, clock, auth } = opts;
  // Configured, or this server's own port on localhost (development); never the request's Host header.
  const configured = opts.publicUrl !== undefined ? publicBaseUrl(opts.publicUrl) : null;
  const base = () => {
    if (configured) return configured;
    const a = app.server.address();
    return `http://localhost${a && typeof a === 'object' ? `:${a.port}` : ''}`;
  };
  const ctxOf = (p: StaffPrincipal): AlertContext => ({ actor: actorName(p), clock, scope: { region: areaOf(p).region } });
  const staff = async (req: FastifyRequest, permission: Permission) => ctxOf(await auth.allow(req, permission));

  app.get('/api/alerts/feed.atom', { schema: doc({ summary: 'Atom feed of current public alerts (public)', tags: ['alerts'], auth: 'public', query: FeedQuery }) }, async (req, reply) => {
    const q = body(FeedQuery, req.query, 'query parameters lang (kk|ru|en), status (Actual|Exercise|Test)');
    const xml = await alertsFeed(db, { base: base(), lang: q.lang, status: q.status, now: clock.now() });
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=30').send(xml);
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id/cap', { schema: doc({ summary: "An alert's latest published CAP 1.2 message (public)", tags: ['alerts'], auth: 'public', params: Id }) }, async (req, reply) => {
    return reply.type(CAP_TYPE).send(await publishedCap(db, req.params.id));
  });

  app.get<{ Params: { id: string; n: string } }>('/api/alerts/:id/cap/:n', { schema: doc({ summary: 'One published CAP 1.2 message of an alert, exactly as sent (public)', tags: ['alerts'], auth: 'public', params: z.object({ id: z.string(), n: z.string() }) }) }, async (req, reply) => {
    return reply.type(CAP_TYPE).send(await publishedCap(db, req.params.id, Number(req.params.n)));
  });

  app.get('/api/alerts', { schema: doc({ summary: 'Alerts, newest first (those touching your region for a regional or district officer)', tags: ['alerts'], auth: 'staff', permission: 'alerts.read' }) }, async (req) => {
    const ctx = await staff(req, 'alerts.read');
    return { alerts: await listAlerts(db, ctx.scope) };
  });

  app.post('/api/alerts', { schema: doc({ summary: 'Compose an alert: the draft of its first message', tags: ['alerts'], auth: 'staff', permission: 'alerts.compose', body: NewAlert }) }, async (req, reply) => {
    const ctx = await staff(req, 'alerts.compose');
    return reply.status(201).send(await composeAlert(db, req.body, ctx));
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id', { schema: doc({ summary: 'An alert: state, action log, messages, distribution, statements', tags: ['alerts'], auth: 'staff', permission: 'alerts.read', params: Id }) }, async (req) => {
    const ctx = await staff(req, 'alerts.read');
    return showAlert(db, req.params.id, ctx.scope);
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id/preview', { schema: doc({ summary: 'The CAP XML the message in hand would be if published now', tags: ['alerts'], auth: 'staff', permission: 'alerts.read', params: Id }) }, async (req, reply) => {
    const ctx = await staff(req, 'alerts.read');
    return reply.type(CAP_TYPE).send(await previewCap(db, req.params.id, ctx.scope, clock.now()));
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/messages', { schema: doc({ summary: 'Draft the next message of a published alert: update, cancel or all-clear', tags: ['alerts'], auth: 'staff', permission: 'alerts.compose', params: Id, body: FollowUp }) }, async (req, reply) => {
    const ctx = await staff(req, 'alerts.compose');
    return reply.status(201).send(await draftMessage(db, req.params.id, req.body, ctx));
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/revise', { schema: doc({ summary: 'New words for the message in hand (it must be approved again)', tags: ['alerts'], auth: 'staff', permission: 'alerts.compose', params: Id, body: Revise }) }, async (req) => {
    const ctx = await staff(req, 'alerts.compose');
    return draftMessage(db, req.params.id, req.body, { ...ctx, revise: true });
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/discard', { schema: doc({ summary: 'Discard the message in hand', tags: ['alerts'], auth: 'staff', permission: 'alerts.compose', params: Id, body: Discard }) }, async (req) => {
    const ctx = await staff(req, 'alerts.compose');
    const b = body(Discard, req.body, 'Send {"reason"?: "..."}');
    return discardAlert(db, req.params.id, { ...ctx, ...(b.reason ? { reason: b.reason } : {}) });
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/approve', { schema: doc({ summary: 'Approve the message in hand (for an Actual alert, not by anyone who wrote it)', tags: ['alerts'], auth: 'staff', permission: 'alerts.approve', params: Id, body: Seen }) }, async (req) => {
    const ctx = await staff(req, 'alerts.approve');
    const b = body(Seen, req.body, 'Send {"seen"?: VERSION}');
    return approveAlert(db, req.params.id, { ...ctx, ...(b.seen !== undefined ? { seen: b.seen } : {}) });
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/publish', { schema: doc({ summary: 'Publish the approved message: CAP stored, SMS and cell broadcast queued', tags: ['alerts'], auth: 'staff', permission: 'alerts.approve', params: Id, body: Seen }) }, async (req) => {
    const ctx = await staff(req, 'alerts.approve');
    const b = body(Seen, req.body, 'Send {"seen"?: VERSION}');
    return publishAlert(db, req.params.id, { ...ctx, ...(b.seen !== undefined ? { seen: b.seen } : {}) });
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/statements', { schema: doc({ summary: 'Issue an official statement rebutting a false claim, linked to the alert', tags: ['alerts'], auth: 'staff', permission: 'alerts.statement', params: Id, body: NewStatement }) }, async (req, reply) => {
    const ctx = await staff(req, 'alerts.statement');
    return reply.status(201).send(await issueStatement(db, req.params.id, req.body, { actor: ctx.actor, at: clock.now(), scope: ctx.scope }));
  });
}
