import type { CapacityLine, CompensationTotals, EnterpriseSummary, Requisition, RequisitionSummary, Task, TierReadiness } from '../../../../src/modules/economy/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server module (type-only imports, erased from the bundle), so the two sides cannot drift.
export type Enterprise = Json<EnterpriseSummary>;
export type EnterpriseDetail = { bin: string; name: string; region: string | null; sector: string | null; capacities: Json<CapacityLine>[]; tasks: Json<Task>[] };
export type EconomyTask = Json<Task>;
export type RequisitionDetail = Json<Requisition>;
export type RequisitionRow = Json<RequisitionSummary>;

export const KINDS = ['vehicles', 'fuel', 'production', 'buildings'] as const;
export const UNITS = { vehicles: 'units', fuel: 't/day', production: 'units/day', buildings: 'm2' } as const;

export const listEnterprises = () => api<{ enterprises: Enterprise[] }>('GET', '/api/economy/enterprises');
export const getEnterprise = (bin: string) => api<EnterpriseDetail>('GET', `/api/economy/enterprises/${encodeURIComponent(bin)}`);
export const setCapacity = (body: { bin: string; kind: string; subtype: string; quantity: number; region: string; places?: number; location?: string }) => api<unknown>('POST', '/api/economy/capacities', { body });
export const importCapacities = (csv: string) => api<{ lines: number; enterprises: number }>('POST', '/api/economy/capacities/import', { body: { csv } });
export const listTasks = () => api<{ tasks: EconomyTask[] }>('GET', '/api/economy/tasks');
export const assignTask = (body: { bin: string; kind: string; subtype: string; quantity: number; destination: string; dueDate: string; note?: string }) => api<EconomyTask>('POST', '/api/economy/tasks', { body });
export const taskStep = (id: string, step: 'accept' | 'decline' | 'progress', body: { quantity?: number; note?: string } = {}) => api<EconomyTask>('POST', `/api/economy/tasks/${id}/${step}`, { body });
export const listRequisitions = () => api<{ requisitions: RequisitionRow[] }>('GET', '/api/economy/requisitions');
export const getRequisition = (id: string) => api<RequisitionDetail>('GET', `/api/economy/requisitions/${encodeURIComponent(id)}`);
export const draftRequisition = (body: unknown) => api<RequisitionDetail>('POST', '/api/economy/requisitions', { body });
export const decide = (id: string, decision: 'approve' | 'reject') => api<RequisitionDetail>('POST', `/api/economy/requisitions/${id}/${decision}`, { body: {} });
export const ledgerEntry = (id: string, body: { kind: 'paid'; amountTiyn: number; note?: string } | { kind: 'returned'; on?: string } | { kind: 'damage'; amountTiyn: number; note: string }) =>
  api<RequisitionDetail>('POST', `/api/economy/requisitions/${id}/ledger`, { body });
export const compensation = () => api<{ totals: Json<CompensationTotals>[] }>('GET', '/api/economy/compensation', { query: { by: 'region' } });
export const readiness = () => api<{ regions: TierReadiness[] }>('GET', '/api/economy/readiness');

/** "1 500 000,50" tenge typed by a person, as integer tiyn read from the digits; null when it is not an amount. */
export function tiynOf(text: string): number | null {
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0_]/g, ''));
  if (!m) return null;
  const tiyn = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(tiyn) ? tiyn : null;
}

/** Tiyn shown as tenge with the language's grouping, from integers only. */
export function formatTenge(tiyn: number, num: (n: number) => string): string {
  const neg = tiyn < 0;
  const a = Math.abs(tiyn);
  return `${neg ? '−' : ''}${num(Math.floor(a / 100))}.${String(a % 100).padStart(2, '0')} ₸`;
}
