import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type Messages } from './en.ts';
import { kk } from './kk.ts';
import { ru } from './ru.ts';

export type Lang = 'kk' | 'ru' | 'en';
export const LANGS: readonly { code: Lang; name: string }[] = [
  { code: 'kk', name: 'Қазақша' },
  { code: 'ru', name: 'Русский' },
  { code: 'en', name: 'English' },
];
export type Key = keyof Messages;
type Params = Record<string, string | number>;

// Each language is a complete Messages object, so the compiler refuses a string missing from any of the three.
const DICTS: Record<Lang, Messages> = { en, ru, kk };
const LOCALE: Record<Lang, string> = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' };
const STORE = 'mobilize.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORE);
  if (saved === 'kk' || saved === 'ru' || saved === 'en') return saved;
  const nav = navigator.language.slice(0, 2);
  return nav === 'kk' || nav === 'ru' ? nav : 'en';
}

const fill = (s: string, p?: Params) => (p ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in p ? String(p[k]) : m)) : s);

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: Key, params?: Params): string;
  /** A value of a closed vocabulary ("legal.appeared"), or the value itself when the dictionary has no entry. */
  v(group: string, value: string | null | undefined): string;
  num(n: number): string;
  /** A date-time in Kazakhstan's one time zone (UTC+5), whatever the browser's zone. */
  dateTime(iso: string | Date): string;
  date(iso: string): string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(STORE, lang);
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang] as Record<string, string>;
    const kz = (iso: string | Date) => new Date(new Date(iso).getTime() + 5 * 3_600_000);
    const numbers = new Intl.NumberFormat(LOCALE[lang]);
    // Chromium's ICU spells kk-KZ medium dates as "2026 M11 27"; Kazakh documents write 27.11.2026, as Russian ones do.
    const style = lang === 'kk' ? LOCALE.ru : LOCALE[lang];
    const dt = new Intl.DateTimeFormat(style, { timeZone: 'UTC', dateStyle: lang === 'en' ? 'medium' : 'short', timeStyle: 'short' });
    const d = new Intl.DateTimeFormat(style, { timeZone: 'UTC', dateStyle: lang === 'en' ? 'medium' : 'short' });
    return {
      lang,
      setLang: setLangState,
      t: (key, params) => fill(dict[key] ?? key, params),
      v: (group, val) => (val === null || val === undefined || val === '' ? '—' : (dict[`${group}.${val}`] ?? val)),
      num: (n) => numbers.format(n),
      dateTime: (iso) => dt.format(kz(iso)),
      date: (iso) => d.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    };
  }, [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const c = useContext(Ctx);
  if (!c) throw new Error('useI18n outside I18nProvider');
  return c;
}

export function LanguageSwitcher() {
  const { lang, setLang, t } = useI18n();
  return (
    <select aria-label={t('app.language')} className="lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
      {LANGS.map((l) => (
        <option key={l.code} value={l.code}>
          {l.name}
        </option>
      ))}
    </select>
  );
}
