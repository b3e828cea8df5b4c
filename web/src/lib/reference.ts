import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from './http.ts';

export interface Named {
  en: string;
  kk: string;
  ru: string;
}
export interface Reference {
  today: string;
  regions: { iso: string; name: Named }[];
  specialties: { code: string; name: Named }[];
  ruleSets: { id: string; version: string; title: string; effective: { from: string; to?: string } }[];
}

let cached: Promise<Reference> | undefined;

/** Regions, specialties and rule sets with their names, loaded once per page load. */
export function useReference(): Reference | undefined {
  const [ref, setRef] = useState<Reference>();
  useEffect(() => {
    cached ??= api<Reference>('GET', '/api/reference');
    cached.then(setRef, () => (cached = undefined));
  }, []);
  return ref;
}

/** Region and specialty names in the current language, falling back to the code until the lists arrive. */
export function useNames(): { region(iso: string | null | undefined): string; specialty(code: string | null | undefined): string; ref: Reference | undefined } {
  const ref = useReference();
  const { lang } = useI18n();
  const name = (found: { name: Named } | undefined, code: string | null | undefined) => (code ? (found?.name[lang] ?? code) : '—');
  return {
    ref,
    region: (iso) => name(ref?.regions.find((r) => r.iso === iso), iso),
    specialty: (code) => name(ref?.specialties.find((s) => s.code === code), code),
  };
}
