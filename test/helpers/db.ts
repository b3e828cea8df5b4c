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

/**
 * Runs `racers` while a third transaction holds the lock `lockSql` takes, and lets go only once both racers are
 * waiting on it (PostgreSQL only: PGlite runs one transaction at a time), so a race happens the same way every run.
 */
export async function raceOnLock<T>(db: Db, lockSql: string, params: unknown[], racers: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  let held = () => {};
  const isHeld = new Promise<void>((r) => (held = r));
  const holder = db.transaction(async (tx) => {
    await tx.query(lockSql, params);
    held();
    await gate;
  });
  await isHeld;
  const results = Promise.allSettled(racers());
  let reached = false;
  try {
    for (let waited = 0; waited <= 10_000; waited += 20) {
      const [w] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((reached = Number(w?.n) >= 2)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    release();
    await holder;
  }
  if (!reached) {
    await results;
    throw new Error('the racers never both waited on the lock');
  }
  return results;
}

/**
 * A real refusal from the database: once `on()`, writes (`event`) to the named tables raise an error from a statement
 * trigger, as a full disk or a lost connection would fail them; `off()` lets them through again.
 */
export async function outageSwitch(db: Db, tables: readonly string[], event: 'INSERT' | 'UPDATE' = 'INSERT'): Promise<{ on(): Promise<void>; off(): Promise<void> }> {
  await db.transaction((tx) =>
    tx.exec(`CREATE TABLE IF NOT EXISTS test_outage (tbl text PRIMARY KEY);
      CREATE OR REPLACE FUNCTION test_outage_check() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_outage WHERE tbl = TG_TABLE_NAME) THEN RAISE EXCEPTION 'test outage: % refuses writes', TG_TABLE_NAME; END IF;
        RETURN NULL;
      END $$;`),
  );
  for (const t of tables) {
    await db.transaction((tx) => tx.exec(`DROP TRIGGER IF EXISTS test_outage ON ${t}; CREATE TRIGGER test_outage BEFORE ${event} ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION test_outage_check();`));
  }
  return {
    on: async () => void (await db.query('INSERT INTO test_outage SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [tables])),
    off: async () => void (await db.query('DELETE FROM test_outage')),
  };
}
