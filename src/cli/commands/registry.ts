import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import { exportPersons, importEncoding, importPersons, type ImportOptions } from '../../modules/registry/index.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';

export function registryCommands(program: Command): void {
  const registry = program.command('registry').description('the person registry');

  registry
    .command('import')
    .description(
      'import persons from CSV or NDJSON (upsert by IIN; rejected rows go to the error report, exit code 3). ' +
        'A row is rejected for bytes not valid in the encoding, control characters other than TAB, a field over ' +
        "65,536 or a record over 1,048,576 characters. A CSV text value that export escaped with a leading ' " +
        "(' before = + - @ TAB CR) gets that one ' removed.",
    )
    .argument('<file>', 'a .csv or .ndjson file')
    .option('--format <format>', 'csv or ndjson (default: from the file name)')
    .option('--encoding <name>', 'the file\'s encoding: utf-8 (default; a BOM is fine) or cp1251 (windows-1251)')
    .option('--errors <file>', 'error report path (default: FILE.errors.csv)')
    .option('--batch <n>', 'rows per transaction', (v) => Number(v), 10_000)
    .action(async (file: string, o: { format?: string; encoding?: string; errors?: string; batch: number }) => {
      if (o.format && o.format !== 'csv' && o.format !== 'ndjson') {
        throw new DomainError('CLI_BAD_OPTION', `--format must be csv or ndjson, got "${o.format}"`);
      }
      if (!Number.isInteger(o.batch) || o.batch < 1) throw new DomainError('CLI_BAD_OPTION', '--batch must be a positive whole number');
      const encoding = importEncoding(o.encoding);
      await withContext(async ({ db, actor }) => {
        let bar: ReturnType<typeof progress> | undefined;
        const opts: ImportOptions = {
          file,
          actor,
          clock: systemClock,
          batchSize: o.batch,
          encoding,
          onProgress: (p) => {
            bar ??= progress(`import ${file}`, p.totalBytes, 'bytes');
            bar.update(p.bytesRead, { rows: p.rowsRead, committed: p.committed });
          },
          ...(o.format ? { format: o.format as 'csv' | 'ndjson' } : {}),
          ...(o.errors ? { errorFile: o.errors } : {}),
        };
        const s = await importPersons(db, opts);
        bar?.stop();
        const rate = Math.round(s.rowsRead / Math.max(s.seconds, 0.001));
        console.log(
          `read ${s.rowsRead} rows in ${s.seconds.toFixed(1)} s (${rate} rows/s): ${s.inserted} inserted, ${s.updated} updated, ` +
            `${s.unchanged} unchanged, ${s.rejected} rejected, ${s.warnings} warnings`,
        );
        console.log(`report: ${s.errorFile}${s.encoding === 'utf-8' ? '' : ` (read as ${s.encoding})`}`);
        if (s.rejected > 0) {
          console.log(`${s.rejected} rows were rejected and not imported; see the report for line, field and reason`);
          process.exitCode = 3;
        }
      });
    });

  registry
    .command('export')
    .description(
      'export the registry in the import CSV format (recorded in the audit log as registry.export). Free-text cells ' +
        "starting with = + - @ TAB or CR get a leading ' so spreadsheets do not run them; import removes it again.",
    )
    .option('-o, --out <file>', 'output file (default: standard output)')
    .action(async (o: { out?: string }) => {
      await withContext(async ({ db, actor }) => {
        const out = o.out ? createWriteStream(o.out) : process.stdout;
        const n = await exportPersons(db, out, { actor, clock: systemClock, destination: o.out ?? 'stdout' });
        if (o.out) {
          out.end();
          await once(out, 'finish');
          console.error(`exported ${n} persons to ${o.out}`);
        }
      });
    });
}
