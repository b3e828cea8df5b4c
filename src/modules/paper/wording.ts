import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';
import type { SummonsPurpose } from '../summons/index.ts';

/** Kazakh is the state language and Russian is used officially too, so a summons carries both unless told otherwise. */
export type PaperLang = 'kk' | 'ru' | 'both';
export const PAPER_LANGS: readonly PaperLang[] = ['kk', 'ru', 'both'];

export interface Bilingual {
  kk: string;
  ru: string;
}

/** Typed by the enum, so a purpose added to SummonsPurpose fails the typecheck here until it is translated. */
export const PURPOSE: Record<SummonsPurpose, Bilingual> = {
  medical_examination: { kk: 'медициналық куәландыру', ru: 'медицинское освидетельствование' },
  assessment: { kk: 'бағалау', ru: 'оценка' },
  conscription_commission: { kk: 'шақыру комиссиясы', ru: 'призывная комиссия' },
  dispatch_to_unit: { kk: 'әскери бөлімге жөнелту', ru: 'отправка в воинскую часть' },
  assignment: { kk: 'тағайындау', ru: 'назначение' },
};

export const W = {
  country: { kk: 'Қазақстан Республикасы', ru: 'Республика Казахстан' },
  title: { kk: 'ШАҚЫРУ ҚАҒАЗЫ', ru: 'ПОВЕСТКА' },
  number: { kk: 'Нөмірі', ru: 'Номер' },
  fullName: { kk: 'Тегі, аты, әкесінің аты', ru: 'Фамилия, имя, отчество' },
  birthDate: { kk: 'Туған күні', ru: 'Дата рождения' },
  address: { kk: 'Мекенжайы', ru: 'Адрес' },
  addressUnknown: { kk: 'мекенжайы белгісіз', ru: 'адрес неизвестен' },
  issuer: { kk: 'Шақыру қағазын берген орган', ru: 'Орган, выдавший повестку' },
  lma: { kk: 'Жергілікті әскери басқару органы', ru: 'Местный орган военного управления' },
  appearance: { kk: 'Келу күні мен уақыты', ru: 'Дата и время явки' },
  kzTime: { kk: 'Қазақстан уақыты бойынша', ru: 'по времени Казахстана' },
  place: { kk: 'Келу орны', ru: 'Место явки' },
  purpose: { kk: 'Мақсаты', ru: 'Цель' },
  sent: { kk: 'Жіберілген күні', ru: 'Дата отправки' },
  code: { kk: 'Тексеру коды', ru: 'Код проверки' },
  instructions: {
    kk: 'Өзіңізбен бірге жеке басыңызды куәландыратын құжатты және осы шақыру қағазын алып келіңіз. Дәлелді себеппен келе алмасаңыз, бұл туралы жергілікті әскери басқару органына хабарлаңыз. Дәлелді себепсіз келмеген жағдайда келуді қамтамасыз ету ішкі істер органдарына жүктеледі.',
    ru: 'При себе иметь документ, удостоверяющий личность, и настоящую повестку. Если вы не можете явиться по уважительной причине, сообщите об этом в местный орган военного управления. При неявке без уважительной причины обеспечение явки возлагается на органы внутренних дел.',
  },
  verify: {
    kk: 'Шақыру қағазының түпнұсқалығын QR-кодты сканерлеп немесе тексеру кодын мына мекенжайда енгізіп тексеріңіз:',
    ru: 'Подлинность повестки проверьте, отсканировав QR-код или введя код проверки по адресу:',
  },
  cut: { kk: 'қиып алу сызығы', ru: 'линия отреза' },
  stub: { kk: 'ШАҚЫРУ ҚАҒАЗЫНЫҢ ТҮБІРТЕГІ', ru: 'КОРЕШОК ПОВЕСТКИ' },
  stubNote: { kk: 'Толтырылып, жергілікті әскери басқару органына қайтарылады', ru: 'Заполняется и возвращается в местный орган военного управления' },
  received: { kk: 'Шақыру қағазын алдым', ru: 'Повестку получил(а)' },
  signature: { kk: 'қолы', ru: 'подпись' },
  date: { kk: 'күні', ru: 'дата' },
  time: { kk: 'уақыты', ru: 'время' },
  deliveredAt: { kk: 'Тапсырылған жері', ru: 'Место вручения' },
  places: {
    residence: { kk: 'тұрғылықты жері', ru: 'место жительства' },
    stay: { kk: 'болатын жері', ru: 'место пребывания' },
    work: { kk: 'жұмыс орны', ru: 'место работы' },
    lma: { kk: 'әскери басқару органы', ru: 'орган военного управления' },
  },
  refused: { kk: 'Шақыру қағазын алудан бас тартты', ru: 'От получения повестки отказался(-ась)' },
  refusalNote: {
    kk: 'Алудан бас тартқан адам тиісті түрде хабардар етілген болып саналады.',
    ru: 'Лицо, отказавшееся от получения повестки, считается надлежащим образом уведомлённым.',
  },
  deliverer: { kk: 'Тапсырған адамның аты-жөні, қолы', ru: 'Ф.И.О. и подпись вручившего' },
} satisfies Record<string, Bilingual | Record<string, Bilingual>>;

/** One string in the chosen language(s): Kazakh first, as the state language. */
export function say(l: Bilingual, lang: PaperLang, sep = ' / '): string {
  return lang === 'both' ? `${l.kk}${sep}${l.ru}` : l[lang];
}

/** The paragraphs of a text in the chosen language(s), Kazakh first. */
export function paragraphs(l: Bilingual, lang: PaperLang): string[] {
  return lang === 'both' ? [l.kk, l.ru] : [l[lang]];
}

function kzLocal(at: Date): string {
  return new Date(at.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString();
}

/** dd.mm.yyyy, as dates are written in Kazakhstan; an instant is taken on Kazakhstan's calendar. */
export function dmy(at: Date | string): string {
  const iso = typeof at === 'string' ? at : kzLocal(at);
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
}

/** "01.12.2026, 09:00 (Kazakhstan time, UTC+5)": the person reads the wall-clock time, the offset removes doubt. */
export function appearanceText(at: Date, lang: PaperLang): string {
  return `${dmy(at)}, ${kzLocal(at).slice(11, 16)} (${say(W.kzTime, lang)}, UTC+5)`;
}
