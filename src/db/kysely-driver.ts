import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { ConnectionSource, RawConnection } from './raw.ts';

/**
 * One Kysely driver for both engines, over our RawConnection. Kysely 0.28 (the last line that runs on Node 20)
 * has no PGlite dialect, and sharing the driver keeps transactions and COPY on the same connection.
 */
class RawDatabaseConnection implements DatabaseConnection {
  constructor(readonly raw: RawConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, affected } = await this.raw.query<R>(query.sql, query.parameters);
    return { rows, numAffectedRows: BigInt(affected) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported; page with keyset queries instead');
  }
}

class RawDriver implements Driver {
  private readonly leases = new WeakMap<DatabaseConnection, () => void>();
  constructor(private readonly source: ConnectionSource) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const { conn, release } = await this.source.acquire();
    const c = new RawDatabaseConnection(conn);
    this.leases.set(c, release);
    return c;
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await (c as RawDatabaseConnection).raw.query('BEGIN');
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await (c as RawDatabaseConnection).raw.query('COMMIT');
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await (c as RawDatabaseConnection).raw.query('ROLLBACK');
  }
  async releaseConnection(c: DatabaseConnection): Promise<void> {
    this.leases.get(c)?.();
    this.leases.delete(c);
  }
  async destroy(): Promise<void> {}
}

export function kyselyOver<DB>(source: ConnectionSource): Kysely<DB> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new RawDriver(source),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<DB>({ dialect });
}

/** A source that always hands out the one connection already held (inside a transaction). */
export function pinnedSource(conn: RawConnection): ConnectionSource {
  return { acquire: async () => ({ conn, release: () => {} }), end: async () => {} };
}
