import { api } from '../../lib/http.ts';

export interface PersonHit {
  iin: string;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  sex: string;
  region: string;
  district: string | null;
  milCategory: string | null;
  specialty: string | null;
  hasMobile: boolean;
}
export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  persons: PersonHit[];
}
export interface SearchQuery {
  q?: string;
  region?: string;
  district?: string;
  page?: number;
}

export type Person = Record<string, unknown> & { iin: string; last_name: string; first_name: string; patronymic: string | null };

export interface Explanation {
  kind: 'test' | 'all' | 'any' | 'not';
  passed: boolean;
  text: string;
  label?: string;
  ref?: string;
  field?: string;
  value?: string | number | boolean | null;
  op?: string;
  threshold?: string | number | boolean | (string | number | boolean)[];
  param?: string;
  children?: Explanation[];
}
export interface Evaluation {
  ruleSet: { id: string; version: string; title: string; citation: { document: string; article: string } };
  on: string;
  eligible: boolean;
  explanation: Explanation;
}
export interface HistoryEntry {
  at: string;
  actor: string;
  source: string;
  kind: 'create' | 'update';
  changes: Record<string, [unknown, unknown]>;
}
export interface Card {
  person: Person;
  history: HistoryEntry[];
  eligibility: { on: string; evaluations: Evaluation[]; notInEffect: string[] };
}

export const search = (q: SearchQuery) => api<SearchResult>('GET', '/api/persons', { query: { q: q.q, region: q.region, district: q.district, page: q.page } });
export const card = (iin: string) => api<Card>('GET', `/api/persons/${encodeURIComponent(iin)}/card`);
export const districts = (region: string) => api<{ districts: string[] }>('GET', `/api/regions/${encodeURIComponent(region)}/districts`);
