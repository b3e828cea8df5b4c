import pg from 'pg';
import type { Db } from '../src/db/client.ts';
import { OneInFlight } from '../src/kernel/one-in-flight.ts';
import { PERSON_COLUMNS, copyCsvLine } from '../src/modules/registry/index.ts';
import { generatePersons } from '../src/modules/registry/synthetic.ts';

/** Creates a scratch database on the PostgreSQL server named by DATABASE_URL (or the local default). */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Writes a synthetic registry with plain COPY, one chunk in flight while the next is generated. */
export async function loadSyntheticRegistry(db: Db, opts: { count: number; seed: number; today: string }): Promise<void> {
  const writer = new OneInFlight();
  let lines: string[] = [];
  const flush = async () => {
    const csv = lines.join('\n') + '\n';
    lines = [];
    await writer.submit(() => db.transaction((tx) => tx.copyCsv('persons', PERSON_COLUMNS, csv)));
  };
  for (const p of generatePersons(opts)) {
    lines.push(copyCsvLine(p));
    if (lines.length === 50_000) await flush();
  }
  if (lines.length > 0) await flush();
  await writer.drain();
}
