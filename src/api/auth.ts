import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Clock } from '../kernel/clock.ts';
import { DomainError } from '../kernel/errors.ts';
import { doc } from './openapi.ts';
import { authorize, login, logout, sessionUser, type Permission, type StaffPrincipal } from '../modules/access/index.ts';

export const SESSION_COOKIE = 'mobilize_session';

export interface Auth {
  /** The signed-in member of staff, or API_UNAUTHENTICATED. */
  staff(req: FastifyRequest): Promise<StaffPrincipal>;
  /** The signed-in member of staff if their role has the permission, else ACCESS_DENIED. */
  allow(req: FastifyRequest, permission: Permission): Promise<StaffPrincipal>;
}

const LoginRequest = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }).strict();

function tokenOf(req: FastifyRequest): string {
  const h = req.headers.authorization ?? '';
  if (h.startsWith('Bearer ')) return h.slice(7);
  return req.cookies?.[SESSION_COOKIE] ?? '';
}

/**
 * Staff sign-in and the session check every staff route makes. The session travels as an HttpOnly, SameSite=Strict
 * cookie for the browser (so another site cannot ride on it) or as a bearer token for API clients.
 */
export function staffAuth(app: FastifyInstance, opts: { db: Db; clock: Clock; secureCookies: boolean }): Auth {
  const { db, clock } = opts;
  const staff = async (req: FastifyRequest): Promise<StaffPrincipal> => {
    const user = await sessionUser(db, tokenOf(req), clock);
    if (!user) throw new DomainError('API_UNAUTHENTICATED', 'Sign in: POST /api/session {"username", "password"}, then send the session cookie or "Authorization: Bearer TOKEN".');
    return user;
  };

  app.post('/api/session', { schema: doc({ summary: 'Sign in (sets the session cookie, returns a bearer token)', tags: ['access'], auth: 'public', body: LoginRequest }) }, async (req, reply: FastifyReply) => {
    const body = LoginRequest.safeParse(req.body ?? {});
    if (!body.success) throw new DomainError('API_BAD_REQUEST', 'Send {"username": "...", "password": "..."}.', { issues: body.error.issues });
    const s = await login(db, body.data.username, body.data.password, { clock, address: req.ip });
    reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, expires: s.expiresAt });
    return reply.status(201).send({ token: s.token, expiresAt: s.expiresAt.toISOString(), user: s.user });
  });

  app.delete('/api/session', { schema: doc({ summary: 'Sign out', tags: ['access'], auth: 'staff' }) }, async (req, reply) => {
    await logout(db, tokenOf(req), clock);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/me', { schema: doc({ summary: 'The signed-in member of staff', tags: ['access'], auth: 'staff' }) }, async (req) => staff(req));

  return {
    staff,
    allow: async (req, permission) => authorize(await staff(req), permission),
  };
}
