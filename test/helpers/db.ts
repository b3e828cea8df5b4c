import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../src/db/client.ts';
import { loadReferenceData } from '../../src/modules/registry/index.ts';

/** True when the suite runs against a PostgreSQL server (DATABASE_URL set), false on embedded PGlite. */
export const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * A database of the test's own: a new database on the PostgreSQL server when DATABASE_URL is set (dropped by
 * `drop`), otherwise a PGlite data directory in a temp folder. `env` lets a child process (the CLI) use it.
 */
export interface TestDatabase {
  env: Record<string, string>;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `mobilize_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      open: () => openReady({ databaseUrl: url.toString() }),
      async drop() {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-test-'));
  const dataDir = join(dir, 'data');
  return {
    env: { MOBILIZE_DATA: dataDir, DATABASE_URL: '' },
    open: () => openReady({ dataDir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function openReady(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  const db = await openDb(opts);
  await loadReferenceData(db);
  return db;
}

/** A fresh database opened for the test; closing it also drops it. */
export async function freshDb(): Promise<Db> {
  const t = await createTestDatabase();
  const db = await t.open();
  const close = db.close.bind(db);
  return { ...db, close: async () => { await close(); await t.drop(); } };
}
