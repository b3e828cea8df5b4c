import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';

/** How a summons reaches the person; only the paper summons handed at the LMA has the short-notice exception. */
export type DispatchMode = 'sms' | 'egov' | 'paper_address' | 'paper_lma';

/** "at least three calendar days before the appearance date" (DOMAIN.md, Summons). */
export const MIN_NOTICE_DAYS = 3;
/** "a paper summons may be handed at the LMA with the appearance date no later than the next day". */
export const LMA_PAPER_MAX_DAYS = 1;

const DAY_MS = 86_400_000;

/**
 * Calendar days from the date of `from` to the date of `to`, both taken in Kazakhstan (UTC+5, no DST), so
 * 23:30 and 00:30 local time are a day apart even though they are an hour apart.
 */
export function kzCalendarDaysBetween(from: Date, to: Date): number {
  return Math.round((Date.parse(kzDate(to)) - Date.parse(kzDate(from))) / DAY_MS);
}

export type NoticeCheck =
  | { ok: true; days: number }
  | { ok: false; days: number; problem: 'appearance_not_after_dispatch' | 'notice_too_short'; message: string };

/**
 * The three-day rule. Accepted: appearance date at least three calendar days after the dispatch date, or — for a
 * paper summons handed at the LMA only — on the same or the next calendar day. Read literally, an LMA handover with
 * the appearance two days later is neither, and is refused. The appearance must also be after the dispatch instant.
 */
export function checkNoticePeriod(dispatchAt: Date, appearanceAt: Date, mode: DispatchMode): NoticeCheck {
  const days = kzCalendarDaysBetween(dispatchAt, appearanceAt);
  if (appearanceAt.getTime() <= dispatchAt.getTime()) {
    return { ok: false, days, problem: 'appearance_not_after_dispatch', message: `the appearance time ${appearanceAt.toISOString()} is not after the dispatch time ${dispatchAt.toISOString()}` };
  }
  if (days >= MIN_NOTICE_DAYS) return { ok: true, days };
  if (mode === 'paper_lma' && days <= LMA_PAPER_MAX_DAYS) return { ok: true, days };
  const allowed = mode === 'paper_lma'
    ? `at least ${MIN_NOTICE_DAYS} calendar days, or no later than the next day for a paper summons handed at the LMA`
    : `at least ${MIN_NOTICE_DAYS} calendar days (Kazakhstan time)`;
  return {
    ok: false,
    days,
    problem: 'notice_too_short',
    message: `the appearance date ${kzDate(appearanceAt)} is ${days} calendar day(s) after the dispatch date ${kzDate(dispatchAt)}; a ${mode} summons needs ${allowed}`,
  };
}

/** Throws SUMMONS_NOTICE_TOO_SHORT where checkNoticePeriod refuses; for use before anything is sent. */
export function assertNoticePeriod(dispatchAt: Date, appearanceAt: Date, mode: DispatchMode): void {
  const c = checkNoticePeriod(dispatchAt, appearanceAt, mode);
  if (!c.ok) {
    throw new DomainError('SUMMONS_NOTICE_TOO_SHORT', `${c.message}; choose a later appearance time`, { days: c.days, mode, problem: c.problem });
  }
}
