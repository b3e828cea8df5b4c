import { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { PaperPlace, ValidReason, type SummonsAction } from './actions.ts';
import { summonsLogs } from './ledger-batch.ts';
import { appendLedger } from './ledger-store.ts';
import { applySummonsAction, reduceSummons, type SummonsState } from './reducer.ts';

export interface ActContext {
  actor: string;
  clock: Clock;
}

const instant = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * What an LMA officer records on a summons. `at` is when it happened; it defaults to now and may not be in the
 * future (a courier's receipt is often entered after the fact, a future one never).
 */
export const OfficerAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('appeared'), at: instant.optional() }).strict(),
  z.object({ kind: z.literal('failed_to_appear'), at: instant.optional() }).strict(),
  z.object({ kind: z.literal('reason_reported'), at: instant.optional(), reason: ValidReason, details: text(2000).optional(), marriageDate: z.iso.date().optional() }).strict(),
  z.object({ kind: z.literal('reason_accepted'), at: instant.optional() }).strict(),
  z.object({ kind: z.literal('reason_rejected'), at: instant.optional(), why: text(2000) }).strict(),
  z.object({ kind: z.literal('paper_received'), at: instant.optional(), place: PaperPlace, via: z.enum(['hand', 'mail']), signedBy: text(200) }).strict(),
  z.object({ kind: z.literal('paper_refused'), at: instant.optional(), place: PaperPlace, notedBy: text(200) }).strict(),
]);
export type OfficerAction = z.infer<typeof OfficerAction>;

export function parseOfficerAction(input: unknown): OfficerAction {
  const r = OfficerAction.safeParse(input);
  if (r.success) return r.data;
  const where = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new DomainError('SUMMONS_ACTION_INVALID', `the summons action is not valid — ${where}`, { issues: r.error.issues });
}

function toSummonsAction(a: OfficerAction, actor: string, now: Date): SummonsAction {
  const at = a.at ?? now.toISOString();
  if (Date.parse(at) > now.getTime()) throw new DomainError('SUMMONS_ACTION_IN_FUTURE', `${a.kind} at ${at} is in the future; record it when it has happened`);
  switch (a.kind) {
    case 'appeared':
    case 'failed_to_appear':
      return { kind: a.kind, at, recordedBy: actor };
    case 'reason_reported':
      return { kind: a.kind, at, reason: a.reason, ...(a.details ? { details: a.details } : {}), ...(a.marriageDate ? { marriageDate: a.marriageDate } : {}) };
    case 'reason_accepted':
      return { kind: a.kind, at, by: actor };
    case 'reason_rejected':
      return { kind: a.kind, at, by: actor, why: a.why };
    case 'paper_received':
      return { kind: a.kind, at, place: a.place, via: a.via, signedBy: a.signedBy };
    case 'paper_refused':
      return { kind: a.kind, at, place: a.place, notedBy: a.notedBy };
  }
}

export interface SummonsHead {
  id: string;
  iin: string;
  exercise: boolean;
  appearanceAt: Date;
  channels: string[];
}

/** Locks one summons for the rest of the transaction and folds its log; concurrent actions on it queue here. */
export async function lockSummons(tx: Tx, id: string): Promise<{ head: SummonsHead; state: SummonsState }> {
  if (!/^\d{1,18}$/.test(id)) throw new DomainError('SUMMONS_NOT_FOUND', `"${id}" is not a summons number`);
  const { rows } = await tx.query<{ id: string | number; iin: string; exercise: boolean; appearance_at: Date; channels: string[] }>(
    'SELECT id, iin, exercise, appearance_at, channels FROM summonses WHERE id = $1 FOR UPDATE',
    [id],
  );
  const r = rows[0];
  if (!r) throw new DomainError('SUMMONS_NOT_FOUND', `no summons ${id}`);
  const { rows: log } = await tx.query<{ action: SummonsAction }>('SELECT action FROM summons_ledger WHERE summons_id = $1 ORDER BY seq', [id]);
  return {
    head: { id: String(r.id), iin: r.iin, exercise: r.exercise, appearanceAt: new Date(r.appearance_at), channels: r.channels },
    state: reduceSummons(log.map((l) => l.action)),
  };
}

/**
 * Appends actions to one summons inside the caller's transaction, each checked by the reducer first: a refused
 * transition throws before anything is written, and the whole transaction rolls back with it.
 */
export async function appendToSummons(tx: Tx, id: string, actions: readonly SummonsAction[], ctx: ActContext & { audit: string; details?: Record<string, unknown> }): Promise<SummonsState> {
  const { state } = await lockSummons(tx, id);
  let next = state;
  for (const a of actions) next = applySummonsAction(next, a);
  await appendLedger(tx, actions.map((action) => ({ summonsId: id, action })), ctx.clock);
  await appendAudit(tx, {
    at: ctx.clock.now(), actor: ctx.actor, action: ctx.audit, subject: `summons:${id}`,
    details: { kinds: actions.map((a) => a.kind), legal: next.legal, ...ctx.details },
  });
  return next;
}

/** Records one officer action (appearance, decision on a reason, paper delivery) and returns the new state. */
export async function recordOfficerAction(db: Db, id: string, input: unknown, ctx: ActContext): Promise<SummonsState> {
  const a = parseOfficerAction(input);
  const action = toSummonsAction(a, ctx.actor, ctx.clock.now());
  return db.transaction((tx) => appendToSummons(tx, id, [action], { ...ctx, audit: `summons.${a.kind}` }));
}

export interface FailureFilter {
  region?: string;
  district?: string;
  planId?: number;
}

export interface FailureRow {
  summonsId: string;
  iin: string;
  region: string;
  district: string | null;
  lmaOffice: string;
  appearanceAt: Date;
  exercise: boolean;
  /** due: duly notified (or refused), appearance time passed, nothing recorded; referred: already referred. */
  status: 'due' | 'referred';
  grounds: string[];
  referralUnsupported: boolean;
}

export interface DistrictFailures {
  region: string;
  district: string | null;
  due: number;
  referred: number;
  summonses: FailureRow[];
}

/**
 * Failures to appear, per district: summonses whose appearance time has passed and whose person was duly notified
 * (or refused the paper) without appearing, being excused or having a reason under review — still to be referred
 * ("due") — and those already referred. Persons not duly notified are not failures: they were never told.
 */
export async function failuresToAppear(db: Db, filter: FailureFilter, ctx: { actor: string; at: Date }): Promise<DistrictFailures[]> {
  const where = [`st.appearance_at < $1`, `(st.legal = 'referred' OR (st.legal IN ('duly_notified', 'refused') AND st.reason_pending IS NULL))`];
  const params: unknown[] = [ctx.at];
  where.push(...modelArea(filter, params));
  return db.transaction(async (tx) => {
    const { rows: found } = await tx.query<{ summons_id: string | number; iin: string; region: string; district: string | null; lma_office: string; appearance_at: Date; exercise: boolean; legal: string; state: SummonsState }>(
      `SELECT st.summons_id, st.iin, st.region, st.district, s.lma_office, st.appearance_at, st.exercise, st.legal, st.state
         FROM summons_state st JOIN summonses s ON s.id = st.summons_id
        WHERE ${where.join(' AND ')} ORDER BY st.region, st.district, st.summons_id`,
      params,
    );
    const rows: FailureRow[] = found.map((b) => ({
      summonsId: String(b.summons_id), iin: b.iin, region: b.region, district: b.district, lmaOffice: b.lma_office,
      appearanceAt: new Date(b.appearance_at), exercise: b.exercise, status: b.legal === 'referred' ? 'referred' : 'due',
      grounds: b.state.grounds.map((g) => g.detail), referralUnsupported: b.state.referralUnsupported,
    }));
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'summons.failures.read', subject: null, details: { ...filter, summonses: rows.length } });
    const groups = new Map<string, DistrictFailures>();
    for (const r of rows) {
      const key = `${r.region}\u0000${r.district ?? ''}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { region: r.region, district: r.district, due: 0, referred: 0, summonses: [] }));
      g[r.status]++;
      g.summonses.push(r);
    }
    return [...groups.values()].sort((a, b) => a.region.localeCompare(b.region) || (a.district ?? '').localeCompare(b.district ?? ''));
  });
}

/** Area and plan conditions over the read model (alias st): live summonses only unless a plan is named. */
export function modelArea(filter: FailureFilter, params: unknown[]): string[] {
  const where: string[] = [];
  if (filter.planId !== undefined) where.push(`st.plan_id = $${params.push(filter.planId)}`);
  else where.push('st.exercise = false');
  if (filter.region) where.push(`st.region = $${params.push(filter.region)}`);
  if (filter.district) where.push(`st.district = $${params.push(filter.district)}`);
  return where;
}

/** Records failed_to_appear on every summons `failuresToAppear` lists as due; one transaction per summons. */
export async function referDueFailures(db: Db, filter: FailureFilter, ctx: ActContext): Promise<{ referred: string[]; skipped: { summonsId: string; why: string }[] }> {
  const groups = await failuresToAppear(db, filter, { actor: ctx.actor, at: ctx.clock.now() });
  const referred: string[] = [];
  const skipped: { summonsId: string; why: string }[] = [];
  for (const g of groups) {
    for (const s of g.summonses) {
      if (s.status !== 'due') continue;
      try {
        await recordOfficerAction(db, s.summonsId, { kind: 'failed_to_appear' }, ctx);
        referred.push(s.summonsId);
      } catch (e) {
        // Something was recorded on it since the listing (an appearance, a reason): the officer's later fact wins.
        skipped.push({ summonsId: s.summonsId, why: (e as Error).message });
      }
    }
  }
  return { referred, skipped };
}
