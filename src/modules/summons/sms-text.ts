import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';
import { EXERCISE_MARK } from '../sms/index.ts';
import type { SummonsPurpose } from './actions.ts';

export const PURPOSE_RU: Record<SummonsPurpose, string> = {
  medical_examination: 'медицинское освидетельствование',
  assessment: 'оценка',
  conscription_commission: 'призывная комиссия',
  dispatch_to_unit: 'отправка в воинскую часть',
  assignment: 'назначение',
};

/** Date (DD.MM.YYYY) and time (HH:MM) of an instant in Kazakhstan, as summonses print them. */
export function kzDateAndTime(at: Date): { date: string; time: string } {
  const local = new Date(at.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString();
  return { date: `${local.slice(8, 10)}.${local.slice(5, 7)}.${local.slice(0, 4)}`, time: local.slice(11, 16) };
}

export interface SmsTextInput {
  lastName: string;
  firstName: string;
  patronymic: string | null;
  appearanceAt: Date;
  office: string;
  purpose: SummonsPurpose;
  code: string;
  exercise: boolean;
}

/**
 * The SMS of a summons: whom, when (Kazakhstan time), where, why, and the verification code. Nothing more of the
 * person than the name and initials, because an SMS can be read off a locked screen. Exercise messages start with
 * the exercise mark, as the SMS gateway requires.
 */
export function summonsSmsText(s: SmsTextInput): string {
  const { date, time } = kzDateAndTime(s.appearanceAt);
  const initials = [s.firstName, s.patronymic].filter((x): x is string => !!x).map((x) => `${x[0]}.`).join('');
  const body = `ПОВЕСТКА. ${s.lastName} ${initials}, явиться ${date} в ${time} в ${s.office}. Цель: ${PURPOSE_RU[s.purpose]}. Код проверки: ${s.code}`;
  return s.exercise ? `${EXERCISE_MARK}\n${body}` : body;
}
