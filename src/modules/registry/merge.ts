import type { Tx } from '../../db/client.ts';
import { csvField } from './csv.ts';
import { PERSON_COLUMNS } from './person.ts';

const cols = PERSON_COLUMNS;
const list = (prefix: string) => cols.map((c) => `${prefix}${c}`).join(', ');
const newValues = `jsonb_build_object(${cols.map((c) => `'${c}', c.${c}`).join(', ')})`;
const CREATED = ['created_at', 'created_by', 'created_via', 'updated_at'] as const;

/**
 * Merges staged rows into persons in one statement: new IINs are inserted, rows whose fields differ are
 * updated with a history entry holding the changed fields as {"field": [old, new]}, identical rows are left
 * alone (so re-importing a file changes nothing).
 */
const MERGE_SQL = `
WITH changed AS (
  SELECT s.*, p.iin IS NULL AS is_new, to_jsonb(p) AS old
  FROM person_stage s LEFT JOIN persons p ON p.iin = s.iin
  WHERE p.iin IS NULL OR (${list('p.')}) IS DISTINCT FROM (${list('s.')})
), up AS (
  INSERT INTO persons (${list('')}, ${CREATED.join(', ')})
  SELECT ${list('')}, $1, $2, $3, $1 FROM changed
  ON CONFLICT (iin) DO UPDATE SET ${cols
    .filter((c) => c !== 'iin')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}, updated_at = EXCLUDED.updated_at
  RETURNING 1
), hist AS (
  INSERT INTO person_history (iin, at, actor, source, changes)
  SELECT c.iin, $1, $2, $3, jsonb_changes(c.old, ${newValues})
  FROM changed c WHERE NOT c.is_new
  RETURNING 1
)
SELECT (SELECT count(*) FROM changed WHERE is_new) AS inserted, (SELECT count(*) FROM hist) AS updated,
       (SELECT count(*) FROM up) AS written`;

export interface WriteMeta {
  at: Date;
  actor: string;
  source: string;
}

/** A person validated by parsePerson, as one row of COPY csv input without its line end (see copyCsvLine). */
export interface StagedRow {
  iin: string;
  csv: string;
}

/** The persons columns the bulk path loads: the record and its creation stamp. */
export const BULK_COLUMNS: readonly string[] = [...cols, ...CREATED];

/** COPY csv input for BULK_COLUMNS, as the bulk path sends it (the bench times the database on exactly this). */
export function bulkInsertCsv(rows: readonly StagedRow[], meta: WriteMeta): string {
  const stamp = meta.at.toISOString();
  const suffix = `,${stamp},${csvField(meta.actor)},${csvField(meta.source)},${stamp}\n`;
  return rows.map((r) => r.csv).join(suffix) + suffix;
}

async function mergeThroughStage(tx: Tx, rows: readonly StagedRow[], meta: WriteMeta) {
  await tx.query('CREATE TEMP TABLE IF NOT EXISTS person_stage (LIKE persons INCLUDING DEFAULTS) ON COMMIT DROP');
  await tx.copyCsv('person_stage', cols, rows.map((r) => r.csv).join('\n') + '\n');
  const { rows: res } = await tx.query<{ inserted: number; updated: number }>(MERGE_SQL, [meta.at, meta.actor, meta.source]);
  await tx.query('DROP TABLE person_stage');
  return { inserted: Number(res[0]?.inserted ?? 0), updated: Number(res[0]?.updated ?? 0) };
}

/**
 * Upserts validated rows inside the caller's transaction. The batch is first loaded with COPY straight into
 * persons, the bulk path of a first import; if any IIN is already there the COPY fails on the key, is rolled back
 * to its savepoint, and the batch goes through the staged merge instead (inserts, updates with history, and
 * unchanged rows left alone).
 */
export async function upsertPersons(tx: Tx, rows: readonly StagedRow[], meta: WriteMeta): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  await tx.query('SAVEPOINT bulk_insert');
  try {
    await tx.copyCsv('persons', BULK_COLUMNS, bulkInsertCsv(rows, meta));
    await tx.query('RELEASE SAVEPOINT bulk_insert');
    return { inserted: rows.length, updated: 0 };
  } catch (e) {
    if ((e as { code?: string }).code !== '23505') throw e;
    await tx.query('ROLLBACK TO SAVEPOINT bulk_insert');
  }
  return mergeThroughStage(tx, rows, meta);
}
