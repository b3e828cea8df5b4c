import { statSync } from 'node:fs';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../kernel/clock.ts';
import { kzDate } from '../../kernel/clock.ts';
import { OneInFlight } from '../../kernel/one-in-flight.ts';
import { appendAudit } from '../audit/index.ts';
import { Report, detectFormat, validBatches, validationContext, type ImportFormat, type ValidBatch } from './import-source.ts';
import { upsertPersons } from './merge.ts';
import { checkEncoding, type ImportEncoding } from './encoding.ts';

export { detectFormat, type ImportFormat } from './import-source.ts';
export { importEncoding, type ImportEncoding } from './encoding.ts';

export interface ImportOptions {
  file: string;
  format?: ImportFormat;
  /** The file's character encoding (default utf-8); a file that is not in it is refused before anything is read. */
  encoding?: ImportEncoding;
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
  encoding: ImportEncoding;
  seconds: number;
}

/**
 * Streams a CSV or NDJSON file into the registry: constant memory, upsert by IIN, every batch in its own
 * transaction together with its audit entry. Valid rows are kept, each rejected row is listed in the error
 * report with its line, field and reason. Running the same file twice changes nothing.
 *
 * Every value is checked where it is read: bytes not valid in the encoding, NUL and other control characters
 * (TAB allowed), lone surrogates, a field over 65,536 or a record over 1,048,576 characters each reject their row
 * only (csv-reader.ts, import-source.ts), so no row the database would refuse ever reaches a batch. A file that
 * is not UTF-8 is refused before anything is written (IMPORT_NOT_UTF8; read it with encoding 'windows-1251').
 * CSV text fields written by export with a leading ' (formula escape, csv.ts) get exactly that ' removed.
 */
export async function importPersons(db: Db, opts: ImportOptions): Promise<ImportSummary> {
  const format = opts.format ?? detectFormat(opts.file);
  const encoding = opts.encoding ?? 'utf-8';
  const totalBytes = statSync(opts.file).size;
  checkEncoding(opts.file, encoding);
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
  const stats = { rowsRead: 0, bytesRead: 0 };
  const totals = { inserted: 0, updated: 0, committed: 0 };
  const progress = () => opts.onProgress?.({ rowsRead: stats.rowsRead, bytesRead: stats.bytesRead, totalBytes, committed: totals.committed });
  const writer = new OneInFlight();

  const write = async ({ rows, from, to }: ValidBatch): Promise<void> => {
    const at = opts.clock.now();
    const counts = await db.transaction(async (tx) => {
      const c = await upsertPersons(tx, rows, { at, actor: opts.actor, source });
      await appendAudit(tx, {
        at,
        actor: opts.actor,
        action: 'registry.import.batch',
        subject: `import_run:${runId}`,
        details: { file: opts.file, lines: [from, to], rows: rows.length, ...c },
      });
      return c;
    });
    totals.inserted += counts.inserted;
    totals.updated += counts.updated;
    totals.committed += rows.length;
    progress();
  };

  try {
    for await (const batch of validBatches({ file: opts.file, format, encoding, ctx, report, batchSize, stats })) {
      progress();
      // One batch in flight: validating the next overlaps the database's work on this one.
      await writer.submit(() => write(batch));
    }
    await writer.drain();
  } finally {
    await writer.settle();
    await report.close();
  }

  const finished = opts.clock.now();
  const summary: ImportSummary = {
    runId,
    rowsRead: stats.rowsRead,
    inserted: totals.inserted,
    updated: totals.updated,
    unchanged: totals.committed - totals.inserted - totals.updated,
    rejected: report.rejected,
    warnings: report.warnings,
    errorFile,
    encoding,
    seconds: (finished.getTime() - started.getTime()) / 1000,
  };
  await db.transaction(async (tx) => {
    await tx.query('UPDATE import_runs SET finished_at = $2, counts = $3 WHERE id = $1', [runId, finished, JSON.stringify(summary)]);
    await appendAudit(tx, { at: finished, actor: opts.actor, action: 'registry.import', subject: `import_run:${runId}`, details: { ...summary } });
  });
  return summary;
}
