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
  // The four-tier readiness dashboard: counts per region only, for those who plan or run mobilization.
  'readiness.read': ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer'],
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
  // Territorial defence: district officers run their district's units; evacuation plans span districts, so drafting
  // and approving them is regional (the module checks the area). Member lists are personal data (audited reads).
  'td.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'td.members.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'td.write': ['national_coordinator', 'regional_officer', 'district_officer'],
  'td.approve': ['national_coordinator', 'regional_officer'],
  // Cyber / infrastructure: region and district officers see their area's objects, enterprise officers the objects
  // their organisation operates; cyber units (members' personal data) and incidents are kept per region, so only
  // national coordinators and regional officers reach them.
  'infra.objects.read': ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
  'infra.objects.write': ['national_coordinator', 'regional_officer'],
  'infra.cyber.read': ['national_coordinator', 'regional_officer'],
  'infra.cyber.write': ['national_coordinator', 'regional_officer'],
  'infra.incidents.read': ['national_coordinator', 'regional_officer'],
  'infra.incidents.write': ['national_coordinator', 'regional_officer'],
  // Economic tier. An enterprise officer sees and declares for their own enterprise only and answers its tasks; a
  // regional or district officer sees their region (the module applies the scope). Requisitions need a second
  // person to approve; the ledger (payments, returns, damage) is kept by coordinators and regional officers.
  'economy.read': ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
  'economy.enterprise.register': ['national_coordinator', 'regional_officer'],
  'economy.capacity.write': ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  'economy.task.assign': ['national_coordinator', 'regional_officer'],
  'economy.task.respond': ['enterprise_officer'],
  'economy.task.progress': ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  // Requisitions name citizen owners, and neither requisitions nor enterprises have a district: a district officer
  // would see owners across the whole region, so they are left out.
  'economy.requisition.read': ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  'economy.requisition.write': ['national_coordinator', 'regional_officer'],
  'economy.requisition.approve': ['national_coordinator', 'regional_officer'],
  'economy.ledger.write': ['national_coordinator', 'regional_officer'],
  // Civil tier: head counts are aggregates; lists name people and are confined to the reader's area. A regional
  // officer coordinates civil tasks for their own region; enterprises ask to reserve their own employees, an
  // officer (a second person) approves.
  'civil.personnel.count': ['national_coordinator', 'regional_officer', 'district_officer', 'agency_officer'],
  'civil.personnel.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'civil.task.read': ['national_coordinator', 'regional_officer', 'district_officer'],
  'civil.task.write': ['national_coordinator', 'regional_officer'],
  'civil.task.approve': ['national_coordinator', 'regional_officer'],
  'civil.reserve.read': ['national_coordinator', 'regional_officer', 'district_officer', 'enterprise_officer'],
  'civil.reserve.write': ['national_coordinator', 'regional_officer', 'enterprise_officer'],
  'civil.reserve.approve': ['national_coordinator', 'regional_officer'],
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
 * appended to `params`. Agency officers see the people assigned to their agency in a call-up plan (and not taken
 * out of it since); enterprise officers their own employees.
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
      // Someone taken out of the plan (reserved for essential civil work) is no longer the agency's to see.
      return `EXISTS (SELECT 1 FROM callup_assignments a JOIN callup_plans cp ON cp.id = a.plan_id
                       WHERE a.iin = ${alias}.iin AND (cp.report->'cells'->(a.cell)->>'agency') = $${params.push(p.agency)}
                         AND NOT EXISTS (SELECT 1 FROM callup_plan_removals r WHERE r.plan_id = a.plan_id AND r.iin = a.iin))`;
    default:
      return 'false';
  }
}
