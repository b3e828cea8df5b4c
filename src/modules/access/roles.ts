import { z } from 'zod';
import { DomainError } from '../../kernel/errors.ts';

export const Role = z.enum([
  'national_coordinator',
  'regional_officer',
  'district_officer',
  'agency_officer',
  'internal_affairs',
  'enterprise_officer',
  'auditor',
]);
export type Role = z.infer<typeof Role>;

/** A signed-in member of staff; the scope fields are those their role needs and no others. */
export interface StaffPrincipal {
  kind: 'staff';
  userId: number;
  username: string;
  role: Role;
  region: string | null;
  district: string | null;
  agency: string | null;
  employerBin: string | null;
}

/** A citizen signed in with a code sent to their phone: their own data only. */
export interface CitizenPrincipal {
  kind: 'citizen';
  iin: string;
}

export type Principal = StaffPrincipal | CitizenPrincipal;

/** The name written into history, audit and plan logs. */
export function actorName(p: Principal): string {
  return p.kind === 'staff' ? `user:${p.username}` : `citizen:${p.iin}`;
}

/**
 * Which roles may do what. `satisfies` makes the compiler insist on a row for every permission; the scope (which
 * people, which region) is applied on top by the data access, never by the route alone.
 */
export const PERMISSIONS = {
  'person.read': ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer', 'enterprise_officer'],
  'callup.plan.read': ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer'],
  'callup.plan.write': ['national_coordinator', 'regional_officer'],
  'callup.plan.approve': ['national_coordinator', 'regional_officer'],
  'summons.issue': ['national_coordinator', 'regional_officer'],
  'summons.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'summons.record': ['national_coordinator', 'regional_officer', 'district_officer'],
  'summons.dispatch.read': ['national_coordinator', 'regional_officer'],
  'summons.failures': ['national_coordinator', 'regional_officer', 'district_officer'],
  'referrals.read': ['national_coordinator', 'internal_affairs'],
  'audit.read': ['auditor'],
  'users.manage': ['national_coordinator'],
  // Public alerts: a regional officer composes and approves alerts for their own region only (the module checks the
  // area); statements rebutting false claims come from the national crisis communication unit.
  'alerts.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'alerts.compose': ['national_coordinator', 'regional_officer'],
  'alerts.approve': ['national_coordinator', 'regional_officer'],
  'alerts.statement': ['national_coordinator'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(p: Principal, permission: Permission): boolean {
  return p.kind === 'staff' && (PERMISSIONS[permission] as readonly Role[]).includes(p.role);
}

export function authorize(p: Principal, permission: Permission): StaffPrincipal {
  if (p.kind !== 'staff' || !can(p, permission)) {
    throw new DomainError('ACCESS_DENIED', `${p.kind === 'staff' ? `role ${p.role}` : 'a citizen'} may not ${permission}`, { permission });
  }
  return p;
}

/** The region/district a staff member's person data is confined to; null fields mean "not confined by this". */
export interface AreaScope {
  region: string | null;
  district: string | null;
}

export function areaOf(p: StaffPrincipal): AreaScope {
  if (p.role === 'regional_officer') return { region: p.region, district: null };
  if (p.role === 'district_officer') return { region: p.region, district: p.district };
  return { region: null, district: null };
}

/**
 * Narrows a requested region/district to the principal's area. Asking for another area is refused outright, so an
 * officer never receives an empty answer that looks like "nobody there".
 */
export function withinArea(p: StaffPrincipal, wanted: { region?: string; district?: string }): { region?: string; district?: string } {
  const area = areaOf(p);
  if (area.region && wanted.region && wanted.region !== area.region) {
    throw new DomainError('ACCESS_OUT_OF_SCOPE', `${p.username} works in ${area.region} and may not see ${wanted.region}`);
  }
  if (area.district && wanted.district && wanted.district !== area.district) {
    throw new DomainError('ACCESS_OUT_OF_SCOPE', `${p.username} works in district ${area.district} and may not see ${wanted.district}`);
  }
  const region = area.region ?? wanted.region;
  const district = area.district ?? wanted.district;
  return { ...(region ? { region } : {}), ...(district ? { district } : {}) };
}

/**
 * SQL condition (on a `persons` row aliased `alias`) for the people a principal may see, with its parameters
 * appended to `params`. Agency officers see the people assigned to their agency in a call-up plan; enterprise
 * officers their own employees.
 */
export function personScopeSql(p: Principal, alias: string, params: unknown[]): string {
  if (p.kind === 'citizen') return `${alias}.iin = $${params.push(p.iin)}`;
  switch (p.role) {
    case 'national_coordinator':
      return 'true';
    case 'regional_officer':
      return `${alias}.region = $${params.push(p.region)}`;
    case 'district_officer':
      return `(${alias}.region = $${params.push(p.region)} AND ${alias}.district = $${params.push(p.district)})`;
    case 'enterprise_officer':
      return `${alias}.employer_bin = $${params.push(p.employerBin)}`;
    case 'agency_officer':
      return `EXISTS (SELECT 1 FROM callup_assignments a JOIN callup_plans cp ON cp.id = a.plan_id
                       WHERE a.iin = ${alias}.iin AND (cp.report->'cells'->(a.cell)->>'agency') = $${params.push(p.agency)})`;
    default:
      return 'false';
  }
}
