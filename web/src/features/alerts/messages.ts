import { useI18n, type Key } from '../../i18n/index.tsx';

/**
 * The alert screens' translator: their words are the app dictionaries' `alert.*` keys (CAP's vocabulary too, as
 * `alert.urgency.Immediate` and the like), so `a('headline')` reads `alert.headline` in the current language.
 */
export function useAlertText(): (key: string, params?: Record<string, string | number>) => string {
  const { t } = useI18n();
  return (key, params) => t(`alert.${key}` as Key, params);
}

/** The three languages' names, for the text sections of the composer. */
export const LANG_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' } as const;
