import type { Db, Tx } from '../../db/client.ts';

/**
 * Rows of a query on the pool or inside a transaction (the two answer in different shapes), so a lookup can take
 * part in the caller's transaction when it has one.
 */
export async function rowsOf<R = Record<string, unknown>>(q: Db | Tx, sql: string, params: readonly unknown[] = []): Promise<R[]> {
  return 'transaction' in q ? q.query<R>(sql, params) : (await q.query<R>(sql, params)).rows;
}
