import type { CyberUnit, Incident, IncidentEntryView, InfrastructureObject, UnitMember } from '../../../../src/modules/infrastructure/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server module (type-only imports, erased from the bundle), so the two sides cannot drift.
export type InfraObject = Json<InfrastructureObject>;
export type Unit = Json<CyberUnit>;
export type Member = Json<UnitMember>;
export type IncidentRow = Incident;
export type Entry = IncidentEntryView;

export const OBJECT_KINDS = ['energy', 'pipeline', 'telecom', 'transport', 'water', 'other'] as const;
export const INCIDENT_KINDS = ['cyber', 'physical', 'outage'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const STATUSES = ['open', 'contained', 'resolved'] as const;

export const listObjects = (q: { region?: string; kind?: string }) => api<{ objects: InfraObject[] }>('GET', '/api/infra/objects', { query: q });
export const listUnits = () => api<{ units: Unit[] }>('GET', '/api/infra/cyber-units');
export const showUnit = (id: number) => api<{ unit: Unit; members: Member[] }>('GET', `/api/infra/cyber-units/${id}`);
export const removeMember = (id: number, iin: string, reason: string) => api<Unit>('POST', `/api/infra/cyber-units/${id}/members/${iin}/remove`, { body: { reason } });
export const listIncidents = (q: { region?: string; status?: string }) => api<{ incidents: IncidentRow[] }>('GET', '/api/infra/incidents', { query: q });
export const showIncident = (id: number) => api<{ incident: IncidentRow; timeline: Entry[] }>('GET', `/api/infra/incidents/${id}`);
export const openIncident = (body: { objectId: number; kind: string; severity: string; title: string; reportedAt: string }) => api<IncidentRow>('POST', '/api/infra/incidents', { body });
export const addEntry = (id: number, body: { kind: 'note' | 'contain' | 'resolve'; note?: string }) => api<IncidentRow>('POST', `/api/infra/incidents/${id}/entries`, { body });
