import type { AlertContent, CapStatus } from '../../src/modules/alerts/index.ts';

/** A flood warning for the given regions, in Kazakh, Russian and English, with +05:00 times (as a client sends them). */
export function floodContent(regions: string[] = ['KZ-75'], over: Partial<AlertContent> = {}): AlertContent {
  return {
    category: ['Met', 'Safety'],
    responseType: ['Evacuate', 'Monitor'],
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    onset: '2026-11-23T12:00:00+05:00',
    expires: '2026-11-25T12:00:00+05:00',
    regions,
    info: {
      kk: { event: 'Су тасқыны', headline: 'Су тасқыны қаупі: өзен жағалауынан кетіңіз', description: 'Өзендегі су деңгейі көтерілуде.', instruction: 'Биік жерге көтеріліңіз, 112 нөміріне хабарласыңыз.' },
      ru: { event: 'Паводок', headline: 'Угроза паводка: покиньте берег реки', description: 'Уровень воды в реке растёт.', instruction: 'Поднимитесь на возвышенность, звоните 112.' },
      en: { event: 'Flood', headline: 'Flood threat: leave the riverbank', description: 'The river level is rising.', instruction: 'Move to higher ground, call 112.' },
    },
    contact: '112',
    ...over,
  };
}

export const newAlert = (status: CapStatus = 'Actual', regions: string[] = ['KZ-75'], over: Partial<AlertContent> = {}) => ({ status, content: floodContent(regions, over) });

export const cancelText = {
  kk: { headline: 'Су тасқыны туралы хабарлама қате жіберілді', description: 'Алдыңғы хабарлама жойылды.' },
  ru: { headline: 'Сообщение о паводке отправлено ошибочно', description: 'Предыдущее сообщение отменено.' },
  en: { headline: 'The flood message was sent in error', description: 'The previous message is cancelled.' },
};

export const allClearText = {
  kk: { headline: 'Су тасқыны қаупі өтті', description: 'Су деңгейі қалыпқа келді.', instruction: 'Үйлеріңізге оралуға болады.' },
  ru: { headline: 'Угроза паводка миновала', description: 'Уровень воды нормализовался.', instruction: 'Можно возвращаться домой.' },
  en: { headline: 'The flood threat is over', description: 'The water level is back to normal.', instruction: 'You may return home.' },
};
