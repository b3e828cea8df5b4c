import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import type { Db } from '../src/db/client.ts';
import { CSV_HEADER, exportCsvLine, importEncoding, importPersons, type ImportOptions, type PersonRecord } from '../src/modules/registry/index.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { readReport } from './helpers/import-report.ts';
import { createTestDatabase, freshDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';
import { person } from './helpers/persons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-import-hardening-'));
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const run = (f: string, extra: Partial<ImportOptions> = {}) => importPersons(db, { file: f, actor: 'test', clock, ...extra });

const errorsOf = (p: string) => readReport(p).filter((r) => r.severity === 'error');

async function storedIins(iins: string[]): Promise<string[]> {
  const rows = await db.query<{ iin: string }>('SELECT iin FROM persons WHERE iin = ANY($1) ORDER BY iin', [iins]);
  return rows.map((r) => r.iin);
}

/** Persons n0 … n0+count-1; the CSV line of person i (1-based data row i is file line i + 1). */
const people = (n0: number, count: number) => Array.from({ length: count }, (_, i) => person(n0 + i));

test('a NUL in the second batch rejects that row only: every other row of every batch is kept', async () => {
  const ps = people(1000, 12);
  const lines = ps.map(exportCsvLine);
  lines[7] = exportCsvLine({ ...ps[7]!, last_name: 'Ахме\u0000тов' }); // file line 9, in the second batch of 5
  const s = await run(file('nul.csv', CSV_HEADER + lines.join('')), { batchSize: 5 });
  assert.deepEqual([s.rowsRead, s.inserted, s.rejected], [12, 11, 1]);
  const errors = errorsOf(s.errorFile);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [['9', 'last_name']]);
  assert.match(errors[0]!.reason, /NUL byte \(U\+0000\) at character 5/);
  assert.equal(errors[0]!.value, 'Ахме\\u0000тов');
  const expected = ps.filter((_, i) => i !== 7).map((p) => p.iin).sort();
  assert.deepEqual(await storedIins(ps.map((p) => p.iin)), expected);
});

test('a one-batch file with a NUL keeps its other rows', async () => {
  const ps = people(1100, 3);
  const text = CSV_HEADER + exportCsvLine(ps[0]!) + exportCsvLine({ ...ps[1]!, address: 'x\u0000' }) + exportCsvLine(ps[2]!);
  const s = await run(file('nul-one-batch.csv', text));
  assert.deepEqual([s.inserted, s.rejected], [2, 1]);
  assert.deepEqual(errorsOf(s.errorFile).map((e) => [e.line, e.field]), [['3', 'address']]);
  assert.deepEqual(await storedIins(ps.map((p) => p.iin)), [ps[0]!.iin, ps[2]!.iin].sort());
});

test('control characters, DEL, C1 and line breaks in CSV are refused per row; TAB is allowed', async () => {
  const ps = people(1200, 7);
  const rows: PersonRecord[] = [
    { ...ps[0]!, first_name: 'Ер\u001bлан' },
    { ...ps[1]!, occupation: 'nurse\u007f' },
    { ...ps[2]!, district: 'KZ-71-D01\u0085' },
    { ...ps[3]!, address: 'Abay avenue 1\nflat 2' }, // a quoted field with a line break: the format allows it, the field does not
    { ...ps[4]!, address: 'Abay\tavenue 1' },
    ps[5]!,
    { ...ps[6]!, rank: 'lieu\u0008tenant' },
  ];
  const s = await run(file('controls.csv', CSV_HEADER + rows.map(exportCsvLine).join('')));
  assert.deepEqual([s.inserted, s.rejected], [2, 5]);
  const errors = errorsOf(s.errorFile);
  assert.deepEqual(
    errors.map((e) => [e.line, e.field]),
    [['2', 'first_name'], ['3', 'occupation'], ['4', 'district'], ['5', 'address'], ['9', 'rank']],
  );
  assert.match(errors[0]!.reason, /control character U\+001B/);
  assert.match(errors[1]!.reason, /control character U\+007F/);
  assert.match(errors[2]!.reason, /control character U\+0085/);
  assert.match(errors[3]!.reason, /line break \(U\+000A\)/);
  // The multi-line record took lines 5–6: the numbering goes on right after it.
  assert.match(errors[4]!.reason, /control character U\+0008/);
  const [tab] = await db.query<{ address: string }>('SELECT address FROM persons WHERE iin = $1', [ps[4]!.iin]);
  assert.equal(tab?.address, 'Abay\tavenue 1');
});

test('NDJSON: NUL and lone-surrogate escapes, control characters in keys and values are refused per row', async () => {
  const ps = people(1300, 5);
  const json = (p: PersonRecord, patch: string) => JSON.stringify(p).replace('"Abay avenue 1, \\"Block\\" B"', patch);
  const lines = [
    json(ps[0]!, '"Abay\\u0000"'),
    json(ps[1]!, '"Abay \\ud800 avenue"'),
    JSON.stringify(ps[2]!),
    JSON.stringify({ ...ps[3]!, 'nick\u0007': 'x' }),
    json(ps[4]!, '"Abay \\ud83d\\ude00 avenue"'), // a surrogate pair is a real character
  ];
  const s = await run(file('escapes.ndjson', lines.join('\n') + '\n'));
  assert.deepEqual([s.inserted, s.rejected], [2, 3]);
  const errors = errorsOf(s.errorFile);
  assert.deepEqual(errors.map((e) => [e.line, e.field]), [['1', 'address'], ['2', 'address'], ['4', 'nick\\u0007']]);
  assert.match(errors[0]!.reason, /NUL/);
  assert.match(errors[1]!.reason, /lone surrogate U\+D800/);
  assert.match(errors[2]!.reason, /control character U\+0007/);
  const [emoji] = await db.query<{ address: string }>('SELECT address FROM persons WHERE iin = $1', [ps[4]!.iin]);
  assert.equal(emoji?.address, 'Abay 😀 avenue');
});

test('invalid UTF-8 bytes in one row are found on the bytes and reject that row only (CSV and NDJSON)', async () => {
  const ps = people(1400, 4);
  const bad = (line: string) => Buffer.from(line.replace('Ахметов', 'Ахм\u0001тов').replace('Ахметова', 'Ахм\u0001това'), 'utf8').map((b) => (b === 1 ? 0xc3 : b));
  const csv = Buffer.concat([Buffer.from(CSV_HEADER + exportCsvLine(ps[0]!)), bad(exportCsvLine(ps[1]!)), Buffer.from(exportCsvLine(ps[2]!) + exportCsvLine(ps[3]!))]);
  const s = await run(file('bad-bytes.csv', csv));
  assert.deepEqual([s.inserted, s.rejected], [3, 1]);
  const [e] = errorsOf(s.errorFile);
  assert.deepEqual([e?.line, e?.field], ['3', 'last_name']);
  assert.match(e?.reason ?? '', /bytes C3 .* not valid UTF-8/);
  assert.deepEqual(await storedIins([ps[1]!.iin]), []);

  const qs = people(1450, 3);
  const nd = Buffer.concat([Buffer.from(JSON.stringify(qs[0]) + '\n'), bad(JSON.stringify(qs[1]) + '\n'), Buffer.from(JSON.stringify(qs[2]) + '\n')]);
  const t = await run(file('bad-bytes.ndjson', nd));
  assert.deepEqual([t.inserted, t.rejected], [2, 1]);
  assert.deepEqual(errorsOf(t.errorFile).map((r) => [r.line, r.field]), [['2', 'last_name']]);
});

function cp1251(text: string): Buffer {
  const table = new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  return Buffer.from([...text].map((ch) => {
    const b = table.indexOf(ch);
    if (b < 0) throw new Error(`no windows-1251 byte for ${ch}`);
    return b;
  }));
}

test('a Windows-1251 file is refused with IMPORT_NOT_UTF8 before anything is written, and imports with encoding windows-1251', async () => {
  const ps = people(1500, 6).map((p, i) => ({ ...p, address: `Абай проспекті ${i}` }));
  const f = file('cp1251.csv', cp1251(CSV_HEADER + ps.map(exportCsvLine).join('')));
  const runs = Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM import_runs'))[0]?.n);
  await assert.rejects(run(f), (e) => isDomainError(e, 'IMPORT_NOT_UTF8') && /--encoding cp1251/.test(e.message) && e.details.likely === 'windows-1251');
  assert.deepEqual(await storedIins(ps.map((p) => p.iin)), []);
  assert.equal(Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM import_runs'))[0]?.n), runs);

  const s = await run(f, { encoding: 'windows-1251' });
  assert.deepEqual([s.inserted, s.rejected, s.encoding], [6, 0, 'windows-1251']);
  const rows = await db.query<{ last_name: string; address: string }>('SELECT last_name, address FROM persons WHERE iin = ANY($1) ORDER BY iin', [ps.map((p) => p.iin)]);
  assert.deepEqual(new Set(rows.map((r) => r.last_name)), new Set(['Ахметов', 'Ахметова']));
  assert.deepEqual(rows.map((r) => r.address).sort(), ps.map((p) => p.address).sort());

  // The other way round: a UTF-8 file read as windows-1251 would be garbled, so it is refused.
  const u = file('utf8-as-cp1251.csv', CSV_HEADER + exportCsvLine(person(1510)));
  await assert.rejects(run(u, { encoding: 'windows-1251' }), (e) => isDomainError(e, 'IMPORT_ENCODING_MISMATCH'));
});

test('a UTF-8 BOM is accepted in CSV and NDJSON', async () => {
  const [a, b] = people(1600, 2);
  const s = await run(file('bom.csv', '\uFEFF' + CSV_HEADER + exportCsvLine(a!)));
  const t = await run(file('bom.ndjson', '\uFEFF' + JSON.stringify(b) + '\r\n'));
  assert.deepEqual([s.inserted, s.rejected, t.inserted, t.rejected], [1, 0, 1, 0]);
});

test('CLI: registry import --encoding cp1251 reads a Windows-1251 file; unknown encodings are refused', async () => {
  assert.throws(() => importEncoding('koi8-r'), (e) => isDomainError(e, 'IMPORT_BAD_ENCODING'));
  assert.deepEqual(['cp1251', 'Windows-1251', 'utf8', 'UTF-8'].map(importEncoding), ['windows-1251', 'windows-1251', 'utf-8', 'utf-8']);
  const t = await createTestDatabase();
  try {
    const ps = people(1700, 3);
    const f = file('cli-cp1251.csv', cp1251(CSV_HEADER + ps.map(exportCsvLine).join('')));
    // The refusal itself is checked through importPersons above; one process here, to keep the file fast.
    const ok = await runCli(['registry', 'import', f, '--encoding', 'cp1251'], t.env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /3 inserted, 0 updated, 0 unchanged, 0 rejected/);
    assert.match(ok.out, /read as windows-1251/);
    const other = await t.open();
    try {
      const rows = await other.query<{ first_name: string }>('SELECT first_name FROM persons ORDER BY iin');
      assert.deepEqual(new Set(rows.map((r) => r.first_name)), new Set(['Ерлан', 'Айгерим']));
    } finally {
      await other.close();
    }
  } finally {
    await t.drop();
  }
});

/** The address of helpers/persons.ts as an export line holds it. */
const ADDRESS = '"Abay avenue 1, ""Block"" B"';

/** Writes a file from parts, a big part in 1 MiB pieces, so the test itself holds no big string. */
async function bigFile(name: string, parts: (string | { repeat: string; times: number })[]): Promise<string> {
  const p = join(dir, name);
  const out = createWriteStream(p);
  const write = async (s: string) => void (out.write(s) || (await once(out, 'drain')));
  for (const part of parts) {
    if (typeof part === 'string') await write(part);
    else {
      const piece = part.repeat.repeat(Math.ceil((1 << 20) / part.repeat.length));
      const n = Math.floor((part.times * part.repeat.length) / piece.length);
      for (let i = 0; i < n; i++) await write(piece);
    }
  }
  out.end();
  await once(out, 'finish');
  return p;
}

/** Runs fn while sampling resident memory; the peak growth over the start, in MB, and the time taken. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number; seconds: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t0 = performance.now();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: (peak - start) / 1e6, seconds: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

test('a 40 MB quoted CSV field is reported with its line and skipped in bounded memory; the rows after it are kept', async (t) => {
  const ps = people(1800, 4);
  const line = exportCsvLine(ps[1]!);
  const at = line.indexOf(ADDRESS);
  const f = await bigFile('huge-field.csv', [
    CSV_HEADER + exportCsvLine(ps[0]!),
    line.slice(0, at) + '"Abay\n', // the record starts on line 3, and its field spans lines before it runs long
    { repeat: 'x ""quoted"" ', times: 40_000_000 / 13 },
    '"' + line.slice(at + ADDRESS.length),
    exportCsvLine(ps[2]!) + exportCsvLine(ps[3]!),
  ]);
  const { result: s, peakMb, seconds } = await measured(() => run(f, { batchSize: 2 }));
  assert.deepEqual([s.inserted, s.rejected], [3, 1]);
  const [e] = errorsOf(s.errorFile);
  assert.deepEqual([e?.line, e?.field], ['3', 'address']);
  assert.match(e?.reason ?? '', /longer than 65,536 characters/);
  assert.deepEqual(await storedIins(ps.map((p) => p.iin)), [ps[0]!.iin, ps[2]!.iin, ps[3]!.iin].sort());
  t.diagnostic(`peak resident memory growth ${peakMb.toFixed(0)} MB`);
  assert.ok(peakMb < 200, `resident memory grew by ${peakMb.toFixed(0)} MB`);
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
});

test('a quoted field never closed to the end of a 40 MB file is reported and ends the import without hanging', async (t) => {
  const ps = people(1900, 3);
  const f = await bigFile('runaway.csv', [
    CSV_HEADER + exportCsvLine(ps[0]!) + exportCsvLine(ps[1]!),
    exportCsvLine(ps[2]!).replace(ADDRESS, '"Abay'),
    { repeat: 'Abay avenue 1,2,3\n', times: 40_000_000 / 18 },
  ]);
  const { result: s, peakMb } = await measured(() => run(f));
  assert.deepEqual([s.inserted, s.rejected], [2, 1]);
  const [e] = errorsOf(s.errorFile);
  assert.equal(e?.line, '4');
  assert.match(e?.reason ?? '', /longer than 65,536 characters.*never closed.*rest of the file/);
  t.diagnostic(`peak resident memory growth ${peakMb.toFixed(0)} MB`);
  assert.ok(peakMb < 200, `resident memory grew by ${peakMb.toFixed(0)} MB`);
});

test('a 40 MB NDJSON line is reported with its line and skipped in bounded memory', async (t) => {
  const ps = people(2000, 3);
  const f = await bigFile('huge-line.ndjson', [
    JSON.stringify(ps[0]) + '\n' + JSON.stringify(ps[1]).slice(0, -1) + ',"address":"',
    { repeat: 'Abay avenue ', times: 40_000_000 / 12 },
    '"}\n' + JSON.stringify(ps[2]) + '\n',
  ]);
  const { result: s, peakMb, seconds } = await measured(() => run(f));
  assert.deepEqual([s.inserted, s.rejected], [2, 1]);
  const [e] = errorsOf(s.errorFile);
  assert.equal(e?.line, '2');
  assert.match(e?.reason ?? '', /longer than 1,048,576 characters/);
  assert.deepEqual(await storedIins(ps.map((p) => p.iin)), [ps[0]!.iin, ps[2]!.iin].sort());
  t.diagnostic(`peak resident memory growth ${peakMb.toFixed(0)} MB`);
  assert.ok(peakMb < 200, `resident memory grew by ${peakMb.toFixed(0)} MB`);
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
});

test('the error report shows refused characters spelled out and never hands a spreadsheet a formula', async () => {
  const p = person(2100, { region: '=1+2' });
  const s = await run(file('report-formula.csv', CSV_HEADER + exportCsvLine(p)));
  assert.equal(s.rejected, 1);
  const [e] = errorsOf(s.errorFile);
  assert.equal(e?.field, 'region');
  assert.equal(e?.value, `'=1+2`);
});

test('the audit chain verifies after all of the above', async () => {
  assert.equal((await verifyAudit(db)).ok, true);
});
