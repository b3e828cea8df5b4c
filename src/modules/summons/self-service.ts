import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit, auditRead } from '../audit/index.ts';
import { assertValidIin, changeMobile } from '../registry/index.ts';
import { ValidReason, type ActionOf, type SummonsAction } from './actions.ts';
import { checkNoticePeriod } from './notice-period.ts';
import { appendToSummons, lockSummons } from './operations.ts';
import { FINAL_STATES, type LegalState, type SummonsState } from './reducer.ts';
import { summonsSmsText } from './sms-text.ts';

/** Sends the sign-in code; in production the live SMS channel, in tests the same client against the simulator. */
export interface CodeSender {
  sendCode(to: string, text: string): Promise<void>;
}

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_ATTEMPTS = 5;
export const CODES_PER_WINDOW = 3;
export const CODE_WINDOW_MS = 15 * 60_000;
export const SESSION_TTL_MS = 30 * 60_000;
/** Per client address within CODE_WINDOW_MS: code requests, and wrong codes (whatever the IIN). */
export const CODES_PER_ADDRESS = 10;
export const FAILURES_PER_ADDRESS = 20;
/** Wrong codes per IIN within CODE_WINDOW_MS, across all its codes (each code also allows CODE_ATTEMPTS). */
export const FAILURES_PER_IIN = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const codeHash = (salt: string, iin: string, code: string) => sha256(`${salt}:${iin}:${code}`);

function checkIin(iin: string): void {
  try {
    assertValidIin(iin);
  } catch (e) {
    throw new DomainError('SELF_SERVICE_BAD_IIN', (e as Error).message);
  }
}

const throttled = (what: string) => new DomainError('SELF_SERVICE_THROTTLED', `too many ${what}; try again in ${CODE_WINDOW_MS / 60_000} minutes`);

export interface SignInContext {
  clock: Clock;
  /** The client's address: requests and wrong codes are throttled per address as well as per IIN. */
  address: string;
}

/**
 * Step one of sign-in. The answer is the same, and takes the same time, whether the IIN is in the registry, has a
 * mobile or not: the same rows are written either way and the SMS goes out after the answer, so neither the body nor
 * the response time tells who is registered. Requests are throttled per IIN and per client address.
 */
export async function requestSignInCode(db: Db, iin: string, ctx: SignInContext & { sender: CodeSender; onSendError?: (e: unknown) => void }): Promise<{ status: 'sent_if_registered'; expiresInSeconds: number }> {
  checkIin(iin);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - CODE_WINDOW_MS);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const mobile = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`citizen_code:${iin}`]);
    const { rows: recent } = await tx.query<{ by_iin: number; by_address: number }>(
      `SELECT (SELECT count(*)::int FROM citizen_codes WHERE iin = $1 AND created_at > $2) AS by_iin,
              (SELECT count(*)::int FROM citizen_codes WHERE address = $3 AND created_at > $2) AS by_address`,
      [iin, since, ctx.address],
    );
    if ((recent[0]?.by_iin ?? 0) >= CODES_PER_WINDOW) throw throttled('sign-in codes requested for this IIN');
    if ((recent[0]?.by_address ?? 0) >= CODES_PER_ADDRESS) throw throttled('sign-in codes requested from this address');
    const { rows } = await tx.query<{ mobile: string | null }>('SELECT mobile FROM persons WHERE iin = $1', [iin]);
    const to = rows[0]?.mobile ?? null;
    const salt = randomBytes(16).toString('hex');
    await tx.query('INSERT INTO citizen_codes (iin, salt, code_hash, sent_to, created_at, expires_at, address) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      iin, salt, to ? codeHash(salt, iin, code) : null, to, now, new Date(now.getTime() + CODE_TTL_MS), ctx.address,
    ]);
    await appendAudit(tx, { at: now, actor: `citizen:${iin}`, action: 'self_service.code.request', subject: `person:${iin}`, details: { sent: Boolean(to), address: ctx.address } });
    return to;
  });
  // Recorded first, sent after the answer: a failed send leaves a code nobody has, which simply expires.
  if (mobile) {
    ctx.sender.sendCode(mobile, `Mobilize: кіру коды / код входа ${code}. Ешкімге айтпаңыз / никому не сообщайте.`).catch((e: unknown) => ctx.onSendError?.(e));
  }
  return { status: 'sent_if_registered', expiresInSeconds: CODE_TTL_MS / 1000 };
}

/**
 * Step two: the code for a session token. Each wrong try counts against the code (after CODE_ATTEMPTS it is
 * spent), the IIN and the client address; past a limit the answer is a throttle, before the code is looked at.
 */
export async function signIn(db: Db, iin: string, code: string, ctx: SignInContext): Promise<{ token: string; expiresAt: Date }> {
  checkIin(iin);
  const now = ctx.clock.now();
  const wrong = () => new DomainError('SELF_SERVICE_CODE_WRONG', 'the code is wrong, expired or already used; request a new one');
  const result = await db.transaction(async (tx) => {
    const since = new Date(now.getTime() - CODE_WINDOW_MS);
    const { rows: f } = await tx.query<{ by_iin: number; by_address: number }>(
      `SELECT (SELECT count(*)::int FROM citizen_sign_in_failures WHERE iin = $1 AND at > $2) AS by_iin,
              (SELECT count(*)::int FROM citizen_sign_in_failures WHERE address = $3 AND at > $2) AS by_address`,
      [iin, since, ctx.address],
    );
    if ((f[0]?.by_iin ?? 0) >= FAILURES_PER_IIN) throw throttled('wrong codes for this IIN');
    if ((f[0]?.by_address ?? 0) >= FAILURES_PER_ADDRESS) throw throttled('wrong codes from this address');
    const fail = async (attempt: number | null) => {
      await tx.query('INSERT INTO citizen_sign_in_failures (iin, address, at) VALUES ($1, $2, $3)', [iin, ctx.address, now]);
      await appendAudit(tx, { at: now, actor: `citizen:${iin}`, action: 'self_service.sign_in.failed', subject: `person:${iin}`, details: { attempt, address: ctx.address } });
      return null;
    };
    if (!/^\d{6}$/.test(code)) return fail(null);
    const { rows } = await tx.query<{ id: number; salt: string; code_hash: string | null; attempts: number }>(
      `SELECT id, salt, code_hash, attempts FROM citizen_codes
        WHERE iin = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3 ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`,
      [iin, now, CODE_ATTEMPTS],
    );
    const c = rows[0];
    // An unknown IIN, or one without a mobile, fails like a wrong code and counts the same.
    const ok = c !== undefined && c.code_hash !== null && timingSafeEqual(Buffer.from(c.code_hash), Buffer.from(codeHash(c.salt, iin, code)));
    if (!ok) {
      if (c) await tx.query('UPDATE citizen_codes SET attempts = attempts + 1 WHERE id = $1', [c.id]);
      return fail(c ? c.attempts + 1 : null);
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await tx.query('UPDATE citizen_codes SET used_at = $2 WHERE id = $1', [c.id, now]);
    await tx.query('INSERT INTO citizen_sessions (token_hash, iin, created_at, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), iin, now, expiresAt]);
    await appendAudit(tx, { at: now, actor: `citizen:${iin}`, action: 'self_service.sign_in', subject: `person:${iin}` });
    return { token, expiresAt };
  });
  if (!result) throw wrong();
  return result;
}

/** The IIN a session token stands for; anything else is unauthenticated. */
export async function citizenOf(db: Db, token: string, clock: Clock): Promise<string> {
  const rows = token ? await db.query<{ iin: string }>('SELECT iin FROM citizen_sessions WHERE token_hash = $1 AND expires_at > $2', [sha256(token), clock.now()]) : [];
  const iin = rows[0]?.iin;
  if (!iin) throw unauthenticated();
  return iin;
}

const unauthenticated = () => new DomainError('SELF_SERVICE_UNAUTHENTICATED', 'sign in with your IIN and the code sent to your phone');

export interface CitizenSummons {
  id: string;
  purpose: string;
  lmaOffice: string;
  appearanceAt: string;
  verificationCode: string;
  exercise: boolean;
  channels: string[];
  legal: LegalState;
  notification: string;
  grounds: string[];
  notes: string[];
  pendingReason: { reason: string; details?: string; at: string } | null;
}

type SummonsRow = { id: string | number; purpose: string; lma_office: string; appearance_at: Date; verification_code: string; exercise: boolean; channels: string[]; state: SummonsState };
// The state comes from the read model, written with every ledger append: the polled lookup folds no ledger.
const SUMMONS_COLUMNS = `s.id, s.purpose, s.lma_office, s.appearance_at, s.verification_code, s.exercise, s.channels,
  (SELECT st.state FROM summons_state st WHERE st.summons_id = s.id) AS state`;

/** The citizen's own summonses with their legal state; nothing about anyone else is ever in the query. */
export async function mySummonses(db: Db, iin: string, ctx: { clock: Clock }): Promise<CitizenSummons[]> {
  const rows = await db.query<SummonsRow>(`SELECT ${SUMMONS_COLUMNS} FROM summonses s WHERE s.iin = $1 ORDER BY s.appearance_at DESC, s.id DESC`, [iin]);
  return auditedList(db, iin, rows, ctx.clock);
}

/**
 * The same for a session token, in one statement that checks the session and reads the summonses with their ledgers:
 * this is the endpoint citizens poll, so it makes one round trip and its audit entry is group-committed.
 */
export async function mySummonsesBySession(db: Db, token: string, ctx: { clock: Clock }): Promise<CitizenSummons[]> {
  const rows = token
    ? await db.query<{ me: string } & Partial<SummonsRow>>(
        `WITH me AS (SELECT iin FROM citizen_sessions WHERE token_hash = $1 AND expires_at > $2)
         SELECT me.iin AS me, ${SUMMONS_COLUMNS}
           FROM me LEFT JOIN summonses s ON s.iin = me.iin ORDER BY s.appearance_at DESC, s.id DESC`,
        [sha256(token), ctx.clock.now()],
      )
    : [];
  const iin = rows[0]?.me;
  if (!iin) throw unauthenticated();
  return auditedList(db, iin, rows.filter((r): r is { me: string } & SummonsRow => r.id != null), ctx.clock);
}

async function auditedList(db: Db, iin: string, rows: readonly SummonsRow[], clock: Clock): Promise<CitizenSummons[]> {
  const out: CitizenSummons[] = [];
  for (const r of rows) {
    const state = r.state;
    out.push({
      id: String(r.id), purpose: r.purpose, lmaOffice: r.lma_office, appearanceAt: new Date(r.appearance_at).toISOString(),
      verificationCode: r.verification_code, exercise: r.exercise, channels: r.channels, legal: state.legal,
      notification: state.notification, grounds: state.grounds.map((g) => g.detail), notes: [...state.notes],
      pendingReason: state.pendingReason ? { reason: state.pendingReason.reason, ...(state.pendingReason.details ? { details: state.pendingReason.details } : {}), at: state.pendingReason.at } : null,
    });
  }
  await auditRead(db, { at: clock.now(), actor: `citizen:${iin}`, action: 'self_service.summonses.read', subject: `person:${iin}`, details: { summonses: out.length } });
  return out;
}

/** Locks a summons only if it is this citizen's; another person's summons is reported exactly like a missing one. */
async function ownSummons(tx: Tx, iin: string, id: string) {
  const locked = await lockSummons(tx, id).catch((e: unknown) => {
    throw new DomainError('SUMMONS_NOT_FOUND', `you have no summons ${id}`, { cause: (e as Error).message });
  });
  if (locked.head.iin !== iin) throw new DomainError('SUMMONS_NOT_FOUND', `you have no summons ${id}`);
  return locked;
}

/**
 * "I have seen it": the citizen's own confirmation, after signing in with a code sent to their phone, that they
 * read the messages of this summons — recorded as read reports for each message on file, which is what the rules
 * weigh (an acknowledgement is not itself a ground for being notified).
 */
export async function acknowledgeSummons(db: Db, iin: string, id: string, ctx: { clock: Clock }): Promise<{ legal: LegalState; markedRead: string[] }> {
  const at = ctx.clock.now().toISOString();
  return db.transaction(async (tx) => {
    const { state } = await ownSummons(tx, iin, id);
    const reads: SummonsAction[] = [];
    const numbers = new Set(state.evidence.filter((e): e is ActionOf<'sms_submitted'> => e.kind === 'sms_submitted').map((e) => e.number));
    for (const number of numbers) reads.push({ kind: 'read_status', at, channel: 'sms', number, status: 'read' });
    if (state.evidence.some((e) => e.kind === 'egov_posted')) reads.push({ kind: 'read_status', at, channel: 'egov', status: 'read' });
    if (reads.length === 0) {
      await appendAudit(tx, { at: ctx.clock.now(), actor: `citizen:${iin}`, action: 'self_service.acknowledge', subject: `summons:${id}`, details: { markedRead: [] } });
      return { legal: state.legal, markedRead: [] };
    }
    const next = await appendToSummons(tx, id, reads, { actor: `citizen:${iin}`, clock: ctx.clock, audit: 'self_service.acknowledge' });
    return { legal: next.legal, markedRead: reads.map((r) => (r.kind === 'read_status' && r.channel === 'sms' ? `sms:${r.number}` : 'egov')) };
  });
}

export const ReasonReport = z.object({
  reason: ValidReason,
  details: z.string().trim().min(1).max(2000).optional(),
  marriageDate: z.iso.date().optional(),
}).strict();
export type ReasonReport = z.infer<typeof ReasonReport>;

/** The citizen tells the LMA why they cannot appear; an officer accepts or rejects it. */
export async function reportReason(db: Db, iin: string, id: string, input: unknown, ctx: { clock: Clock }): Promise<{ legal: LegalState; pendingReason: string | null }> {
  const r = ReasonReport.safeParse(input);
  if (!r.success) {
    throw new DomainError('SUMMONS_ACTION_INVALID', `the reason is not valid — ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`, { issues: r.error.issues });
  }
  const at = ctx.clock.now().toISOString();
  return db.transaction(async (tx) => {
    await ownSummons(tx, iin, id);
    const action: SummonsAction = { kind: 'reason_reported', at, reason: r.data.reason, ...(r.data.details ? { details: r.data.details } : {}), ...(r.data.marriageDate ? { marriageDate: r.data.marriageDate } : {}) };
    const next = await appendToSummons(tx, id, [action], { actor: `citizen:${iin}`, clock: ctx.clock, audit: 'self_service.reason' });
    return { legal: next.legal, pendingReason: next.pendingReason?.reason ?? null };
  });
}

/**
 * The citizen's new mobile number: the registry is changed (with history), every open summons that went to the old
 * number gets a number_changed entry — so an SMS to it that was not reported read no longer counts — and the
 * summons SMS is queued again to the new number while the three-day rule still allows it.
 */
export async function updateMobile(db: Db, iin: string, mobile: string, ctx: { clock: Clock }): Promise<{ changed: boolean; summonsesAffected: string[]; resent: string[] }> {
  const now = ctx.clock.now();
  const actor = `citizen:${iin}`;
  return db.transaction(async (tx) => {
    const { previous, changed } = await changeMobile(tx, iin, mobile, { at: now, actor, source: 'self-service' });
    if (!changed) return { changed: false, summonsesAffected: [], resent: [] };
    const { rows } = await tx.query<{ id: string | number; appearance_at: Date; lma_office: string; purpose: string; verification_code: string; exercise: boolean; last_name: string; first_name: string; patronymic: string | null }>(
      `SELECT s.id, s.appearance_at, s.lma_office, s.purpose, s.verification_code, s.exercise, p.last_name, p.first_name, p.patronymic
         FROM summonses s JOIN persons p ON p.iin = s.iin WHERE s.iin = $1 ORDER BY s.id`,
      [iin],
    );
    const affected: string[] = [];
    const resent: string[] = [];
    for (const s of rows) {
      const id = String(s.id);
      const { state } = await lockSummons(tx, id);
      if ((FINAL_STATES as readonly LegalState[]).includes(state.legal)) continue;
      const sentToOld = previous !== null && state.evidence.some((e) => e.kind === 'sms_submitted' && e.number === previous);
      if (sentToOld) {
        await appendToSummons(tx, id, [{ kind: 'number_changed', at: now.toISOString(), number: previous }], { actor, clock: ctx.clock, audit: 'self_service.number_changed' });
        affected.push(id);
      }
      const appearanceAt = new Date(s.appearance_at);
      if (!checkNoticePeriod(now, appearanceAt, 'sms').ok) continue;
      const text = summonsSmsText({ lastName: s.last_name, firstName: s.first_name, patronymic: s.patronymic, appearanceAt, office: s.lma_office, purpose: s.purpose as ActionOf<'issued'>['purpose'], code: s.verification_code, exercise: s.exercise });
      const { rows: queued } = await tx.query<{ id: number }>(
        `INSERT INTO summons_outbox (summons_id, channel, destination, number_basis, text, exercise, created_at)
         VALUES ($1, 'sms', $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
        [Number(id), mobile, ['given_to_lma'], text, s.exercise, now],
      );
      if (queued.length > 0) resent.push(id);
    }
    await appendAudit(tx, { at: now, actor, action: 'self_service.mobile', subject: `person:${iin}`, details: { summonsesAffected: affected, resent } });
    return { changed: true, summonsesAffected: affected, resent };
  });
}
