import { api } from '../../lib/http.ts';

export const STAGES = ['issued', 'sent', 'delivered', 'dulyNotified', 'appeared'] as const;
export type Stage = (typeof STAGES)[number];

export interface FunnelCounts extends Record<Stage, number> {
  excused: number;
  referred: number;
  reasonPending: number;
}
export interface FunnelRow extends FunnelCounts {
  region: string;
  district: string | null;
}
export interface Funnel {
  totals: FunnelCounts;
  areas: FunnelRow[];
}
export interface FunnelSummons {
  id: string;
  iin: string;
  name: string;
  region: string;
  district: string | null;
  channels: string[];
  appearanceAt: string;
  legal: string;
  reasonPending: string | null;
  sent: boolean;
  delivered: boolean;
  dulyNotified: boolean;
  appeared: boolean;
}
export interface Area {
  plan?: string;
  region?: string;
  district?: string;
}

export const funnel = (a: Area) => api<Funnel>('GET', '/api/dashboard/funnel', { query: { ...a } });
export const funnelSummonses = (a: Area) => api<{ summonses: FunnelSummons[]; truncated: boolean }>('GET', '/api/dashboard/funnel/summonses', { query: { ...a } });
