import { userInfo } from 'node:os';
import { openDbFromConfig, type Db } from '../db/client.ts';
import { loadConfig, type Config } from '../kernel/config.ts';
import { loadReferenceData } from '../modules/registry/index.ts';

export interface CliContext {
  config: Config;
  db: Db;
  /** Who runs the command, for history and audit. */
  actor: string;
}

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDbFromConfig(config);
  try {
    await loadReferenceData(db);
    return await fn({ config, db, actor: `cli:${process.env.MOBILIZE_ACTOR || userInfo().username}` });
  } finally {
    await db.close();
  }
}
