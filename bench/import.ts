/**
 * Figure (issue: foundation): import N seeded persons (default 1,000,000) from CSV into PostgreSQL, in rows/s,
 * against `psql \copy` of the same file into an identical bare table (same columns, no keys or indexes) measured
 * in the same run. Goal: ratio ≥ 0.7. Also prints the PGlite rate for the same file.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/client.ts';
import { fixedClock } from '../src/kernel/clock.ts';
import { CSV_HEADER, PERSON_COLUMNS, exportCsvLine, importPersons, loadReferenceData } from '../src/modules/registry/index.ts';
import { generatePersons } from '../src/modules/registry/synthetic.ts';
import { arg, scratchDatabase, timed } from './lib.ts';

const N = arg('persons', 1_000_000);
const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-bench-import-'));
const file = join(dir, 'persons.csv');

const gen = await timed(async () => {
  const out = createWriteStream(file);
  out.write(CSV_HEADER);
  let chunk = '';
  for (const p of generatePersons({ count: N, seed: 42, today: '2026-11-23' })) {
    chunk += exportCsvLine(p);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
});
console.log(`generated ${N} persons (${(statSync(file).size / 1e6).toFixed(0)} MB CSV) in ${gen.seconds.toFixed(1)} s`);

const scratch = await scratchDatabase('mobilize_bench_import');
try {
  const db = await openDb({ databaseUrl: scratch.url });
  await loadReferenceData(db);
  await db.query('CREATE TABLE bare_persons (LIKE persons INCLUDING DEFAULTS); ALTER TABLE bare_persons ALTER children_birth_dates DROP DEFAULT, ALTER children_birth_dates TYPE text, ALTER children_birth_dates DROP NOT NULL');
  await db.query('CHECKPOINT');

  const psql = await timed(async () =>
    execFileSync('psql', [scratch.url, '-qc', `\\copy bare_persons (${PERSON_COLUMNS.join(', ')}) FROM '${file}' WITH (FORMAT csv, HEADER true)`]),
  );
  await db.query('DROP TABLE bare_persons');
  // Context, not the goal's reference: the same \copy into a table with the registry's key and checks.
  await db.query('CREATE TABLE keyed_persons (LIKE persons INCLUDING ALL); ALTER TABLE keyed_persons ALTER children_birth_dates DROP DEFAULT, ALTER children_birth_dates TYPE text, ALTER children_birth_dates DROP NOT NULL');
  await db.query('CHECKPOINT');
  const keyed = await timed(async () =>
    execFileSync('psql', [scratch.url, '-qc', `\\copy keyed_persons (${PERSON_COLUMNS.join(', ')}) FROM '${file}' WITH (FORMAT csv, HEADER true)`]),
  );
  await db.query('DROP TABLE keyed_persons');
  await db.query('CHECKPOINT');

  const ours = await timed(() => importPersons(db, { file, actor: 'bench', clock }));
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM persons');
  await db.close();
  if (n !== N || ours.value.rejected !== 0) throw new Error(`import stored ${n} of ${N} rows, rejected ${ours.value.rejected}`);

  const refRate = N / psql.seconds;
  const ourRate = N / ours.seconds;
  console.log(`psql \\copy into a bare table: ${Math.round(refRate)} rows/s (${psql.seconds.toFixed(2)} s)`);
  console.log(`psql \\copy into a table with the primary key: ${Math.round(N / keyed.seconds)} rows/s (${keyed.seconds.toFixed(2)} s)`);
  console.log(`mobilize registry import (PostgreSQL): ${Math.round(ourRate)} rows/s (${ours.seconds.toFixed(2)} s)`);
  console.log(`ratio: ${(ourRate / refRate).toFixed(2)} (goal >= 0.70)`);
} finally {
  await scratch.drop();
}

const pgliteDir = join(dir, 'pglite');
const lite = await openDb({ dataDir: pgliteDir });
await loadReferenceData(lite);
const liteRun = await timed(() => importPersons(lite, { file, actor: 'bench', clock }));
await lite.close();
console.log(`mobilize registry import (PGlite): ${Math.round(N / liteRun.seconds)} rows/s (${liteRun.seconds.toFixed(2)} s)`);
rmSync(dir, { recursive: true, force: true });
