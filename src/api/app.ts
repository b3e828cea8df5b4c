import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from '../kernel/logger.ts';
import type { Db } from '../db/client.ts';
import type { Clock } from '../kernel/clock.ts';
import { z } from 'zod';
import { DomainError, isDomainError } from '../kernel/errors.ts';
import { actorName, assertPersonVisible } from '../modules/access/index.ts';
import { findPerson, personHistory } from '../modules/registry/index.ts';
import type { CodeSender } from '../modules/summons/index.ts';
import { staffAuth } from './auth.ts';
import { metrics } from './metrics.ts';
import { doc, openApi } from './openapi.ts';
import { errorBody, httpStatus } from './errors.ts';
import { securityHeaders } from './headers.ts';
import { inputGuard } from './input.ts';
import { adminRoutes } from './routes/admin.ts';
import { alertsRoutes } from './routes/alerts.ts';
import { callupRoutes } from './routes/callup.ts';
import { citizenRoutes } from './routes/citizen.ts';
import { civilRoutes } from './routes/civil.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { infrastructureRoutes } from './routes/infrastructure.ts';
import { economyRoutes } from './routes/economy.ts';
import { summonsRoutes } from './routes/summons.ts';
import { territorialRoutes } from './routes/territorial.ts';
import { uiRoutes } from './routes/ui.ts';

export interface AppOptions {
  db: Db;
  clock: Clock;
  /** Request log (pino): each request and every 5xx with its request id. Off in tests unless given. */
  logger?: Logger;
  /** Sends citizens their sign-in codes; without it self-service sign-in answers 503. */
  codeSender?: CodeSender;
  /** Mark the session cookie Secure (behind HTTPS); off for plain http on localhost. */
  secureCookies?: boolean;
  /** Behind a load balancer: take the client address from X-Forwarded-For (the throttles count per address). */
  trustProxy?: boolean | string;
  /** Public origin (and path prefix) the alert feed and CAP links are written with; never the request's Host header. */
  publicUrl?: string;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: 1 << 20,
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    genReqId: () => randomUUID(),
    // A URL the router cannot even decode (an escaped lone surrogate, say) answers in the API's error shape too.
    frameworkErrors: (err, _req, reply) => (reply as FastifyReply).status(400).send({ error: { code: 'INPUT_BAD_URL', message: 'The URL is not valid: a percent-escape does not decode to UTF-8 text.', details: { reason: (err as { code?: string }).code ?? null } } }),
  });
  app.addHook('onRequest', async (req, reply) => void reply.header('x-request-id', req.id));
  await app.register(cookie);
  inputGuard(app);
  securityHeaders(app);
  await openApi(app);
  metrics(app);

  app.setErrorHandler((err, req, reply) => {
    if (isDomainError(err)) return reply.status(httpStatus(err)).send(errorBody(err));
    const code = String((err as { code?: unknown }).code ?? '');
    // Two requests passed the same check at the same moment and a unique constraint stopped the second: sending it
    // again reads what the first wrote (idempotency keys) or is refused by the check with its own clear code.
    if (code === '23505') {
      return reply.status(409).send({ error: { code: 'API_CONFLICT', message: 'another request made the same change at the same moment; send yours again', details: { constraint: (err as { constraint?: string }).constraint ?? null } } });
    }
    // A value the database could not take as the type it needed (malformed, out of range, too long, not storable
    // text): the edge should have refused it, so it is logged, but it is the request's fault and answers as such.
    // Other data exceptions (division by zero, an overflow of our own count) stay 500s.
    if (['22P02', '22003', '22007', '22008', '22021', '22P05', '22001'].includes(code)) {
      req.log.warn({ err, reqId: req.id }, 'value refused by the database');
      return reply.status(400).send({ error: { code: 'INPUT_INVALID_VALUE', message: 'a value in the request is out of range or malformed', details: { sqlstate: code } } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.status(status).send({ error: { code: 'API_BAD_REQUEST', message: (err as Error).message, details: code ? { reason: code } : {} } });
    req.log.error({ err, reqId: req.id }, 'internal error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error', details: { requestId: req.id } } });
  });

  const { db, clock } = opts;
  const auth = staffAuth(app, { db, clock, secureCookies: opts.secureCookies ?? false });

  app.get('/healthz', { schema: doc({ summary: 'Liveness and the database engine', tags: ['platform'], auth: 'public' }) }, async () => {
    await db.query('SELECT 1');
    return { status: 'ok', engine: db.engine };
  });

  app.get<{ Params: { iin: string } }>('/api/persons/:iin', { schema: doc({ summary: 'A person by IIN (audited read)', tags: ['registry'], auth: 'staff', permission: 'person.read', params: z.object({ iin: z.string().regex(/^\d{12}$/) }) }) }, async (req) => {
    const p = await auth.allow(req, 'person.read');
    await assertPersonVisible(db, p, req.params.iin, clock.now());
    const person = await findPerson(db, req.params.iin, { actor: actorName(p), purpose: 'api lookup', at: clock.now() });
    if (!person) throw new DomainError('API_NOT_FOUND', `No person with IIN ${req.params.iin} in the registry.`);
    return person;
  });

  app.get<{ Params: { iin: string } }>('/api/persons/:iin/history', { schema: doc({ summary: "A person's history, creation first (audited read)", tags: ['registry'], auth: 'staff', permission: 'person.read', params: z.object({ iin: z.string().regex(/^\d{12}$/) }) }) }, async (req) => {
    const p = await auth.allow(req, 'person.read');
    await assertPersonVisible(db, p, req.params.iin, clock.now());
    const history = await personHistory(db, req.params.iin, { actor: actorName(p), purpose: 'api history', at: clock.now() });
    if (!history) throw new DomainError('API_NOT_FOUND', `No person with IIN ${req.params.iin} in the registry.`);
    return history;
  });

  callupRoutes(app, { db, clock, auth });
  summonsRoutes(app, { db, clock, auth });
  adminRoutes(app, { db, clock, auth });
  citizenRoutes(app, { db, clock, ...(opts.codeSender ? { codeSender: opts.codeSender } : {}) });
  dashboardRoutes(app, { db, clock, auth });
  alertsRoutes(app, { db, clock, auth, ...(opts.publicUrl !== undefined ? { publicUrl: opts.publicUrl } : {}) });
  territorialRoutes(app, { db, clock, auth });
  infrastructureRoutes(app, { db, clock, auth });
  economyRoutes(app, { db, clock, auth });
  civilRoutes(app, { db, clock, auth });
  await uiRoutes(app);

  return app;
}
