import type { Db } from '../db/client.ts';
import { DomainError } from '../kernel/errors.ts';
import type { StaffPrincipal } from '../modules/access/index.ts';
import { getPlan, type CallupOrder } from '../modules/callup/index.ts';

/**
 * A regional officer's call-up stays in their region: every quota names it and the order is territorial, so only
 * people registered there can be selected. Others with the permission act nationally.
 */
export function assertOrderInArea(p: StaffPrincipal, order: CallupOrder): void {
  if (p.role !== 'regional_officer') return;
  const outside = order.quotas.filter((q) => q.region !== p.region).map((q) => `${q.agency}/${q.specialty}${q.region ? `/${q.region}` : ''}`);
  if (!order.territorial || outside.length > 0) {
    throw new DomainError('ACCESS_OUT_OF_SCOPE', `${p.username} may plan call-ups in ${p.region} only: the order must be territorial and every quota must name ${p.region}${outside.length ? ` (not so: ${outside.join(', ')})` : ''}`);
  }
}

export async function assertPlanInArea(db: Db, p: StaffPrincipal, ref: string): Promise<void> {
  if (p.role === 'regional_officer') assertOrderInArea(p, (await getPlan(db, ref)).order);
}
