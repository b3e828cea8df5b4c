import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { fixedClock, type Clock } from '../../src/kernel/clock.ts';
import { createUser, login, type Role } from '../../src/modules/access/index.ts';

export const PASSWORD = 'correct horse battery staple';

/**
 * Creates a member of staff with this role and scope, signs them in on `clock`, and returns the session token.
 * A session lasts eight hours from sign-in on that clock: a test that moves its clock further signs in again.
 */
export async function staffToken(db: Db, username: string, role: Role, scope: { region?: string; district?: string; agency?: string; employerBin?: string } = {}, clock: Clock = fixedClock('2026-11-23T06:00:00Z')): Promise<string> {
  await createUser(db, { username, displayName: username, password: PASSWORD, role, ...scope }, { actor: 'test:setup', clock });
  return signInAgain(db, username, clock);
}

export async function signInAgain(db: Db, username: string, clock: Clock): Promise<string> {
  return (await login(db, username, PASSWORD, { clock, address: 'test' })).token;
}

/**
 * A request to the API as a member of staff, by the bearer token `tokens` holds for them. `app` is a getter because
 * the tests build the app in before(), after this is called at the top of the file.
 */
export function asUser(app: () => FastifyInstance, tokens: Map<string, string>) {
  return (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app().inject({ method, url, headers: { authorization: `Bearer ${tokens.get(user)}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
}
