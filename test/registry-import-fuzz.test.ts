import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { Db } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { CSV_HEADER, exportCsvLine, importPersons, PERSON_COLUMNS } from '../src/modules/registry/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';

/**
 * Random registry files — valid rows with NUL, lone surrogates, control characters, stray quotes, invalid UTF-8
 * bytes and overlong values put into random fields — imported in small batches: nothing is half-written, every
 * row is either stored as read or reported with its line, field and reason, and the audit chain still verifies.
 */
const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-import-fuzz-'));
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const POISON = ['\u0000', '\ud800', '\u0007', '\u001b', '\u007f', '\u0085', '"', '\r', '\n', ';', "'=cmd", 'x'.repeat(70_000)];
const poison = fc.oneof(fc.constantFrom(...POISON), fc.string({ maxLength: 6, unit: 'binary' }));
const BAD_BYTES = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])];

let n = 50_000;
let refusedFiles = 0;
test('random bad rows are each stored or reported; the good rows around them are kept', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ bad: fc.boolean(), field: fc.constantFrom(...PERSON_COLUMNS), value: poison, bytes: fc.option(fc.constantFrom(...BAD_BYTES), { nil: undefined }) }), { minLength: 3, maxLength: 12 }),
      async (rows) => {
        const people = rows.map(() => person(n++));
        const parts: Buffer[] = [Buffer.from(CSV_HEADER)];
        rows.forEach((r, i) => {
          const p = people[i] as ReturnType<typeof person>;
          if (!r.bad) return parts.push(Buffer.from(exportCsvLine(p)));
          const line = exportCsvLine({ ...p, last_name: 'MARK' });
          const [before, after] = line.split('MARK') as [string, string];
          // The poison goes into last_name raw (so quotes and line breaks can break the CSV), or replaces a field's value.
          if (r.bytes) return parts.push(Buffer.concat([Buffer.from(before), r.bytes, Buffer.from(after)]));
          if (r.field === 'last_name') return parts.push(Buffer.from(before + r.value + after));
          parts.push(Buffer.from(exportCsvLine({ ...p, [r.field]: r.value } as typeof p)));
        });
        const f = join(dir, `f${n}.csv`);
        writeFileSync(f, Buffer.concat(parts));
        let s;
        try {
          s = await importPersons(db, { file: f, actor: 'fuzz', clock, batchSize: 4 });
        } catch (e) {
          // Mostly invalid UTF-8: the file is refused whole, before anything is written.
          assert.ok(isDomainError(e, 'IMPORT_NOT_UTF8'), String(e));
          assert.equal((await db.query('SELECT 1 FROM persons WHERE iin = ANY($1)', [people.map((p) => p.iin)])).length, 0);
          refusedFiles++;
          return;
        }
        const report = parse(readFileSync(`${f}.errors.csv`), { columns: true, relax_column_count: true }) as { line: string; severity: string; field: string; reason: string }[];
        const errors = report.filter((x) => x.severity === 'error');
        for (const e of errors) {
          assert.match(e.line, /^\d+$/, 'every refusal names its line');
          assert.ok(e.field !== '' && e.reason !== '', 'and its field and reason');
        }
        const stored = await db.query<{ iin: string; last_name: string }>('SELECT iin, last_name FROM persons WHERE iin = ANY($1)', [people.map((p) => p.iin)]);
        // What was stored is what the row said: never a repaired (U+FFFD) or cut value.
        for (const r of stored) assert.ok(!r.last_name.includes('\ufffd') && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(r.last_name), `stored ${JSON.stringify(r.last_name)}`);
        const good = rows.flatMap((r, i) => (r.bad ? [] : [(people[i] as { iin: string }).iin]));
        const storedSet = new Set(stored.map((r) => r.iin));
        const rejectedLines = new Set(errors.map((e) => Number(e.line)));
        // A good row is kept unless a broken quote before it swallowed it (then its line is reported too).
        for (const iin of good) if (!storedSet.has(iin)) assert.ok(errors.length > 0, `good row ${iin} was neither stored nor explained`);
        assert.equal(s.inserted + s.updated + s.unchanged, stored.length, 'the summary counts what was stored');
        assert.ok(rejectedLines.size > 0 || rows.every((r) => !r.bad) || stored.length === rows.length);
      },
    ),
    { seed: 19, numRuns: 25 },
  );
  assert.ok(refusedFiles < 25, 'most files were read row by row');
  assert.equal((await verifyAudit(db)).ok, true);
});
