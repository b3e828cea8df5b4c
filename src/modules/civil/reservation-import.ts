import type { Db } from '../../db/client.ts';
import { DomainError } from '../../kernel/errors.ts';
import { CsvReader } from '../registry/index.ts';
import type { CivilContext } from './context.ts';
import { NewReservation, entryIssues, insertReservations } from './reservations.ts';

export const RESERVATION_CSV_COLUMNS = ['iin', 'requester_kind', 'requester', 'list_name', 'reason', 'valid_from', 'valid_to'] as const;

export interface ImportIssue {
  line: number;
  field: string;
  reason: string;
}

/**
 * Imports a reservation list from CSV (a header naming the columns above, in any order, then one person a line).
 * Every bad line is reported with its line number, field and reason, and then nothing at all is written; a
 * clean file becomes pending reservations, all in one transaction, waiting for a second person's approval.
 */
export async function importReservationsCsv(db: Db, text: string, ctx: CivilContext): Promise<{ ids: number[] }> {
  const reader = new CsvReader();
  const records = [...reader.push(text), ...reader.end()].filter((r) => !(r.fields && r.fields.length === 1 && r.fields[0] === ''));
  const issues: ImportIssue[] = [];
  const header = records.shift();
  if (!header || !header.fields) throw invalid([{ line: header?.line ?? 1, field: '(header)', reason: header?.error ?? 'the file is empty' }]);
  const cols = header.fields.map((f) => f.trim());
  const missing = RESERVATION_CSV_COLUMNS.filter((c) => !cols.includes(c));
  const unknown = cols.filter((c) => !(RESERVATION_CSV_COLUMNS as readonly string[]).includes(c));
  if (missing.length || unknown.length) {
    throw invalid([{ line: header.line, field: '(header)', reason: [missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `unknown ${unknown.join(', ')}` : ''].filter(Boolean).join('; ') + ` (expected ${RESERVATION_CSV_COLUMNS.join(',')})` }]);
  }
  const entries: NewReservation[] = [];
  const lines: number[] = [];
  for (const r of records) {
    if (!r.fields) {
      issues.push({ line: r.line, field: '(row)', reason: r.error });
      continue;
    }
    if (r.fields.length !== cols.length) {
      issues.push({ line: r.line, field: '(row)', reason: `has ${r.fields.length} fields, the header has ${cols.length}` });
      continue;
    }
    const parsed = NewReservation.safeParse(Object.fromEntries(cols.map((c, i) => [c, (r.fields[i] as string).trim()])));
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ line: r.line, field: String(i.path[0] ?? '(row)'), reason: i.message });
      continue;
    }
    entries.push(parsed.data);
    lines.push(r.line);
  }
  if (records.length === 0) issues.push({ line: header.line + 1, field: '(row)', reason: 'the list has no entries' });
  return db.transaction(async (tx) => {
    for (const i of await entryIssues(tx, entries, ctx)) issues.push({ line: lines[i.index] as number, field: i.field, reason: i.reason });
    if (issues.length) throw invalid(issues.sort((a, b) => a.line - b.line));
    return { ids: await insertReservations(tx, entries, ctx, 'csv') };
  });
}

function invalid(issues: ImportIssue[]): DomainError {
  const shown = issues.slice(0, 50).map((i) => `line ${i.line}: ${i.field}: ${i.reason}`);
  const more = issues.length > shown.length ? `\n  … and ${issues.length - shown.length} more` : '';
  return new DomainError('CIVIL_IMPORT_INVALID', `The reservation list has ${issues.length} problem(s); nothing was written:\n  ${shown.join('\n  ')}${more}`, { issues });
}
