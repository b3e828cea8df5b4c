import type { Tx } from '../../db/client.ts';
import { PERSON_COLUMNS } from './person.ts';

const cols = PERSON_COLUMNS;
const list = (prefix: string) => cols.map((c) => `${prefix}${c}`).join(', ');
const newValues = `jsonb_build_object(${cols.map((c) => `'${c}', c.${c}`).join(', ')})`;

/**
 * Merges the staged rows into persons in one statement: new IINs are inserted, rows whose fields differ are
 * updated, identical rows are left alone (so re-importing a file changes nothing), and every insert or update
 * writes its history entry with the changed fields as {"field": [old, new]}.
 */
const MERGE_SQL = `
WITH changed AS (
  SELECT s.*, p.iin IS NULL AS is_new, to_jsonb(p) AS old
  FROM person_stage s LEFT JOIN persons p ON p.iin = s.iin
  WHERE p.iin IS NULL OR (${list('p.')}) IS DISTINCT FROM (${list('s.')})
), up AS (
  INSERT INTO persons (${list('')}, created_at, updated_at)
  SELECT ${list('')}, $1, $1 FROM changed
  ON CONFLICT (iin) DO UPDATE SET ${cols
    .filter((c) => c !== 'iin')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}, updated_at = EXCLUDED.updated_at
  RETURNING 1
), hist AS (
  INSERT INTO person_history (iin, at, actor, source, kind, changes)
  SELECT c.iin, $1, $2, $3, CASE WHEN c.is_new THEN 'create' ELSE 'update' END,
         CASE WHEN c.is_new THEN NULL ELSE jsonb_changes(c.old, ${newValues}) END
  FROM changed c
  RETURNING kind
)
SELECT count(*) FILTER (WHERE kind = 'create') AS inserted,
       count(*) FILTER (WHERE kind = 'update') AS updated,
       (SELECT count(*) FROM up) AS written
FROM hist`;

export async function ensureStage(tx: Tx): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS person_stage (LIKE persons INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
  );
}

export async function mergeStage(tx: Tx, at: Date, actor: string, source: string): Promise<{ inserted: number; updated: number }> {
  const { rows } = await tx.query<{ inserted: number; updated: number }>(MERGE_SQL, [at, actor, source]);
  const r = rows[0];
  return { inserted: Number(r?.inserted ?? 0), updated: Number(r?.updated ?? 0) };
}

export interface WriteMeta {
  at: Date;
  actor: string;
  source: string;
}

/** Upserts already validated records (stage by COPY, then merge) inside the caller's transaction. */
export async function upsertPersons(tx: Tx, copyCsv: string, meta: WriteMeta): Promise<{ inserted: number; updated: number }> {
  await ensureStage(tx);
  await tx.copyCsv('person_stage', PERSON_COLUMNS, copyCsv);
  const counts = await mergeStage(tx, meta.at, meta.actor, meta.source);
  await tx.query('TRUNCATE person_stage');
  return counts;
}
