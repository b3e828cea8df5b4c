import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { DomainError } from '../kernel/errors.ts';
import { Mutex } from './mutex.ts';
import { copyStatement, type ConnectionSource, type RawConnection } from './raw.ts';
import { parseDateArray } from './types.ts';

const parsers = {
  [types.DATE]: (v: string) => v,
  [types.INT8]: (v: string) => Number(v),
  1182: (v: string) => parseDateArray(v),
};

/**
 * PGlite is one process's private database: a second process opening the same directory would corrupt it.
 * A lock file beside the data directory says who holds it; a lock left by a dead process (kill -9) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockPath, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DomainError(
          'DB_IN_USE',
          `The embedded database ${dataDir} is in use by process ${holder}. Stop that process, or point DATABASE_URL at a PostgreSQL server to share one database.`,
          { pid: holder },
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DomainError('DB_IN_USE', `Could not lock the embedded database ${dataDir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** dataDir undefined = in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<ConnectionSource> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let pg: PGlite;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    pg = await PGlite.create(dataDir ? { dataDir, parsers } : { parsers });
  } catch (e) {
    unlock();
    throw e;
  }
  // PGlite runs on this thread and its queries hand nothing back to timers or sockets while they run: one turn of
  // the event loop before each lets SMPP answers and HTTP requests through between the queries of a busy transaction.
  const turn = () => new Promise<void>((r) => setImmediate(r));
  const conn: RawConnection = {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      await turn();
      const res = await pg.query<R>(sql, params as unknown[]);
      return { rows: res.rows, affected: res.affectedRows ?? 0 };
    },
    async exec(sql) {
      await pg.exec(sql);
    },
    async copyCsv(table, columns, csv) {
      await pg.query(copyStatement(table, columns, `'/dev/blob'`), [], { blob: new Blob([csv]) });
    },
  };
  const mutex = new Mutex();
  return {
    async acquire() {
      const release = await mutex.lock();
      return { conn, release };
    },
    async end() {
      const release = await mutex.lock();
      try {
        await pg.close();
      } finally {
        unlock();
        release();
      }
    },
  };
}
