import type { CitizenSummons } from '../../../../src/modules/summons/index.ts';
import { api } from '../../lib/http.ts';

export const REASONS = ['illness', 'death_of_close_relative_or_spouse', 'natural_disaster_or_other_circumstances', 'own_marriage_registration', 'outside_kazakhstan'] as const;

// The type comes from the server module (a type-only import, erased from the bundle), so the two sides cannot drift.
export type { CitizenSummons } from '../../../../src/modules/summons/index.ts';

export const requestCode = (iin: string) => api<{ status: string; expiresInSeconds: number }>('POST', '/api/citizen/code', { body: { iin } });
export const signIn = (iin: string, code: string) => api<{ token: string; expiresAt: string }>('POST', '/api/citizen/session', { body: { iin, code } });
export const mySummonses = (token: string) => api<CitizenSummons[]>('GET', '/api/citizen/summonses', { token });
export const acknowledge = (token: string, id: string) => api<{ legal: string }>('POST', `/api/citizen/summonses/${encodeURIComponent(id)}/acknowledge`, { token });
export const reportReason = (token: string, id: string, body: { reason: string; details?: string; marriageDate?: string }) =>
  api<{ legal: string; pendingReason: string | null }>('POST', `/api/citizen/summonses/${encodeURIComponent(id)}/reason`, { token, body });
