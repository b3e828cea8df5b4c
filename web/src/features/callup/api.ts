import type { z } from 'zod';
import type { CallupOrder, PlanSummary as ServerPlanSummary, StoredPlan } from '../../../../src/modules/callup/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server modules (type-only imports, erased from the bundle), so the two sides cannot drift.
export type PlanSummary = Json<ServerPlanSummary>;
export type Plan = Json<StoredPlan>;
/** The order as the API takes it: optional fields may be left out (their defaults apply). */
export type Order = z.input<typeof CallupOrder>;

export const PURPOSES = ['medical_examination', 'assessment', 'conscription_commission', 'dispatch_to_unit', 'assignment'] as const;

export const listPlans = () => api<{ plans: PlanSummary[] }>('GET', '/api/dashboard/plans');
export const createPlan = (order: Order) => api<{ id: number }>('POST', '/api/callup/plans', { body: { order } });
export const getPlan = (id: string) => api<Plan>('GET', `/api/callup/plans/${encodeURIComponent(id)}`);
export const planAction = (id: number, action: 'approve' | 'withdraw') => api<Plan>('POST', `/api/callup/plans/${id}/${action}`, { body: {} });
export const issuePlan = (id: number, appearanceAt: string, purpose: string) =>
  api<{ summonses: number; byChannel: Record<string, number> }>('POST', `/api/callup/plans/${id}/issue`, { body: { appearanceAt, purpose } });
