import type { Evaluation } from '../../../../src/modules/eligibility/index.ts';
import type { personHistory, PersonSearchResult } from '../../../../src/modules/registry/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server modules (type-only imports, erased from the bundle), so the two sides cannot drift.
export type { Evaluation, Explanation } from '../../../../src/modules/eligibility/index.ts';
export type SearchResult = PersonSearchResult;
export type HistoryEntry = Json<NonNullable<Awaited<ReturnType<typeof personHistory>>>[number]>;

export interface SearchQuery {
  q?: string;
  region?: string;
  district?: string;
  page?: number;
}

/** The registry row as stored (snake_case columns). */
export type Person = Record<string, unknown> & { iin: string; last_name: string; first_name: string; patronymic: string | null };

export interface Card {
  person: Person;
  history: HistoryEntry[];
  eligibility: { on: string; evaluations: Evaluation[]; notInEffect: string[] };
}

export const search = (q: SearchQuery) => api<SearchResult>('GET', '/api/persons', { query: { q: q.q, region: q.region, district: q.district, page: q.page } });
export const card = (iin: string) => api<Card>('GET', `/api/persons/${encodeURIComponent(iin)}/card`);
export const districts = (region: string) => api<{ districts: string[] }>('GET', `/api/regions/${encodeURIComponent(region)}/districts`);
