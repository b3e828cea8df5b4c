import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/kernel/clock.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import type { Db } from '../src/db/client.ts';
import { CSV_HEADER, exportCsvLine, exportPersons, importPersons, personHistory, type ImportOptions } from '../src/modules/registry/index.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { readReport } from './helpers/import-report.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-import-'));
let db: Db;

before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const run = (f: string, extra: Partial<ImportOptions> = {}) => importPersons(db, { file: f, actor: 'test', clock, ...extra });

const count = async (sql: string) => Number((await db.query<{ n: number }>(sql))[0]?.n);

test('good rows are kept and bad rows are reported by line, field and reason', async () => {
  const good1 = person(1);
  const good2 = person(2, { children_birth_dates: ['2001-02-03', '1999-12-31'] });
  const mismatch = person(3, { iin: person(3).iin, birth_date: '1980-05-05' }); // the IIN encodes another birth date
  const badIin = person(4, { iin: '900101300018' });
  const badRegion = person(5, { region: 'KZ-99' });
  const lines = [good1, good2, mismatch, badIin, badRegion].map(exportCsvLine);
  const noName = exportCsvLine(person(6)).replace('Ерлан', '').replace('Айгерим', '').replace(/^(\d{12}),[^,]*,/, '$1,,');
  const text =
    CSV_HEADER +
    lines.join('') +
    noName +
    '123,too,few,fields\n' +
    exportCsvLine(person(7, { birth_date: '2031-01-01' })) +
    exportCsvLine(person(8, { mobile: '8701123' }));
  const f = file('mixed.csv', text);
  const s = await run(f);
  assert.equal(s.rowsRead, 9);
  assert.equal(s.inserted, 3);
  assert.equal(s.rejected, 6);
  assert.equal(s.warnings, 1);

  const report = readReport(s.errorFile);
  const at = (line: number, field: string) => report.find((r) => r.line === String(line) && r.field === field);
  assert.match(at(5, 'iin')?.reason ?? '', /wrong check digit/);
  assert.match(at(6, 'region')?.reason ?? '', /not a known region/);
  assert.match(at(7, 'last_name')?.reason ?? '', /required/);
  assert.match(at(8, '(row)')?.reason ?? '', /4 fields, the header has 27/);
  assert.match(at(9, 'birth_date')?.reason ?? '', /between 1900-01-01 and 2026-11-23/);
  assert.match(at(10, 'mobile')?.reason ?? '', /E\.164/);
  const warning = report.find((r) => r.severity === 'warning');
  assert.equal(warning?.line, '4');
  assert.match(warning?.reason ?? '', /IIN encodes birth date .* record says 1980-05-05/);

  const stored = await db.query<{ iin: string; children_birth_dates: string[] }>('SELECT iin, children_birth_dates FROM persons ORDER BY iin');
  assert.deepEqual(stored.map((r) => r.iin).sort(), [good1.iin, good2.iin, mismatch.iin].sort());
  assert.deepEqual(stored.find((r) => r.iin === good2.iin)?.children_birth_dates, ['1999-12-31', '2001-02-03']);
  assert.equal(await count(`SELECT count(*) AS n FROM persons WHERE iin IN ('${badRegion.iin}', '900101300018')`), 0);
});

test('re-importing the same file changes nothing; a changed row is updated with its history', async () => {
  const people = Array.from({ length: 30 }, (_, i) => person(100 + i));
  const f = file('thirty.csv', CSV_HEADER + people.map(exportCsvLine).join(''));
  const first = await run(f, { batchSize: 7 });
  assert.deepEqual([first.inserted, first.updated, first.unchanged], [30, 0, 0]);
  const history = await count('SELECT count(*) AS n FROM person_history');
  const snapshot = await db.query('SELECT * FROM persons ORDER BY iin');

  const second = await run(f, { batchSize: 7 });
  assert.deepEqual([second.inserted, second.updated, second.unchanged, second.rejected], [0, 0, 30, 0]);
  assert.equal(await count('SELECT count(*) AS n FROM person_history'), history);
  assert.deepEqual(await db.query('SELECT * FROM persons ORDER BY iin'), snapshot);

  const changed = { ...people[3]!, mobile: '+77770001122', volunteer: true };
  const third = await run(file('one-changed.csv', CSV_HEADER + exportCsvLine(changed)));
  assert.deepEqual([third.inserted, third.updated], [0, 1]);
  const h = (await personHistory(db, changed.iin, { actor: 'test', purpose: 'check', at: clock.now() })) ?? [];
  assert.deepEqual(h.map((r) => r.kind), ['create', 'update']);
  assert.deepEqual(h[0]?.changes.mobile, [null, '+77011234567']);
  assert.deepEqual(h[0]?.changes.volunteer, [null, false]);
  assert.equal(h[0]?.source, `import:${f}`);
  assert.deepEqual(h[1]?.changes, { mobile: ['+77011234567', '+77770001122'], volunteer: [false, true] });
  assert.equal(h[1]?.actor, 'test');
});

test('NDJSON rows are validated the same way, with typed values', async () => {
  const p = person(300);
  const lines = [
    JSON.stringify({ ...p, children_birth_dates: ['2010-01-01'] }),
    '{"iin": "broken json',
    JSON.stringify({ ...person(301), sex: 'X' }),
    JSON.stringify({ ...person(302), nickname: 'Ace' }),
    '',
    '[1,2]',
  ];
  const s = await run(file('rows.ndjson', lines.join('\n') + '\n'));
  assert.equal(s.inserted, 1);
  assert.equal(s.rejected, 4);
  const report = readReport(s.errorFile);
  assert.deepEqual(
    report.map((r) => [r.line, r.field]),
    [['2', '(row)'], ['3', 'sex'], ['4', 'nickname'], ['6', '(row)']],
  );
  const [row] = await db.query<{ children_birth_dates: string[] }>('SELECT children_birth_dates FROM persons WHERE iin = $1', [p.iin]);
  assert.deepEqual(row?.children_birth_dates, ['2010-01-01']);
});

test('the same IIN twice in one file: the later row wins and the earlier is noted', async () => {
  const a = person(400);
  const b = { ...a, address: 'Second address' };
  const s = await run(file('dup.csv', CSV_HEADER + exportCsvLine(a) + exportCsvLine(b)));
  assert.equal(s.inserted, 1);
  assert.equal(s.warnings, 1);
  assert.match(readReport(s.errorFile)[0]?.reason ?? '', /also on line 2; this later row wins/);
  const [row] = await db.query<{ address: string }>('SELECT address FROM persons WHERE iin = $1', [a.iin]);
  assert.equal(row?.address, 'Second address');
});

test('a bad header stops the import before anything is written', async () => {
  const before = await count('SELECT count(*) AS n FROM persons');
  await assert.rejects(run(file('header.csv', 'iin,last_name,shoe_size\n')), (e) => isDomainError(e, 'IMPORT_BAD_HEADER') && /shoe_size/.test(e.message));
  await assert.rejects(run(file('missing.csv', 'iin,last_name\n')), (e) => isDomainError(e, 'IMPORT_BAD_HEADER') && /first_name/.test(e.message));
  assert.equal(await count('SELECT count(*) AS n FROM persons'), before);
});

test('export then import into an empty registry gives back the same file', async () => {
  const a = join(dir, 'export-a.csv');
  const out = createWriteStream(a);
  const n = await exportPersons(db, out, { actor: 'test', clock, pageSize: 8 });
  out.end();
  await once(out, 'finish');
  assert.ok(n > 30);

  const other = await freshDb();
  try {
    const s = await importPersons(other, { file: a, actor: 'test', clock });
    assert.equal(s.inserted, n);
    assert.equal(s.rejected, 0);
    const b = join(dir, 'export-b.csv');
    const out2 = createWriteStream(b);
    await exportPersons(other, out2, { actor: 'test', clock });
    out2.end();
    await once(out2, 'finish');
    assert.equal(readFileSync(b, 'utf8'), readFileSync(a, 'utf8'));
  } finally {
    await other.close();
  }
});

test('every import batch left an entry in an intact audit chain', async () => {
  const v = await verifyAudit(db);
  assert.equal(v.ok, true);
  assert.ok(v.entries >= 10);
  const batches = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'registry.import.batch'");
  assert.ok(batches >= 6);
});
