import type { Tx } from '../../db/client.ts';
import type { SummonsAction } from './actions.ts';

/** The action logs of many summonses in one query, each in ledger order, keyed by summons id. */
export async function summonsLogs(tx: Tx, ids: readonly (string | number)[]): Promise<Map<string, SummonsAction[]>> {
  const { rows } = await tx.query<{ summons_id: string | number; action: SummonsAction }>(
    'SELECT summons_id, action FROM summons_ledger WHERE summons_id = ANY($1) ORDER BY summons_id, seq',
    [ids.map(Number)],
  );
  const logs = new Map<string, SummonsAction[]>();
  for (const r of rows) {
    const k = String(r.summons_id);
    const log = logs.get(k);
    if (log) log.push(r.action);
    else logs.set(k, [r.action]);
  }
  return logs;
}
