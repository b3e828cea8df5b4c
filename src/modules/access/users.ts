import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { Role, type StaffPrincipal } from './roles.ts';

export const SESSION_TTL_MS = 8 * 3600_000;
/** Failed sign-ins allowed for one account from one address within the window before that pair is refused. */
export const FAILURES_PER_USER_ADDRESS = 5;
/**
 * Failures for an account from all addresses, or from one address for all accounts, past which every further try
 * waits (doubling up to MAX_BACKOFF_MS) instead of being refused: guessing slows down, but nobody can lock an
 * officer out from another machine, nor everyone behind one proxy.
 */
export const BACKOFF_AFTER = 5;
export const ADDRESS_BACKOFF_AFTER = 20;
export const MAX_BACKOFF_MS = 8_000;
export const FAILURE_WINDOW_MS = 15 * 60_000;

/** How long a sign-in waits, given the failures in the window for its account (anywhere) and from its address. */
export function loginBackoffMs(byUser: number, byAddress: number): number {
  const over = Math.max(byUser - BACKOFF_AFTER + 1, byAddress - ADDRESS_BACKOFF_AFTER + 1, 0);
  return over === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (over - 1));
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const NewUser = z.object({
  username: z.string().regex(/^[a-z][a-z0-9._-]{1,62}$/, 'lower-case letters, digits, . _ -; starting with a letter'),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(12, 'at least 12 characters').max(200),
  role: Role,
  region: z.string().regex(/^KZ-[A-Z0-9]{2,3}$/).optional(),
  district: z.string().trim().min(1).max(200).optional(),
  agency: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional(),
  employerBin: z.string().regex(/^\d{12}$/).optional(),
}).strict().superRefine((u, ctx) => {
  const needs: Record<string, boolean> = {
    region: u.role === 'regional_officer' || u.role === 'district_officer',
    district: u.role === 'district_officer',
    agency: u.role === 'agency_officer',
    employerBin: u.role === 'enterprise_officer',
  };
  for (const [field, needed] of Object.entries(needs)) {
    const has = u[field as keyof typeof u] !== undefined;
    if (needed && !has) ctx.addIssue({ code: 'custom', path: [field], message: `is required for role ${u.role}` });
    if (!needed && has) ctx.addIssue({ code: 'custom', path: [field], message: `does not apply to role ${u.role}` });
  }
});
export type NewUser = z.infer<typeof NewUser>;

interface UserRow {
  id: string | number;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  region: string | null;
  district: string | null;
  agency: string | null;
  employer_bin: string | null;
  disabled: boolean;
}

const principal = (u: UserRow): StaffPrincipal => ({
  kind: 'staff', userId: Number(u.id), username: u.username, role: u.role, region: u.region, district: u.district, agency: u.agency, employerBin: u.employer_bin,
});

export async function createUser(db: Db, input: unknown, ctx: { actor: string; clock: Clock }): Promise<StaffPrincipal> {
  const r = NewUser.safeParse(input);
  if (!r.success) throw new DomainError('ACCESS_USER_INVALID', `the user is not valid — ${r.error.issues.map((i) => `${i.path.join('.') || '(user)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
  const u = r.data;
  const hash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    const { rows: taken } = await tx.query('SELECT 1 FROM users WHERE username = $1', [u.username]);
    if (taken.length > 0) throw new DomainError('ACCESS_USER_EXISTS', `a user named ${u.username} already exists`);
    const { rows } = await tx.query<UserRow>(
      `INSERT INTO users (username, display_name, password_hash, role, region, district, agency, employer_bin, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [u.username, u.displayName, hash, u.role, u.region ?? null, u.district ?? null, u.agency ?? null, u.employerBin ?? null, ctx.clock.now(), ctx.actor],
    );
    const created = principal(rows[0] as UserRow);
    await appendAudit(tx, { at: ctx.clock.now(), actor: ctx.actor, action: 'access.user.create', subject: `user:${u.username}`, details: { role: u.role, region: u.region ?? null, district: u.district ?? null, agency: u.agency ?? null, employerBin: u.employerBin ?? null } });
    return created;
  });
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Signs a member of staff in. Failures for this account from this address past FAILURES_PER_USER_ADDRESS refuse the
 * pair before the password is even checked, so guessing from there gets no answer; failures elsewhere only slow the
 * account down (loginBackoffMs). Unknown names and wrong passwords give the same error and take the same scrypt time.
 */
export async function login(db: Db, username: string, password: string, ctx: { clock: Clock; address: string; sleep?: (ms: number) => Promise<void> }): Promise<{ token: string; expiresAt: Date; user: StaffPrincipal }> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const [counts] = await db.query<{ by_pair: number; by_user: number; by_address: number }>(
    `SELECT (SELECT count(*)::int FROM login_failures WHERE username = $1 AND address = $2 AND at > $3) AS by_pair,
            (SELECT count(*)::int FROM login_failures WHERE username = $1 AND at > $3) AS by_user,
            (SELECT count(*)::int FROM login_failures WHERE address = $2 AND at > $3) AS by_address`,
    [username, ctx.address, since],
  );
  if ((counts?.by_pair ?? 0) >= FAILURES_PER_USER_ADDRESS) {
    throw new DomainError('ACCESS_THROTTLED', `too many failed sign-ins for this account from this address; try again in ${FAILURE_WINDOW_MS / 60_000} minutes`);
  }
  const wait = loginBackoffMs(counts?.by_user ?? 0, counts?.by_address ?? 0);
  if (wait > 0) await (ctx.sleep ?? realSleep)(wait);
  const [u] = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  const ok = await verifyPassword(password, u?.password_hash ?? DUMMY_HASH);
  if (!u || !ok || u.disabled) {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)', [username.slice(0, 100), ctx.address, now]);
      await appendAudit(tx, { at: now, actor: `anonymous@${ctx.address}`, action: 'access.login.failed', subject: `user:${username.slice(0, 100)}` });
    });
    throw new DomainError('ACCESS_LOGIN_FAILED', 'wrong user name or password');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), u.id, now, expiresAt]);
    await appendAudit(tx, { at: now, actor: `user:${u.username}`, action: 'access.login', subject: `user:${u.username}`, details: { address: ctx.address } });
  });
  return { token, expiresAt, user: principal(u) };
}

// A real scrypt hash of a random password, so an unknown user name costs the same time as a wrong password.
const DUMMY_HASH = await hashPassword(randomBytes(12).toString('hex'));

export async function sessionUser(db: Db, token: string, clock: Clock): Promise<StaffPrincipal | null> {
  if (!token) return null;
  const [u] = await db.query<UserRow>(
    `SELECT u.* FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.ended_at IS NULL AND NOT u.disabled`,
    [sha256(token), clock.now()],
  );
  return u ? principal(u) : null;
}

export async function logout(db: Db, token: string, clock: Clock): Promise<void> {
  await db.query('UPDATE user_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL', [sha256(token), clock.now()]);
}

export async function listUsers(db: Db): Promise<(StaffPrincipal & { displayName: string; disabled: boolean })[]> {
  const rows = await db.query<UserRow>('SELECT * FROM users ORDER BY username');
  return rows.map((u) => ({ ...principal(u), displayName: u.display_name, disabled: u.disabled }));
}
