import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { DomainError } from '../../kernel/errors.ts';
import { copyCsvLine, csvField, escapeFormula, unescapeFormula } from './csv.ts';
import { CSV_LIMITS, CsvReader, type CsvRecord } from './csv-reader.ts';
import { ByteDecoder, type BadBytes, type Decoded, type ImportEncoding } from './encoding.ts';
import { textProblem, visible } from './text-safety.ts';
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

interface SourceInput {
  file: string;
  encoding: ImportEncoding;
  bytes: { read: number };
}

/** The file's decoded pieces, each with the lines (if any) whose bytes were not valid in the encoding. */
async function* decoded({ file, encoding, bytes }: SourceInput): AsyncGenerator<Decoded> {
  const decoder = new ByteDecoder(encoding);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    bytes.read += (chunk as Buffer).length;
    yield decoder.push(chunk as Buffer);
  }
  yield decoder.end();
}

/** Lines with bad bytes, in file order, consumed as the records holding them are read. */
class BadByteQueue {
  private q: BadBytes[] = [];
  private head = 0;
  add(bad: BadBytes[]): void {
    if (bad.length) this.q.push(...bad);
  }
  /** The first bad line within [from, to]; lines before `to` are used up. */
  take(from: number, to: number): BadBytes | null {
    let found: BadBytes | null = null;
    while (this.head < this.q.length && (this.q[this.head] as BadBytes).line <= to) {
      const b = this.q[this.head++] as BadBytes;
      if (b.line >= from) found ??= b;
    }
    if (this.head > 1024) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return found;
  }
}

function badBytesIssue(b: BadBytes, encoding: ImportEncoding, field: string, value: string): FieldIssue {
  return {
    field,
    value,
    reason: `bytes ${b.bytes} at byte ${b.offset} of the file (line ${b.line}) are not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding}; fix or re-encode the row`,
  };
}

/** The field whose text holds the replacement character the decoder put for bad bytes, else the whole row. */
function fieldWithReplacement(names: readonly string[], values: readonly string[]): { field: string; value: string } {
  const k = values.findIndex((v) => v.includes('\uFFFD'));
  return k === -1 ? { field: '(row)', value: '' } : { field: names[k] ?? `column ${k + 1}`, value: visible(values[k] as string, 80) };
}

const TEXT_COLUMNS = new Set(PERSON_COLUMNS.filter((c) => PERSON_FIELDS[c].kind === 'text') as string[]);

/** Rows of a CSV file, a chunk's worth at a time (one await per chunk, not per row). */
async function* csvRows(input: SourceInput): AsyncGenerator<RawRow[]> {
  const reader = new CsvReader();
  const badBytes = new BadByteQueue();
  let header: string[] | null = null;
  let textAt: number[] = [];
  let toValues: ((fields: readonly string[]) => readonly unknown[]) | null = null;
  const toRows = (records: CsvRecord[]): RawRow[] => {
    const rows: RawRow[] = [];
    for (const rec of records) {
      const bad = badBytes.take(rec.line, rec.lastLine);
      if (!header) {
        if (rec.error !== undefined) throw new DomainError('IMPORT_BAD_HEADER', `Line ${rec.line}: the header is unreadable: ${rec.error}.`);
        if (bad) throw new DomainError('IMPORT_BAD_HEADER', `Line ${rec.line}: the header ${badBytesIssue(bad, input.encoding, '', '').reason}.`);
        header = rec.fields.map((h) => h.trim());
        checkHeader(header);
        toValues = columnMapper(header);
        textAt = header.flatMap((h, j) => (TEXT_COLUMNS.has(h) ? [j] : []));
        continue;
      }
      if (rec.error !== undefined) {
        const field = rec.field === undefined ? '(row)' : (header[rec.field] ?? `column ${rec.field + 1}`);
        rows.push({ line: rec.line, values: null, problem: { field, value: rec.value ?? '', reason: rec.field === undefined ? `unreadable CSV: ${rec.error}` : (rec.problem as string) } });
        continue;
      }
      const fields = rec.fields;
      if (bad) {
        const { field, value } = fieldWithReplacement(header, fields);
        rows.push({ line: rec.line, values: null, problem: badBytesIssue(bad, input.encoding, field, value) });
        continue;
      }
      if (fields.length !== header.length) {
        rows.push({ line: rec.line, values: null, problem: { field: '(row)', value: '', reason: `has ${fields.length} fields, the header has ${header.length}` } });
        continue;
      }
      for (const j of textAt) fields[j] = unescapeFormula(fields[j] as string);
      rows.push({ line: rec.line, values: (toValues as (f: readonly string[]) => readonly unknown[])(fields) });
    }
    return rows;
  };
  for await (const piece of decoded(input)) {
    badBytes.add(piece.bad);
    if (piece.text) yield toRows(reader.push(piece.text));
  }
  yield toRows(reader.end());
  if (!header) throw new DomainError('IMPORT_EMPTY', `${input.file} has no header line.`);
}

/** The first string (key or value, at any depth) that is too long or holds a refused character. */
function jsonTextProblem(v: unknown, field: string): FieldIssue | null {
  if (typeof v === 'string') {
    if (v.length > CSV_LIMITS.maxField) return { field, value: visible(v, 80), reason: `is longer than ${CSV_LIMITS.maxField.toLocaleString('en-US')} characters (the limit for one field)` };
    const p = textProblem(v);
    return p ? { field, value: visible(v, 80), reason: p } : null;
  }
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = jsonTextProblem(x, field);
      if (p) return p;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const kp = textProblem(k);
      if (kp) return { field: visible(k, 40), value: '', reason: `the key ${kp}` };
      const p = jsonTextProblem(x, field === '' ? k : field);
      if (p) return p;
    }
  }
  return null;
}

/** One NDJSON line as a row: parsed, its every string checked. */
function ndjsonRow(line: number, text: string, bad: BadBytes | null, encoding: ImportEncoding): RawRow | null {
  if (text.trim() === '') return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    if (bad) return { line, values: null, problem: badBytesIssue(bad, encoding, '(row)', '') };
    return { line, values: null, problem: { field: '(row)', value: visible(text, 80), reason: `not valid JSON: ${(e as Error).message}` } };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { line, values: null, problem: { field: '(row)', value: visible(text, 80), reason: 'must be a JSON object' } };
  }
  if (bad) {
    const entries = Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x) ?? ''] as const);
    const { field, value } = fieldWithReplacement(entries.map((e) => e[0]), entries.map((e) => e[1]));
    return { line, values: null, problem: badBytesIssue(bad, encoding, field, value) };
  }
  const p = jsonTextProblem(v, '');
  if (p) return { line, values: null, problem: p };
  return { line, values: v as Record<string, unknown> };
}

/**
 * Rows of an NDJSON file, a piece's worth at a time. A line longer than CSV_LIMITS.maxRecord characters is
 * reported and passed over as it arrives, never held whole.
 */
async function* ndjsonRows(input: SourceInput): AsyncGenerator<RawRow[]> {
  const max = CSV_LIMITS.maxRecord;
  const badBytes = new BadByteQueue();
  let partial = '';
  let tooLong = false;
  let line = 0;
  let started = false;
  const lineRow = (text: string): RawRow | null => {
    line++;
    const bad = badBytes.take(line, line);
    if (tooLong || text.length > max) {
      tooLong = false;
      return { line, values: null, problem: { field: '(row)', value: '', reason: `the line is longer than ${max.toLocaleString('en-US')} characters (the limit for one record)` } };
    }
    return ndjsonRow(line, text.endsWith('\r') ? text.slice(0, -1) : text, bad, input.encoding);
  };
  for await (const piece of decoded(input)) {
    badBytes.add(piece.bad);
    let text = piece.text;
    if (!started && text) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const rows: RawRow[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const r = lineRow(partial ? partial + text.slice(from, nl) : text.slice(from, nl));
      partial = '';
      if (r) rows.push(r);
      from = nl + 1;
    }
    if (from < text.length && !tooLong) {
      partial += text.slice(from);
      if (partial.length > max) {
        partial = '';
        tooLong = true;
      }
    }
    if (rows.length) yield rows;
  }
  if (partial || tooLong) {
    const r = lineRow(partial);
    if (r) yield [r];
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
    // The report is opened in spreadsheets too: values shown with refused characters spelled out, formulas escaped.
    const cell = (v: string) => csvField(escapeFormula(visible(v, 200)));
    const ok = this.out.write(`${line},${severity},${cell(issue.field)},${cell(issue.value)},${cell(issue.reason)}\n`);
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
  /** Default utf-8; the caller has checked the file is in it (checkEncoding). */
  encoding?: ImportEncoding;
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
  const input: SourceInput = { file: opts.file, encoding: opts.encoding ?? 'utf-8', bytes };
  const chunks = opts.format === 'csv' ? csvRows(input) : ndjsonRows(input);
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
