import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../../db/client.ts';
import { CSV_HEADER, exportCsvLine } from './csv.ts';
import { PERSON_COLUMNS, type PersonRecord } from './person.ts';

/** Writes the whole registry in the import CSV format, in IIN order, paging by key so memory stays flat. */
export async function exportPersons(db: Db, out: Writable, pageSize = 10_000): Promise<number> {
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
