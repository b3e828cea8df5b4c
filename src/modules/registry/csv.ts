import { PERSON_COLUMNS, PERSON_FIELDS, type PersonRecord } from './person.ts';

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

/**
 * Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell that starts with = + - @ TAB or CR. Export
 * writes such a free-text value with one ' in front, and so any value that already starts with ' before one of
 * those characters gets one more ' — which makes unescapeFormula exact: import strips exactly one leading ' when
 * the value is one or more ' followed by one of those characters, and leaves every other value alone, so export →
 * import gives back the same data. Only free-text fields are escaped; the others (codes, digits, dates, +7 mobile
 * numbers) hold closed formats that cannot carry a formula.
 */
const FORMULA_LEAD = /^'*[=+\-@\t\r]/;

export function escapeFormula(v: string): string {
  return FORMULA_LEAD.test(v) ? `'${v}` : v;
}

export function unescapeFormula(v: string): string {
  return v.charCodeAt(0) === 39 && FORMULA_LEAD.test(v) ? v.slice(1) : v;
}

type Cell = (v: unknown) => string;

const bool: Cell = (v) => (v ? 'true' : 'false');
/** Values a validated record holds only from closed sets (codes, digits, dates): never need quoting. */
const plain: Cell = (v) => (v === null || v === undefined ? '' : (v as string));
const text: Cell = (v) => (v === null || v === undefined ? '' : csvField(v as string));
const safeText: Cell = (v) => (v === null || v === undefined ? '' : csvField(escapeFormula(v as string)));
const listPlain: Cell = (v) => (v as string[]).join(';');
const listPg: Cell = (v) => {
  const a = v as string[];
  return a.length === 0 ? '{}' : a.length === 1 ? `{${a[0]}}` : `"{${a.join(',')}}"`;
};

/** export: the exchange format (lists with ;, formulas escaped); copy: COPY input (PostgreSQL arrays, values as stored). */
function cells(target: 'export' | 'copy'): Cell[] {
  return PERSON_COLUMNS.map((c) => {
    switch (PERSON_FIELDS[c].kind) {
      case 'bool':
        return bool;
      case 'dates':
        return target === 'copy' ? listPg : listPlain;
      case 'text':
        return target === 'copy' ? text : safeText;
      default:
        return plain;
    }
  });
}

/** Builds a row serializer for validated records; the cells are joined once so the row is one flat string. */
function rowWriter(cs: Cell[]): (r: PersonRecord) => string {
  const keys = PERSON_COLUMNS as readonly (keyof PersonRecord)[];
  const parts: string[] = new Array(keys.length);
  return (r) => {
    for (let i = 0; i < keys.length; i++) parts[i] = (cs[i] as Cell)(r[keys[i] as keyof PersonRecord]);
    return parts.join(',');
  };
}

const exportRow = rowWriter(cells('export'));
const copyRow = rowWriter(cells('copy'));

/** One line in the registry's exchange CSV format (the format import reads and export writes; formulas escaped). */
export function exportCsvLine(r: PersonRecord): string {
  return exportRow(r) + '\n';
}

/** One row of COPY ... WITH (FORMAT csv) input for the persons columns, without the line end. */
export function copyCsvLine(r: PersonRecord): string {
  return copyRow(r);
}

export const CSV_HEADER = PERSON_COLUMNS.join(',') + '\n';
