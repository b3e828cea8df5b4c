import { EXERCISE_MARK } from '../egov/index.ts';
import type { SummonsPurpose } from './actions.ts';
import { kzDateAndTime, PURPOSE_RU } from './sms-text.ts';

const PURPOSE_KK: Record<SummonsPurpose, string> = {
  medical_examination: 'медициналық куәландыру',
  assessment: 'бағалау',
  conscription_commission: 'шақыру комиссиясы',
  dispatch_to_unit: 'әскери бөлімге жөнелту',
  assignment: 'тағайындау',
};

export interface EgovTextInput {
  lastName: string;
  firstName: string;
  patronymic: string | null;
  /** DD.MM.YYYY as the registry holds it. */
  birthDate: string;
  appearanceAt: Date;
  office: string;
  purpose: SummonsPurpose;
  code: string;
  /** When the summons was issued (the date sent). */
  issuedAt: Date;
  exercise: boolean;
}

/**
 * The e-Gov message of a summons, in Kazakh (the state language) and then Russian. Unlike the SMS it carries the
 * whole content DOMAIN.md lists — full name, date of birth, issuing body, date sent, time and place of appearance,
 * purpose — because the account is read only after the person signs in. Labelled fields rather than sentences, so
 * both languages read correctly whatever the office's name. Exercise messages start title and body with the mark.
 */
export function summonsEgovMessage(s: EgovTextInput): { title: string; body: string } {
  const name = [s.lastName, s.firstName, s.patronymic].filter((x): x is string => !!x).join(' ');
  const at = kzDateAndTime(s.appearanceAt);
  const sent = kzDateAndTime(s.issuedAt).date;
  const kk = [
    'ШАҚЫРУ ҚАҒАЗЫ',
    `Аты-жөні: ${name}`,
    `Туған күні: ${s.birthDate}`,
    `Келу уақыты: ${at.date}, сағат ${at.time}`,
    `Келу орны: ${s.office}`,
    `Мақсаты: ${PURPOSE_KK[s.purpose]}`,
    `Берген орган: ${s.office}, ${sent}`,
    `Тексеру коды: ${s.code}`,
    'Дәлелді себеппен келе алмасаңыз, бұл туралы шақыру қағазын берген органға хабарлаңыз.',
  ];
  const ru = [
    'ПОВЕСТКА',
    `ФИО: ${name}`,
    `Дата рождения: ${s.birthDate}`,
    `Время явки: ${at.date}, ${at.time}`,
    `Место явки: ${s.office}`,
    `Цель: ${PURPOSE_RU[s.purpose]}`,
    `Выдана: ${s.office}, ${sent}`,
    `Код проверки: ${s.code}`,
    'Если вы не можете явиться по уважительной причине, сообщите об этом в орган, выдавший повестку.',
  ];
  const title = 'Шақыру қағазы / Повестка';
  const body = `${kk.join('\n')}\n\n${ru.join('\n')}`;
  return s.exercise ? { title: `${EXERCISE_MARK}: ${title}`, body: `${EXERCISE_MARK}\n${body}` } : { title, body };
}
