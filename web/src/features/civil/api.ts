import type { CivilTask, NewCivilTask, PersonnelCount, Reservation, TaskSummary } from '../../../../src/modules/civil/index.ts';
import { api, type Json } from '../../lib/http.ts';

export const SECTORS = ['health', 'logistics', 'communications', 'energy', 'cyber'] as const;
export const personnelBySectorRegion = () => api<{ rows: PersonnelCount[]; total: number }>('GET', '/api/civil/personnel/counts', { query: { by: 'sector,region' } });
export const listTasks = () => api<{ tasks: Json<TaskSummary>[] }>('GET', '/api/civil/tasks');
export const listReservations = () => api<{ reservations: Json<Reservation>[] }>('GET', '/api/civil/reservations');

export type Task = Json<CivilTask>;
export const getTask = (id: string) => api<Task>('GET', `/api/civil/tasks/${encodeURIComponent(id)}`);
export const createTask = (body: NewCivilTask) => api<Task>('POST', '/api/civil/tasks', { body });
export const taskStep = (id: string, step: 'plan' | 'approve' | 'withdraw') => api<Task>('POST', `/api/civil/tasks/${encodeURIComponent(id)}/${step}`, { body: {} });
export const approveReservations = (ids: number[]) => api<unknown>('POST', '/api/civil/reservations/approve', { body: { ids } });
