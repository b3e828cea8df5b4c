import type { AlertContent, AlertDetail, AlertSummary, CapStatus, FollowUpText, NewStatement } from '../../../../src/modules/alerts/index.ts';
import { api, type Json } from '../../lib/http.ts';

// Types come from the server module (type-only imports, erased from the bundle), so the two sides cannot drift.
export type Alert = Json<AlertDetail>;
export type Summary = Json<AlertSummary>;
export type Content = AlertContent;
export type Status = CapStatus;

/** CAP 1.2's vocabularies, in the schema's order. */
export const CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const RESPONSES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'None'] as const;
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export const STATUSES = ['Actual', 'Exercise', 'Test'] as const;

export const listAlerts = () => api<{ alerts: Summary[] }>('GET', '/api/alerts');
export const getAlert = (id: string) => api<Alert>('GET', `/api/alerts/${encodeURIComponent(id)}`);
export const composeAlert = (status: Status, content: Content) => api<Alert>('POST', '/api/alerts', { body: { status, content } });
export const followUp = (id: string, body: { kind: 'update'; content: Content } | { kind: 'cancel'; reason: string; text: FollowUpText } | { kind: 'all_clear'; text: FollowUpText }) =>
  api<Alert>('POST', `/api/alerts/${id}/messages`, { body });
export const alertStep = (id: string, step: 'approve' | 'publish' | 'discard', seen?: number) => api<unknown>('POST', `/api/alerts/${id}/${step}`, { body: step === 'discard' ? {} : seen !== undefined ? { seen } : {} });
export const issueStatement = (id: string, body: NewStatement) => api<unknown>('POST', `/api/alerts/${id}/statements`, { body });

/** "2026-11-23T18:00" typed in a datetime-local field, read as Kazakhstan time (UTC+5) whatever the browser's zone. */
export const kzInput = (local: string) => (local ? `${local.slice(0, 16)}:00+05:00` : undefined);
