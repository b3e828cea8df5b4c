import type { Db, Tx } from '../../db/client.ts';
import { kzDate, type Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import type { Rng } from '../../kernel/rng.ts';
import { appendAudit } from '../audit/index.ts';
import { applyAction, getPlan, planState, type PlanAction, type PlanActionEntry } from '../callup/index.ts';
import type { NumberBasis, SummonsAction, SummonsPurpose } from './actions.ts';
import { cryptoRng } from './crypto-rng.ts';
import { appendLedger } from './ledger-store.ts';
import { assertNoticePeriod } from './notice-period.ts';
import { summonsEgovMessage } from './egov-text.ts';
import { summonsSmsText } from './sms-text.ts';
import { generateVerificationCode } from './verification-code.ts';

export type SummonsChannel = 'sms' | 'egov' | 'paper';

export interface IssueOptions {
  actor: string;
  clock: Clock;
  appearanceAt: Date;
  purpose?: SummonsPurpose;
  /** Source of verification codes; a seeded Rng only in tests (see crypto-rng.ts). */
  rng?: Rng;
}

export interface IssueResult {
  planId: number;
  summonses: number;
  exercise: boolean;
  byChannel: { sms: number; egov: number; paper: number };
  queuedSms: number;
  queuedEgov: number;
}

interface Row {
  iin: string;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  birth_date: string;
  region: string;
  district: string | null;
  mobile: string | null;
  mobile_on_egov: boolean;
  egov_account: boolean;
}

/** SMS when there is a mobile (and an e-Gov message too when the person has an account), paper otherwise. */
export function chooseChannels(p: { mobile: string | null; egov_account: boolean }): SummonsChannel[] {
  if (!p.mobile) return ['paper'];
  return p.egov_account ? ['sms', 'egov'] : ['sms'];
}

/**
 * The registry's mobile is the number on the LMA's file, so it counts as given to the LMA; when the registry says
 * it is also the number on the e-Gov portal, the SMS is also the notice that goes with an e-Gov message.
 */
export function numberBasis(p: { mobile_on_egov: boolean }): NumberBasis[] {
  return p.mobile_on_egov ? ['given_to_lma', 'egov_portal'] : ['given_to_lma'];
}

async function lockedPlanLog(tx: Tx, planId: number): Promise<{ exercise: boolean; log: PlanActionEntry[] }> {
  const { rows } = await tx.query<{ exercise: boolean }>('SELECT exercise FROM callup_plans WHERE id = $1 FOR UPDATE', [planId]);
  const { rows: log } = await tx.query<{ seq: number; at: Date; actor: string; action: PlanAction; note: string | null }>(
    'SELECT seq, at, actor, action, note FROM callup_plan_actions WHERE plan_id = $1 ORDER BY seq',
    [planId],
  );
  return { exercise: Boolean(rows[0]?.exercise), log: log.map((e) => ({ seq: Number(e.seq), at: new Date(e.at), actor: e.actor, action: e.action, note: e.note })) };
}

/** Codes unique among themselves and among every summons already issued (a clash is redrawn, not an error). */
async function freshCodes(tx: Tx, rng: Rng, count: number): Promise<string[]> {
  const codes = new Set<string>();
  for (let missing = count; missing > 0; ) {
    const drawn = new Set<string>();
    while (drawn.size < missing) {
      const c = generateVerificationCode(rng);
      if (!codes.has(c)) drawn.add(c);
    }
    const { rows } = await tx.query<{ verification_code: string }>('SELECT verification_code FROM summonses WHERE verification_code = ANY($1)', [[...drawn]]);
    for (const r of rows) drawn.delete(r.verification_code);
    for (const c of drawn) codes.add(c);
    missing = count - codes.size;
  }
  return [...codes];
}

/**
 * Issues an approved plan: one summons per assignment, its `issued` entry in the evidence ledger, an SMS queued for
 * everyone with a mobile, an e-Gov message for everyone whose channels include it, the plan's `issue` action and an audit entry — all in one transaction, so either the
 * whole plan is issued or nothing is. The issuer must be a second person, not the plan's author, and the
 * appearance time must leave the three calendar days an SMS summons needs, counted from now.
 */
export async function issuePlan(db: Db, planRef: string, opts: IssueOptions): Promise<IssueResult> {
  const plan = await getPlan(db, planRef);
  const now = opts.clock.now();
  const purpose = opts.purpose ?? 'dispatch_to_unit';
  if (Number.isNaN(opts.appearanceAt.getTime())) throw new DomainError('SUMMONS_BAD_APPEARANCE', 'the appearance time is not a valid date-time');
  const day = kzDate(opts.appearanceAt);
  const window = plan.order.appearance;
  if (day < window.from || day > window.to) {
    throw new DomainError('SUMMONS_APPEARANCE_OUTSIDE_ORDER', `the appearance date ${day} is outside the order's appearance period ${window.from} to ${window.to}`, { planId: plan.id });
  }
  assertNoticePeriod(now, opts.appearanceAt, 'sms');
  const rng = opts.rng ?? cryptoRng;

  return db.transaction(async (tx) => {
    const { exercise, log } = await lockedPlanLog(tx, plan.id);
    const state = planState(log);
    if (state.status !== 'approved') {
      throw new DomainError('SUMMONS_PLAN_NOT_APPROVED', `plan ${plan.id} is ${state.status}; only an approved plan can be issued`, { planId: plan.id, status: state.status });
    }
    if (opts.actor === state.author) {
      throw new DomainError('SUMMONS_SELF_ISSUE', `${opts.actor} drafted plan ${plan.id} and cannot issue it; a second person must`, { planId: plan.id });
    }
    applyAction(log, 'issue', opts.actor);
    // A reservation approved while this plan was being made (planning reads a snapshot, and the approval could not
    // see the plan to remove the person from it) would otherwise be summonsed here: refuse, so the order is planned
    // again without them.
    const { rows: reserved } = await tx.query<{ iin: string }>(
      `SELECT DISTINCT a.iin FROM callup_assignments a JOIN callup_exclusions x ON x.iin = a.iin
        WHERE a.plan_id = $1 AND x.valid_from <= $3::date AND x.valid_to >= $2::date
          AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = a.plan_id AND r.iin = a.iin)
        ORDER BY a.iin`,
      [plan.id, window.from, window.to],
    );
    if (reserved.length > 0) {
      throw new DomainError('SUMMONS_PLAN_HAS_RESERVED', `plan ${plan.id} holds ${reserved.length} people reserved for essential civil work after it was planned; plan the order again`, { planId: plan.id, iins: reserved.map((r) => r.iin) });
    }

    const { rows: people } = await tx.query<Row>(
      `SELECT a.iin, p.last_name, p.first_name, p.patronymic, to_char(p.birth_date, 'DD.MM.YYYY') AS birth_date, p.region, p.district, p.mobile, p.mobile_on_egov, p.egov_account
         FROM callup_assignments a JOIN persons p ON p.iin = a.iin WHERE a.plan_id = $1
          AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = a.plan_id AND r.iin = a.iin)
        ORDER BY a.cell, a.lottery_rank, a.iin`,
      [plan.id],
    );
    const codes = await freshCodes(tx, rng, people.length);
    const prepared = people.map((p, i) => ({ p, code: codes[i] as string, channels: chooseChannels(p), office: `LMA ${p.district ?? p.region}` }));

    const ids: string[] = [];
    for (let i = 0; i < prepared.length; i += 500) {
      const chunk = prepared.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map((s) => {
        params.push(plan.id, s.p.iin, purpose, s.office, s.p.region, opts.appearanceAt, s.code, exercise, s.channels, now, opts.actor);
        const b = params.length - 11;
        return `(${Array.from({ length: 11 }, (_, k) => `$${b + k + 1}`).join(', ')})`;
      });
      const { rows } = await tx.query<{ id: string | number }>(
        `INSERT INTO summonses (plan_id, iin, purpose, lma_office, lma_region, appearance_at, verification_code, exercise, channels, created_at, created_by)
         VALUES ${values.join(', ')} RETURNING id`,
        params,
      );
      ids.push(...rows.map((r) => String(r.id)));
    }

    const issued = prepared.map((s, i): { summonsId: string; action: SummonsAction } => ({
      summonsId: ids[i] as string,
      action: { kind: 'issued', at: now.toISOString(), summonsId: ids[i] as string, iin: s.p.iin, purpose, appearanceAt: opts.appearanceAt.toISOString(), exercise, issuedBy: opts.actor },
    }));
    await appendLedger(tx, issued, opts.clock);

    const sms = prepared.flatMap((s, i) => (s.channels.includes('sms') && s.p.mobile ? [{ s, id: ids[i] as string, mobile: s.p.mobile }] : []));
    for (let i = 0; i < sms.length; i += 500) {
      const chunk = sms.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map(({ s, id, mobile }) => {
        const text = summonsSmsText({ lastName: s.p.last_name, firstName: s.p.first_name, patronymic: s.p.patronymic, appearanceAt: opts.appearanceAt, office: s.office, purpose, code: s.code, exercise });
        params.push(Number(id), mobile, numberBasis(s.p), text, exercise, now);
        const b = params.length - 6;
        return `($${b + 1}, 'sms', $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
      });
      await tx.query(`INSERT INTO summons_outbox (summons_id, channel, destination, number_basis, text, exercise, created_at) VALUES ${values.join(', ')}`, params);
    }

    // The e-Gov message goes to the account itself, so its destination is the IIN and it rests on no number.
    const egov = prepared.flatMap((s, i) => (s.channels.includes('egov') ? [{ s, id: ids[i] as string }] : []));
    for (let i = 0; i < egov.length; i += 500) {
      const chunk = egov.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map(({ s, id }) => {
        const m = summonsEgovMessage({
          lastName: s.p.last_name, firstName: s.p.first_name, patronymic: s.p.patronymic, birthDate: s.p.birth_date,
          appearanceAt: opts.appearanceAt, office: s.office, purpose, code: s.code, issuedAt: now, exercise,
        });
        params.push(Number(id), s.p.iin, m.title, m.body, exercise, now);
        const b = params.length - 6;
        return `($${b + 1}, 'egov', $${b + 2}, '{}', $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
      });
      await tx.query(`INSERT INTO summons_outbox (summons_id, channel, destination, number_basis, title, text, exercise, created_at) VALUES ${values.join(', ')}`, params);
    }

    await tx.query('INSERT INTO callup_plan_actions (plan_id, seq, at, actor, action, note) VALUES ($1, $2, $3, $4, $5, $6)', [
      plan.id, log.length + 1, now, opts.actor, 'issue', `${ids.length} summonses, appearance ${opts.appearanceAt.toISOString()}`,
    ]);
    const byChannel = { sms: 0, egov: 0, paper: 0 };
    for (const s of prepared) for (const c of s.channels) byChannel[c]++;
    await appendAudit(tx, {
      at: now, actor: opts.actor, action: 'summons.issue', subject: `callup_plan:${plan.id}`,
      details: { summonses: ids.length, exercise, appearanceAt: opts.appearanceAt.toISOString(), purpose, byChannel, firstId: ids[0] ?? null, lastId: ids[ids.length - 1] ?? null },
    });
    return { planId: plan.id, summonses: ids.length, exercise, byChannel, queuedSms: sms.length, queuedEgov: egov.length };
  });
}
