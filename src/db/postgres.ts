import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyStatement, type ConnectionSource, type RawConnection } from './raw.ts';
import { parseDateArray } from './types.ts';

const overrides: Record<number, (v: string) => unknown> = {
  1082: (v) => v,
  20: (v) => Number(v),
  1182: (v) => parseDateArray(v),
};

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    overrides[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

function wrap(client: pg.PoolClient): RawConnection {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const res = await client.query(sql, params as unknown[]);
      return { rows: res.rows as R[], affected: res.rowCount ?? 0 };
    },
    async exec(sql) {
      await client.query(sql);
    },
    async copyCsv(table, columns, csv) {
      const stream = client.query(copyFrom(copyStatement(table, columns, 'STDIN')));
      await pipeline(Readable.from([csv]), stream);
    },
  };
}

export function openPostgres(url: string, max = 8): ConnectionSource {
  const pool = new pg.Pool({ connectionString: url, max, types: typeParsers });
  pool.on('error', () => {
    /* an idle client lost its server; the next acquire reconnects */
  });
  return {
    async acquire() {
      const client = await pool.connect();
      return { conn: wrap(client), release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
