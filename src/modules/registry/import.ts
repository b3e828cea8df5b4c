import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { kzDate } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { OneInFlight } from '../../kernel/one-in-flight.ts';
import { appendAudit } from '../audit/index.ts';
import { copyCsvLine, csvField } from './csv.ts';
import { CsvReader, type CsvRecord } from './csv-reader.ts';
import { upsertPersons, type StagedRow } from './merge.ts';
import { PERSON_COLUMNS, PERSON_FIELDS, columnMapper, parsePerson, parsePersonValues, type FieldIssue, type ValidationContext } from './person.ts';
import { regions, specialties } from './reference.ts';

export type ImportFormat = 'csv' | 'ndjson';

export interface ImportOptions {
  file: string;
  format?: ImportFormat;
  actor: string;
  clock: Clock;
  /** Where rejected rows and warnings are listed; default FILE.errors.csv. */
  errorFile?: string;
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  committed: number;
}

export interface ImportSummary {
  runId: number;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: number;
  errorFile: string;
  seconds: number;
}

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

function validationContext(today: string): ValidationContext {
  return {
    regionCodes: new Set(regions().map((r) => r.iso)),
    specialtyCodes: new Set(specialties().map((s) => s.code)),
    today,
  };
}

class Report {
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

/**
 * Streams a CSV or NDJSON file into the registry: constant memory, upsert by IIN, every batch in its own
 * transaction together with its audit entry. Valid rows are kept, each rejected row is listed in the error
 * report with its line, field and reason. Running the same file twice changes nothing.
 */
export async function importPersons(db: Db, opts: ImportOptions): Promise<ImportSummary> {
  const format = opts.format ?? detectFormat(opts.file);
  const totalBytes = statSync(opts.file).size;
  const started = opts.clock.now();
  const ctx = validationContext(kzDate(started));
  const batchSize = opts.batchSize ?? 10_000;
  const errorFile = opts.errorFile ?? `${opts.file}.errors.csv`;
  const source = `import:${opts.file}`;
  const [run] = await db.query<{ id: number }>(
    'INSERT INTO import_runs (file, actor, started_at) VALUES ($1, $2, $3) RETURNING id',
    [opts.file, opts.actor, started],
  );
  const runId = (run as { id: number }).id;
  const report = new Report(errorFile);
  const bytes = { read: 0 };
  const totals = { rowsRead: 0, inserted: 0, updated: 0, committed: 0 };

  // The batch keyed by IIN: a later row for the same IIN replaces the earlier one, as sequential upserts would.
  let batch = new Map<string, { line: number; csv: string }>();
  let firstLine = 0;
  const writer = new OneInFlight();

  const flush = async (): Promise<void> => {
    if (batch.size === 0) return;
    const rows = batch;
    const from = firstLine;
    batch = new Map();
    // One batch in flight: parsing the next overlaps the database's work.
    await writer.submit(async () => {
      const staged: StagedRow[] = [];
      let to = from;
      for (const [iin, r] of rows) {
        staged.push({ iin, csv: r.csv });
        if (r.line > to) to = r.line;
      }
      const at = opts.clock.now();
      const counts = await db.transaction(async (tx) => {
        const c = await upsertPersons(tx, staged, { at, actor: opts.actor, source });
        await appendAudit(tx, {
          at,
          actor: opts.actor,
          action: 'registry.import.batch',
          subject: `import_run:${runId}`,
          details: { file: opts.file, lines: [from, to], rows: rows.size, ...c },
        });
        return c;
      });
      totals.inserted += counts.inserted;
      totals.updated += counts.updated;
      totals.committed += rows.size;
      opts.onProgress?.({ rowsRead: totals.rowsRead, bytesRead: bytes.read, totalBytes, committed: totals.committed });
    });
  };

  try {
    const chunks = format === 'csv' ? csvRows(opts.file, bytes) : ndjsonRows(opts.file, bytes);
    for await (const rows of chunks) {
      for (const row of rows) {
        totals.rowsRead++;
        if (!row.values) {
          report.rejected++;
          await report.add(row.line, 'error', row.problem as FieldIssue);
          continue;
        }
        const result = isValueList(row.values) ? parsePersonValues(row.values, ctx) : parsePerson(row.values, ctx);
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
        if (batch.size >= batchSize) await flush();
        if ((totals.rowsRead & 0x3fff) === 0) {
          opts.onProgress?.({ rowsRead: totals.rowsRead, bytesRead: bytes.read, totalBytes, committed: totals.committed });
        }
      }
    }
    await flush();
    await writer.drain();
  } finally {
    await writer.settle();
    await report.close();
  }

  const finished = opts.clock.now();
  const summary: ImportSummary = {
    runId,
    rowsRead: totals.rowsRead,
    inserted: totals.inserted,
    updated: totals.updated,
    unchanged: totals.committed - totals.inserted - totals.updated,
    rejected: report.rejected,
    warnings: report.warnings,
    errorFile,
    seconds: (finished.getTime() - started.getTime()) / 1000,
  };
  await db.transaction(async (tx) => {
    await tx.query('UPDATE import_runs SET finished_at = $2, counts = $3 WHERE id = $1', [runId, finished, JSON.stringify(summary)]);
    await appendAudit(tx, { at: finished, actor: opts.actor, action: 'registry.import', subject: `import_run:${runId}`, details: { ...summary } });
  });
  return summary;
}

function isValueList(v: readonly unknown[] | Record<string, unknown>): v is readonly unknown[] {
  return Array.isArray(v);
}
