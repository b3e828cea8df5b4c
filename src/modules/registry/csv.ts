import { PERSON_COLUMNS, type PersonRecord } from './person.ts';

/** Quotes a CSV field when it needs it; null becomes an empty unquoted field (NULL for COPY). */
export function csvField(v: string | null): string {
  if (v === null) return '';
  if (v === '') return '""';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 34 || c === 44 || c === 10 || c === 13) return `"${v.replace(/"/g, '""')}"`;
  }
  return v;
}

function cell(v: unknown, listSep: ';' | 'pg'): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return listSep === 'pg' ? (v.length > 1 ? `"{${v.join(',')}}"` : `{${v.join(',')}}`) : v.join(';');
  return csvField(String(v));
}

/** One line in the registry's exchange CSV format (the format import reads and export writes). */
export function exportCsvLine(r: PersonRecord): string {
  let line = '';
  for (let i = 0; i < PERSON_COLUMNS.length; i++) {
    if (i) line += ',';
    line += cell(r[PERSON_COLUMNS[i] as keyof PersonRecord], ';');
  }
  return line + '\n';
}

/** One row of COPY ... WITH (FORMAT csv) input for the persons columns, without the line end. */
export function copyCsvLine(r: PersonRecord): string {
  let line = '';
  for (let i = 0; i < PERSON_COLUMNS.length; i++) {
    if (i) line += ',';
    line += cell(r[PERSON_COLUMNS[i] as keyof PersonRecord], 'pg');
  }
  return line;
}

export const CSV_HEADER = PERSON_COLUMNS.join(',') + '\n';
