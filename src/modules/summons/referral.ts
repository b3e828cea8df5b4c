import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client.ts';
import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';
import { appendAudit } from '../audit/index.ts';
import type { ActionOf, SummonsAction } from './actions.ts';
import { modelArea, type FailureFilter } from './operations.ts';
import type { SummonsState } from './reducer.ts';

/** One person whose attendance is now the internal affairs body's task, with what it needs to find them. */
export interface Referral {
  summonsId: string;
  iin: string;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  region: string;
  district: string | null;
  address: string | null;
  mobile: string | null;
  lmaOffice: string;
  appearanceAt: Date;
  referredAt: string;
  referredBy: string;
  /** The evidence that the person was duly notified. */
  grounds: string[];
  exercise: boolean;
}

/** Kazakhstan local time with its offset, as an officer reads it and as CAP-style consumers parse it. */
export function kzDateTime(at: Date): string {
  return `${new Date(at.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 19)}+05:00`;
}

/**
 * The referral list for internal affairs: every summons still referred (a later fact — an appearance recorded in
 * error and corrected, say — can only come through the reducer, which keeps referred final). A read of personal
 * data, so it is audited with the filter and the count.
 */
export async function referralList(db: Db, filter: FailureFilter, ctx: { actor: string; at: Date; purpose: string }): Promise<Referral[]> {
  const params: unknown[] = [];
  const where = [`st.legal = 'referred'`, ...modelArea(filter, params)];
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      id: string | number; iin: string; last_name: string; first_name: string; patronymic: string | null; birth_date: Date | string;
      region: string; district: string | null; address: string | null; mobile: string | null; lma_office: string; appearance_at: Date; exercise: boolean;
      state: SummonsState; failed: ActionOf<'failed_to_appear'>;
    }>(
      `SELECT st.summons_id AS id, st.iin, p.last_name, p.first_name, p.patronymic, p.birth_date, st.region, st.district, p.address, p.mobile,
              s.lma_office, st.appearance_at, st.exercise, st.state,
              (SELECT l.action FROM summons_ledger l WHERE l.summons_id = st.summons_id AND l.kind = 'failed_to_appear' ORDER BY l.seq LIMIT 1) AS failed
         FROM summons_state st JOIN summonses s ON s.id = st.summons_id JOIN persons p ON p.iin = st.iin
        WHERE ${where.join(' AND ')} ORDER BY st.region, st.district, st.summons_id`,
      params,
    );
    const out: Referral[] = rows.map((r) => ({
      summonsId: String(r.id), iin: r.iin, lastName: r.last_name, firstName: r.first_name, patronymic: r.patronymic,
      birthDate: r.birth_date instanceof Date ? r.birth_date.toISOString().slice(0, 10) : String(r.birth_date).slice(0, 10),
      region: r.region, district: r.district, address: r.address, mobile: r.mobile, lmaOffice: r.lma_office,
      appearanceAt: new Date(r.appearance_at), referredAt: r.failed.at, referredBy: r.failed.recordedBy,
      grounds: r.state.grounds.map((g) => g.detail), exercise: r.exercise,
    }));
    await appendAudit(tx, { at: ctx.at, actor: ctx.actor, action: 'summons.referrals.read', subject: null, details: { ...filter, purpose: ctx.purpose, referrals: out.length } });
    return out;
  });
}

export const REFERRAL_COLUMNS = [
  'summons_id', 'iin', 'last_name', 'first_name', 'patronymic', 'birth_date', 'region', 'district', 'address', 'mobile',
  'lma_office', 'appearance_at', 'referred_at', 'referred_by', 'notified_by', 'exercise',
] as const;

/** The referral list as CSV (header first); exercise rows say so in their own column and are never mixed silently. */
export function referralCsv(list: readonly Referral[]): string {
  return stringify(
    list.map((r) => [
      r.summonsId, r.iin, r.lastName, r.firstName, r.patronymic ?? '', r.birthDate, r.region, r.district ?? '', r.address ?? '', r.mobile ?? '',
      r.lmaOffice, kzDateTime(r.appearanceAt), kzDateTime(new Date(r.referredAt)), r.referredBy, r.grounds.join('; '), r.exercise ? 'EXERCISE' : '',
    ]),
    { header: true, columns: [...REFERRAL_COLUMNS] },
  );
}
