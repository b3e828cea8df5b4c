import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';
import { EXERCISE_MARK } from '../sms/index.ts';
import type { SummonsPurpose } from './actions.ts';

const PURPOSE_RU: Record<SummonsPurpose, string> = {
  medical_examination: 'медицинское освидетельствование',
  assessment: 'оценка',
  conscription_commission: 'призывная комиссия',
  dispatch_to_unit: 'отправка в воинскую часть',
  assignment: 'назначение',
};

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
  const local = new Date(s.appearanceAt.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString();
  const date = `${local.slice(8, 10)}.${local.slice(5, 7)}.${local.slice(0, 4)}`;
  const initials = [s.firstName, s.patronymic].filter((x): x is string => !!x).map((x) => `${x[0]}.`).join('');
  const body = `ПОВЕСТКА. ${s.lastName} ${initials}, явиться ${date} в ${local.slice(11, 16)} в ${s.office}. Цель: ${PURPOSE_RU[s.purpose]}. Код проверки: ${s.code}`;
  return s.exercise ? `${EXERCISE_MARK}\n${body}` : body;
}
