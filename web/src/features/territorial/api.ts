import type { EvacuationPlan, FillProposal, Protection, TierReadiness, Unit, UnprotectedObject } from '../../../../src/modules/territorial/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server module (type-only imports, erased from the bundle), so the two sides cannot drift.
export type TdUnit = Json<Unit>;
export type TdPlan = Json<EvacuationPlan>;
export type TdFill = Json<FillProposal>;

export const listUnits = (region?: string) => api<{ units: TdUnit[] }>('GET', '/api/td/units', { query: { region } });
export const proposeFill = (id: number, apply: boolean) => api<TdFill>('POST', `/api/td/units/${id}/fill`, { body: { apply } });
export const getProtection = (region?: string) => api<{ assignments: Json<Protection>[]; unprotected: Json<UnprotectedObject>[] }>('GET', '/api/td/protection', { query: { region } });
export const endProtection = (id: number, reason: string) => api<Json<Protection>>('POST', `/api/td/protection/${id}/end`, { body: { reason } });
export const listPlans = () => api<{ plans: TdPlan[] }>('GET', '/api/td/evacuation-plans');
export const draftPlan = (body: { name: string; region: string; fromDistricts: string[]; toDistricts: string[]; windowHours: number }) => api<TdPlan>('POST', '/api/td/evacuation-plans', { body });
export const approvePlan = (id: number, acceptShortfall?: string) => api<TdPlan>('POST', `/api/td/evacuation-plans/${id}/approve`, { body: acceptShortfall ? { acceptShortfall } : {} });
export const readiness = () => api<{ regions: Json<TierReadiness>[] }>('GET', '/api/td/readiness');

/** "KZ-71-D01, KZ-71-D02" typed in a field → the list of codes. */
export const codes = (s: string) => s.split(/[\s,;]+/).map((x) => x.trim().toUpperCase()).filter(Boolean);
