import type { Db } from '../../src/db/client.ts';
import { compileSelection, type RuleSet } from '../../src/modules/eligibility/index.ts';
import { PERSON_COLUMNS, copyCsvLine, makeIin, type PersonRecord } from '../../src/modules/registry/index.ts';
import { person } from './persons.ts';

/** Writes persons with COPY (tests that need many rows fast; no history or audit). */
export async function insertPersons(db: Db, persons: Iterable<PersonRecord>): Promise<void> {
  let lines: string[] = [];
  const flush = async () => {
    const csv = lines.join('\n') + '\n';
    lines = [];
    await db.transaction((tx) => tx.copyCsv('persons', PERSON_COLUMNS, csv));
  };
  for (const p of persons) {
    const line = copyCsvLine(p);
    lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
    if (lines.length === 10_000) await flush();
  }
  if (lines.length > 0) await flush();
}

/** A test person with an IIN of its own (serial n) whatever birth date and sex the overrides give. */
export function subject(n: number, over: Partial<PersonRecord>): PersonRecord {
  const base = person(n, over);
  let iin: string | null = null;
  for (let serial = n * 10; iin === null; serial++) iin = makeIin(base.birth_date, base.sex, serial % 10_000);
  return { ...base, iin };
}

/** IINs the compiled predicate selects on `on`, in order. */
export async function sqlSelection(db: Db, rs: RuleSet, on: string): Promise<string[]> {
  const q = compileSelection(rs, on);
  const rows = await db.query<{ iin: string }>(q.sql, q.params);
  return rows.map((r) => r.iin.trimEnd());
}
