import { api } from '../../lib/http.ts';

export type PlanStatus = 'draft' | 'approved' | 'issued' | 'withdrawn';

export interface PlanSummary {
  id: number;
  orderId: string;
  version: number;
  title: string;
  exercise: boolean;
  createdAt: string;
  createdBy: string;
  status: PlanStatus;
  approvedBy: string | null;
  cells: { agency: string; quota: number; filled: number; shortfall: number }[];
}

export interface Quota {
  agency: string;
  specialty: string;
  region?: string;
  count: number;
}

/** The order as the API takes it (src/modules/callup/order.ts, CallupOrder). */
export interface Order {
  id: string;
  title: string;
  legal_basis: { document: string; article?: string };
  rule_set: string;
  reference_date: string;
  appearance: { from: string; to: string };
  territorial: boolean;
  priority?: string[];
  exercise?: boolean;
  agencies: Record<string, { name: string; region: string }>;
  quotas: Quota[];
}

export interface CellResult {
  index: number;
  agency: string;
  specialty: string;
  region: string | null;
  receivingRegion: string;
  quota: number;
  filled: number;
  shortfall: number;
  travelKm: number;
  reason: string | null;
}

export interface Plan {
  id: number;
  orderId: string;
  version: number;
  exercise: boolean;
  createdAt: string;
  createdBy: string;
  order: Order;
  report: { ruleSet: string; referenceDate: string; cells: CellResult[]; totals: { quota: number; filled: number; shortfall: number; travelKm: number } };
  log: { seq: number; at: string; actor: string; action: string; note: string | null }[];
  state: { status: PlanStatus; author: string; approvedBy: string | null };
}

export const PURPOSES = ['medical_examination', 'assessment', 'conscription_commission', 'dispatch_to_unit', 'assignment'] as const;

export const listPlans = () => api<{ plans: PlanSummary[] }>('GET', '/api/dashboard/plans');
export const createPlan = (order: Order) => api<{ id: number }>('POST', '/api/callup/plans', { body: { order } });
export const getPlan = (id: string) => api<Plan>('GET', `/api/callup/plans/${encodeURIComponent(id)}`);
export const planAction = (id: number, action: 'approve' | 'withdraw') => api<Plan>('POST', `/api/callup/plans/${id}/${action}`, { body: {} });
export const issuePlan = (id: number, appearanceAt: string, purpose: string) =>
  api<{ summonses: number; byChannel: Record<string, number> }>('POST', `/api/callup/plans/${id}/issue`, { body: { appearanceAt, purpose } });
