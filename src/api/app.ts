import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Clock } from '../kernel/clock.ts';
import { DomainError, isDomainError } from '../kernel/errors.ts';
import { findPerson, personHistory } from '../modules/registry/index.ts';
import { errorBody, httpStatus } from './errors.ts';
import { callupRoutes } from './routes/callup.ts';
import { citizenRoutes } from './routes/citizen.ts';
import { summonsRoutes } from './routes/summons.ts';
import type { CodeSender } from '../modules/summons/index.ts';

export interface AppOptions {
  db: Db;
  clock: Clock;
  /** Bearer token for the registry API until user accounts arrive; never logged. */
  apiToken: string;
  logger?: boolean;
  /** Sends citizens their sign-in codes; without it self-service sign-in answers 503. */
  codeSender?: CodeSender;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1 << 20 });

  app.setErrorHandler((err, _req, reply) => {
    if (isDomainError(err)) return reply.status(httpStatus(err)).send(errorBody(err));
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.status(status).send({ error: { code: 'API_BAD_REQUEST', message: (err as Error).message, details: {} } });
    app.log.error(err);
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  });

  const actorOf = (req: FastifyRequest): string => {
    const h = req.headers.authorization ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7) : '';
    if (!token || !sameSecret(token, opts.apiToken)) {
      throw new DomainError('API_UNAUTHENTICATED', 'Send the API token printed by `mobilize start` as "Authorization: Bearer TOKEN".');
    }
    return 'api:token';
  };

  app.get('/healthz', async () => {
    await opts.db.query('SELECT 1');
    return { status: 'ok', engine: opts.db.engine };
  });

  app.get<{ Params: { iin: string } }>('/api/persons/:iin', async (req) => {
    const actor = actorOf(req);
    const person = await findPerson(opts.db, req.params.iin, { actor, purpose: 'api lookup', at: opts.clock.now() });
    if (!person) throw new DomainError('API_NOT_FOUND', `No person with IIN ${req.params.iin} in the registry.`);
    return person;
  });

  app.get<{ Params: { iin: string } }>('/api/persons/:iin/history', async (req) => {
    const actor = actorOf(req);
    const history = await personHistory(opts.db, req.params.iin, { actor, purpose: 'api history', at: opts.clock.now() });
    if (!history) throw new DomainError('API_NOT_FOUND', `No person with IIN ${req.params.iin} in the registry.`);
    return history;
  });

  callupRoutes(app, { db: opts.db, clock: opts.clock, actorOf });
  summonsRoutes(app, { db: opts.db, clock: opts.clock, actorOf });
  citizenRoutes(app, { db: opts.db, clock: opts.clock, ...(opts.codeSender ? { codeSender: opts.codeSender } : {}) });

  return app;
}
