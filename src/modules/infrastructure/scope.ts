import { DomainError } from '../../kernel/errors.ts';
import { areaOf, type StaffPrincipal } from '../access/index.ts';

/**
 * What part of the tier a member of staff may see: region and district officers their area, enterprise officers
 * the objects their own organisation operates; null fields mean "not confined by this".
 */
export interface InfraScope {
  region: string | null;
  district: string | null;
  operatorBin: string | null;
}

export const NATIONAL: InfraScope = Object.freeze({ region: null, district: null, operatorBin: null });

export function infraScope(p: StaffPrincipal): InfraScope {
  const area = areaOf(p);
  return { region: area.region, district: area.district, operatorBin: p.role === 'enterprise_officer' ? p.employerBin : null };
}

/** Who acts, when, and within what scope: every write and personal-data read carries one. */
export interface InfraContext {
  actor: string;
  at: Date;
  scope: InfraScope;
}

/** Refuses a write or read for a region outside the scope outright, so an officer is never silently given nothing. */
export function assertRegionInScope(scope: InfraScope, region: string): void {
  if (scope.region && scope.region !== region) {
    throw new DomainError('ACCESS_OUT_OF_SCOPE', `You work in ${scope.region} and may not act on ${region}.`, { region });
  }
}

/** SQL condition on an infrastructure_objects row aliased `alias`, its parameters appended to `params`. */
export function objectScopeSql(scope: InfraScope, alias: string, params: unknown[]): string {
  const parts: string[] = [];
  if (scope.region) parts.push(`${alias}.region = $${params.push(scope.region)}`);
  if (scope.district) parts.push(`${alias}.district = $${params.push(scope.district)}`);
  if (scope.operatorBin) parts.push(`${alias}.operator_bin = $${params.push(scope.operatorBin)}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** Incidents and cyber units are regional: a district or enterprise confinement has no part of them to show. */
export function regionalOnly(scope: InfraScope): void {
  if (scope.district || scope.operatorBin) throw new DomainError('ACCESS_DENIED', 'cyber units and incidents are kept per region; a district or enterprise scope does not reach them');
}

/** Kazakhstan wall-clock time with its offset (UTC+5 everywhere since 1 March 2024), for display and CSV. */
export function kzTime(at: Date): string {
  return `${new Date(at.getTime() + 5 * 3_600_000).toISOString().slice(0, 19)}+05:00`;
}
