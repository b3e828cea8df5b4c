import type { Tx } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import type { AreaScope } from '../access/index.ts';

/** Who acts, when, and the area they are confined to (null fields: not confined; see access areaOf). */
export interface TdContext {
  actor: string;
  clock: Clock;
  area: AreaScope;
}

export type Query = Pick<Tx, 'query'>;

/** Refuses a unit, shelter or plan outside the actor's area; a district officer works on their district's only. */
export function assertInArea(area: AreaScope, region: string, district: string | null, what: string): void {
  if (area.region && region !== area.region) throw new DomainError('ACCESS_OUT_OF_SCOPE', `${what} is in ${region}; you work in ${area.region}.`);
  if (area.district && district !== area.district) throw new DomainError('ACCESS_OUT_OF_SCOPE', `${what} is in district ${district ?? '(whole region)'}; you work in ${area.district}.`);
}

/** SQL condition on a row with region/district columns (aliased `alias`) for the rows within an area. */
export function areaSql(area: AreaScope, alias: string, params: unknown[]): string {
  const parts: string[] = [];
  if (area.region) parts.push(`${alias}.region = $${params.push(area.region)}`);
  if (area.district) parts.push(`${alias}.district = $${params.push(area.district)}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** A narrower area asked for (query parameters) within the actor's own; asking outside it is refused, not emptied. */
export function narrowArea(area: AreaScope, wanted: { region?: string | undefined; district?: string | undefined }): AreaScope {
  if (area.region && wanted.region && wanted.region !== area.region) throw new DomainError('ACCESS_OUT_OF_SCOPE', `you work in ${area.region} and may not see ${wanted.region}`);
  if (area.district && wanted.district && wanted.district !== area.district) throw new DomainError('ACCESS_OUT_OF_SCOPE', `you work in district ${area.district} and may not see ${wanted.district}`);
  return { region: area.region ?? wanted.region ?? null, district: area.district ?? wanted.district ?? null };
}

export function parseId(id: string | number, code: string, what: string): number {
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new DomainError(code, `"${id}" is not a ${what} number`);
  return n;
}

/** The database seen through the transaction's query shape, for reads shared by both. */
export function asQuery(db: { query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> }): Query {
  return { query: async <R>(sql: string, params?: readonly unknown[]) => ({ rows: await db.query<R>(sql, params), affected: 0 }) } as Query;
}

export async function assertRegion(q: Query, region: string): Promise<void> {
  const { rows } = await q.query('SELECT 1 FROM regions WHERE iso = $1', [region]);
  if (!rows.length) throw new DomainError('TD_BAD_INPUT', `region: no region ${region}`);
}
