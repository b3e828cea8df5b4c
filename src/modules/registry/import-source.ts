import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { DomainError } from '../../kernel/errors.ts';
import { copyCsvLine, csvField } from './csv.ts';
import { CsvReader, type CsvRecord } from './csv-reader.ts';
import type { StagedRow } from './merge.ts';
import { PERSON_COLUMNS, PERSON_FIELDS, columnMapper, parsePerson, parsePersonValues, type FieldIssue, type ValidationContext } from './person.ts';
import { regions, specialties } from './reference.ts';

/**
 * The database-free half of an import: reads a CSV or NDJSON file, validates every row, reports rejected rows and
 * warnings, and yields the valid rows in batches of COPY input. Kept apart from the writing so the bench can time
 * it alone (the Node side of the import figure).
 */
export type ImportFormat = 'csv' | 'ndjson';

interface RawRow {
  line: number;
  /** CSV: values already in PERSON_COLUMNS order; NDJSON: the object as read. */
  values: readonly unknown[] | Record<string, unknown> | null;
  /** Set when the row could not even be read (bad JSON, wrong column count). */
  problem?: FieldIssue;
}

export function detectFormat(file: string): ImportFormat {
  if (/\.(nd)?jsonl?$/i.test(file) || /\.ndjson$/i.test(file)) return 'ndjson';
  if (/\.csv$/i.test(file)) return 'csv';
  throw new DomainError('IMPORT_UNKNOWN_FORMAT', `Cannot tell the format of ${file}: name it .csv or .ndjson, or pass --format.`);
}

const REQUIRED = ['iin', 'last_name', 'first_name', 'birth_date', 'sex', 'region'];

function checkHeader(header: string[]): void {
  const unknown = header.filter((h) => !(h in PERSON_FIELDS));
  if (unknown.length) {
    throw new DomainError('IMPORT_BAD_HEADER', `Line 1: unknown column(s) ${unknown.join(', ')}. Known columns: ${PERSON_COLUMNS.join(', ')}.`, { unknown });
  }
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new DomainError('IMPORT_BAD_HEADER', `Line 1: missing required column(s) ${missing.join(', ')}.`, { missing });
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new DomainError('IMPORT_BAD_HEADER', `Line 1: column ${dup} appears twice.`);
}

/** Rows of a CSV file, a chunk's worth at a time (one await per chunk, not per row). */
async function* csvRows(file: string, bytes: { read: number }): AsyncGenerator<RawRow[]> {
  const reader = new CsvReader();
  let header: string[] | null = null;
  let toValues: ((fields: readonly string[]) => readonly unknown[]) | null = null;
  const toRows = (records: CsvRecord[]): RawRow[] => {
    const rows: RawRow[] = [];
    for (const rec of records) {
      if (rec.error !== undefined) {
        rows.push({ line: rec.line, values: null, problem: { field: '(row)', value: '', reason: `unreadable CSV: ${rec.error}` } });
        continue;
      }
      const fields = rec.fields;
      if (!header) {
        header = fields.map((h) => h.trim());
        checkHeader(header);
        toValues = columnMapper(header);
        continue;
      }
      if (fields.length !== header.length) {
        rows.push({ line: rec.line, values: null, problem: { field: '(row)', value: '', reason: `has ${fields.length} fields, the header has ${header.length}` } });
        continue;
      }
      rows.push({ line: rec.line, values: (toValues as (f: readonly string[]) => readonly unknown[])(fields) });
    }
    return rows;
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytes.read += Buffer.byteLength(chunk as string);
    yield toRows(reader.push(chunk as string));
  }
  yield toRows(reader.end());
  if (!header) throw new DomainError('IMPORT_EMPTY', `${file} has no header line.`);
}

async function* ndjsonRows(file: string, bytes: { read: number }): AsyncGenerator<RawRow[]> {
  const input = createReadStream(file, { encoding: 'utf8' });
  input.on('data', (chunk) => (bytes.read += Buffer.byteLength(chunk as string)));
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      yield [{ line, values: null, problem: { field: '(row)', value: text.slice(0, 80), reason: `not valid JSON: ${(e as Error).message}` } }];
      continue;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      yield [{ line, values: null, problem: { field: '(row)', value: text.slice(0, 80), reason: 'must be a JSON object' } }];
      continue;
    }
    yield [{ line, values: v as Record<string, unknown> }];
  }
}

export function validationContext(today: string): ValidationContext {
  return {
    regionCodes: new Set(regions().map((r) => r.iso)),
    specialtyCodes: new Set(specialties().map((s) => s.code)),
    today,
  };
}

/** The error report: one line per rejected row's problem or warning. */
export class Report {
  private readonly out: WriteStream;
  rejected = 0;
  warnings = 0;
  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.write('line,severity,field,value,reason\n');
  }
  async add(line: number, severity: 'error' | 'warning', issue: FieldIssue): Promise<void> {
    const ok = this.out.write(`${line},${severity},${csvField(issue.field)},${csvField(issue.value)},${csvField(issue.reason)}\n`);
    if (!ok) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** Valid rows keyed by IIN (a later row for the same IIN replaced the earlier one) and the file lines they span. */
export interface ValidBatch {
  rows: StagedRow[];
  from: number;
  to: number;
}

export interface SourceStats {
  rowsRead: number;
  bytesRead: number;
}

/**
 * Validated batches of at most batchSize rows. Problems go to the report as they are found; stats is updated as the
 * file is read.
 */
export async function* validBatches(opts: {
  file: string;
  format: ImportFormat;
  ctx: ValidationContext;
  report: Report;
  batchSize: number;
  stats: SourceStats;
}): AsyncGenerator<ValidBatch> {
  const { ctx, report, batchSize, stats } = opts;
  const bytes = { read: 0 };
  // A later row for the same IIN replaces the earlier one, as sequential upserts would.
  let batch = new Map<string, { line: number; csv: string }>();
  let firstLine = 0;
  const take = (): ValidBatch => {
    const rows: StagedRow[] = [];
    let to = firstLine;
    for (const [iin, r] of batch) {
      rows.push({ iin, csv: r.csv });
      if (r.line > to) to = r.line;
    }
    batch = new Map();
    return { rows, from: firstLine, to };
  };
  const chunks = opts.format === 'csv' ? csvRows(opts.file, bytes) : ndjsonRows(opts.file, bytes);
  for await (const rows of chunks) {
    stats.bytesRead = bytes.read;
    for (const row of rows) {
      stats.rowsRead++;
      if (!row.values) {
        report.rejected++;
        await report.add(row.line, 'error', row.problem as FieldIssue);
        continue;
      }
      const result = Array.isArray(row.values) ? parsePersonValues(row.values, ctx) : parsePerson(row.values as Record<string, unknown>, ctx);
      for (const w of result.warnings) {
        report.warnings++;
        await report.add(row.line, 'warning', w);
      }
      if (!result.ok) {
        report.rejected++;
        for (const e of result.errors) await report.add(row.line, 'error', e);
        continue;
      }
      const iin = result.record.iin;
      const earlier = batch.get(iin);
      if (earlier) {
        report.warnings++;
        await report.add(row.line, 'warning', { field: 'iin', value: iin, reason: `also on line ${earlier.line}; this later row wins` });
      }
      if (batch.size === 0) firstLine = row.line;
      batch.set(iin, { line: row.line, csv: copyCsvLine(result.record) });
      if (batch.size >= batchSize) yield take();
    }
  }
  stats.bytesRead = bytes.read;
  if (batch.size > 0) yield take();
}
