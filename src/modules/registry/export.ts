import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { auditRead } from '../audit/index.ts';
import { CSV_HEADER, exportCsvLine } from './csv.ts';
import { PERSON_COLUMNS, type PersonRecord } from './person.ts';

export interface ExportOptions {
  /** Who reads the personal data, for the audit entry. */
  actor: string;
  clock: Clock;
  /** Where the file goes (a path, or "stdout"), recorded in the audit entry. */
  destination?: string;
  pageSize?: number;
}

/**
 * Writes the whole registry in the import CSV format, in IIN order, paging by key so memory stays flat. Free-text
 * cells that a spreadsheet would run as a formula are escaped (csv.ts escapeFormula; import undoes it exactly).
 *
 * A bulk read of personal data: one audit entry `registry.export` (actor, filter, how many persons) is committed
 * before the first row is written, so no data leaves unrecorded, even if the export stops half-way. The count is
 * of the registry when the export starts (it pages without one long transaction, which would hold PGlite).
 */
export async function exportPersons(db: Db, out: Writable, opts: ExportOptions): Promise<number> {
  const pageSize = opts.pageSize ?? 10_000;
  const [c] = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM persons');
  await auditRead(db, {
    at: opts.clock.now(),
    actor: opts.actor,
    action: 'registry.export',
    subject: 'persons',
    details: { persons: Number(c?.n ?? 0), filter: {}, destination: opts.destination ?? null, format: 'csv' },
  });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(CSV_HEADER);
  let after = '';
  let count = 0;
  for (;;) {
    const rows = (await db.kysely
      .selectFrom('persons')
      .select(PERSON_COLUMNS)
      .where('iin', '>', after)
      .orderBy('iin')
      .limit(pageSize)
      .execute()) as PersonRecord[];
    if (rows.length === 0) return count;
    let chunk = '';
    for (const r of rows) chunk += exportCsvLine(r);
    await write(chunk);
    count += rows.length;
    after = (rows[rows.length - 1] as PersonRecord).iin;
  }
}
