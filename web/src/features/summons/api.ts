import type { Funnel, FunnelCounts, FunnelSummons } from '../../../../src/modules/summons/index.ts';
import { api } from '../../lib/http.ts';

export const STAGES = ['issued', 'sent', 'delivered', 'dulyNotified', 'appeared'] as const satisfies readonly (keyof FunnelCounts)[];
export type Stage = (typeof STAGES)[number];

// Types come from the server modules (type-only imports, erased from the bundle), so the two sides cannot drift.
export type { Funnel, FunnelCounts, FunnelRow, FunnelSummons } from '../../../../src/modules/summons/index.ts';

export interface Area {
  plan?: string;
  region?: string;
  district?: string;
}

export const funnel = (a: Area) => api<Funnel>('GET', '/api/dashboard/funnel', { query: { ...a } });
export const funnelSummonses = (a: Area & { page?: number }) =>
  api<{ summonses: FunnelSummons[]; total: number; page: number; pageSize: number }>('GET', '/api/dashboard/funnel/summonses', { query: { ...a, ...(a.page ? { page: String(a.page) } : {}) } });
