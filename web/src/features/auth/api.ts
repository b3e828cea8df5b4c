import { api } from '../../lib/http.ts';

export type Role = 'national_coordinator' | 'regional_officer' | 'district_officer' | 'agency_officer' | 'internal_affairs' | 'enterprise_officer' | 'auditor';

export interface StaffUser {
  kind: 'staff';
  username: string;
  role: Role;
  region: string | null;
  district: string | null;
  agency: string | null;
}

export const signIn = (username: string, password: string) => api<{ user: StaffUser }>('POST', '/api/session', { body: { username, password } });
export const signOut = () => api<void>('DELETE', '/api/session');
export const me = () => api<StaffUser>('GET', '/api/me');

/** What each screen needs (the server checks every call again; this only hides what would be refused). */
export const CAN = {
  dashboard: ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer'],
  registry: ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer', 'enterprise_officer'],
  callup: ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer'],
  callupWrite: ['national_coordinator', 'regional_officer'],
  summonses: ['national_coordinator', 'regional_officer', 'district_officer'],
  alerts: ['national_coordinator', 'regional_officer', 'district_officer'],
  alertsCompose: ['national_coordinator', 'regional_officer'],
  alertsApprove: ['national_coordinator', 'regional_officer'],
  alertsStatement: ['national_coordinator'],
  td: ['national_coordinator', 'regional_officer', 'district_officer'],
  tdWrite: ['national_coordinator', 'regional_officer', 'district_officer'],
  tdApprove: ['national_coordinator', 'regional_officer'],
  infra: ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
  infraCyber: ['national_coordinator', 'regional_officer'],
  infraCyberWrite: ['national_coordinator', 'regional_officer'],
  infraIncidents: ['national_coordinator', 'regional_officer'],
  infraIncidentsWrite: ['national_coordinator', 'regional_officer'],
  economy: ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
  economyCapacity: ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  economyAssign: ['national_coordinator', 'regional_officer'],
  economyRespond: ['enterprise_officer'],
  economyProgress: ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  economyRequisition: ['national_coordinator', 'regional_officer'],
  economyRequisitionRead: ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  civil: ['national_coordinator', 'regional_officer', 'district_officer'],
  civilWrite: ['national_coordinator', 'regional_officer'],
  civilApprove: ['national_coordinator', 'regional_officer'],
  civilReservations: ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
} as const satisfies Record<string, readonly Role[]>;

export const can = (u: StaffUser, what: keyof typeof CAN) => (CAN[what] as readonly Role[]).includes(u.role);
