import type { Kysely } from 'kysely';
import type { Config } from '../kernel/config.ts';
import { kyselyOver, pinnedSource } from './kysely-driver.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { ConnectionSource, RawConnection } from './raw.ts';
import type { Database } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

/** A transaction: typed queries through kysely, raw SQL and COPY, all on one connection. */
export interface Tx extends RawConnection {
  readonly kysely: Kysely<Database>;
}

export interface Db {
  readonly engine: Engine;
  readonly kysely: Kysely<Database>;
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; when absent PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data directory; undefined keeps the database in memory. */
  readonly dataDir?: string | undefined;
  readonly poolSize?: number;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const engine: Engine = opts.databaseUrl ? 'postgres' : 'pglite';
  const source = opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize) : await openPglite(opts.dataDir);
  try {
    const { conn, release } = await source.acquire();
    try {
      await migrate(conn);
    } finally {
      release();
    }
  } catch (e) {
    await source.end();
    throw e;
  }
  return wrapSource(engine, source);
}

export function openDbFromConfig(config: Config): Promise<Db> {
  return openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

function wrapSource(engine: Engine, source: ConnectionSource): Db {
  const kysely = kyselyOver<Database>(source);
  return {
    engine,
    kysely,
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const { conn, release } = await source.acquire();
      try {
        return (await conn.query<R>(sql, params)).rows;
      } finally {
        release();
      }
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const { conn, release } = await source.acquire();
      try {
        await conn.query('BEGIN');
        try {
          const tx: Tx = {
            query: (sql, params) => conn.query(sql, params),
            exec: (sql) => conn.exec(sql),
            copyCsv: (table, columns, csv) => conn.copyCsv(table, columns, csv),
            kysely: kyselyOver<Database>(pinnedSource(conn)),
          };
          const result = await fn(tx);
          await conn.query('COMMIT');
          return result;
        } catch (e) {
          await conn.query('ROLLBACK').catch(() => {});
          throw e;
        }
      } finally {
        release();
      }
    },
    async close() {
      await source.end();
    },
  };
}
