import type { RawConnection } from './raw.ts';
import { migrations } from './migrations/index.ts';

const LOCK_KEY = 7_221_001; // any constant: serialises concurrent migrators on one server

export async function migrate(conn: RawConnection): Promise<string[]> {
  await conn.query('BEGIN');
  try {
    await conn.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await conn.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await conn.query<{ name: string }>('SELECT name FROM schema_migrations');
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await conn.exec(m.sql);
      await conn.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      applied.push(m.name);
    }
    await conn.query('COMMIT');
    return applied;
  } catch (e) {
    await conn.query('ROLLBACK');
    throw e;
  }
}
