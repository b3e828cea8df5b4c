import type { Db } from '../../db/client.ts';
import { visibleEnterprise, capacitiesOf, type CapacityLine, type Enterprise } from './enterprises.ts';
import { listTasks, type Task } from './tasks.ts';
import type { EconomyScope } from './vocab.ts';

/** One enterprise with its capacity lines and tasks (refused as unknown outside the scope). */
export async function showEnterprise(db: Db, bin: string, scope: EconomyScope): Promise<Enterprise & { capacities: CapacityLine[]; tasks: Task[] }> {
  const { e, capacities } = await db.transaction(async (tx) => ({ e: await visibleEnterprise(tx, bin, scope), capacities: await capacitiesOf(tx, bin) }));
  return { ...e, capacities, tasks: await listTasks(db, scope, { bin }) };
}
