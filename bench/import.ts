/**
 * Figure (issue: foundation): import N seeded persons (default 1,000,000) from CSV into PostgreSQL, in rows/s,
 * against `psql \copy` of the same file into an identical bare table (same columns, no keys or indexes) measured
 * in the same run. Goal: ratio ≥ 0.7. Also prints the PGlite rate for the same file.
 *
 * Context lines, each as a ratio to the same reference, bound what any importer can reach on this machine:
 * - keys built after the load: the reference table given the registry's primary key, check and index once loaded
 *   (the fastest way to end with a keyed registry, before any validation);
 * - the Node side alone: read, validate and serialize the file to COPY input, no database;
 * - the database side alone: psql \copy of that COPY input into the empty registry table.
 * The import needs both sides; overlapped it can at best take as long as the slower, so its ratio is at most the
 * smaller of the two, and only if both get a core of their own.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/db/client.ts';
import { fixedClock, kzDate } from '../src/kernel/clock.ts';
import { CSV_HEADER, PERSON_COLUMNS, exportCsvLine, importPersons, loadReferenceData } from '../src/modules/registry/index.ts';
import { Report, validBatches, validationContext } from '../src/modules/registry/import-source.ts';
import { BULK_COLUMNS, bulkInsertCsv } from '../src/modules/registry/merge.ts';
import { generatePersons } from '../src/modules/registry/synthetic.ts';
import { arg, scratchDatabase, timed } from './lib.ts';

const N = arg('persons', 1_000_000);
const clock = fixedClock('2026-11-23T06:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'mobilize-bench-import-'));
const file = join(dir, 'persons.csv');
const payload = join(dir, 'copy-input.csv');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

async function writeAll(path: string, parts: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for await (const p of parts) if (!out.write(p)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const gen = await timed(() =>
  writeAll(
    file,
    (function* () {
      yield CSV_HEADER;
      let chunk = '';
      for (const p of generatePersons({ count: N, seed: 42, today: '2026-11-23' })) {
        chunk += exportCsvLine(p);
        if (chunk.length > 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    })(),
  ),
);
console.log(`generated ${N} persons (${(statSync(file).size / 1e6).toFixed(0)} MB CSV) in ${gen.seconds.toFixed(1)} s; load average ${load()} on ${availableParallelism()} cores`);

// The Node side alone: exactly the importer's read → validate → COPY input path, written to a file instead of a socket.
const cpuSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};
const nodeSide = await timed(async () => {
  const from = process.cpuUsage();
  const report = new Report(join(dir, 'node-side.errors.csv'));
  const meta = { at: clock.now(), actor: 'bench', source: `import:${file}` };
  const batches = validBatches({ file, format: 'csv', ctx: validationContext(kzDate(clock.now())), report, batchSize: 10_000, stats: { rowsRead: 0, bytesRead: 0 } });
  await writeAll(
    payload,
    (async function* () {
      for await (const b of batches) yield bulkInsertCsv(b.rows, meta);
    })(),
  );
  await report.close();
  return cpuSince(from);
});

const bareDdl = (t: string, including: string) =>
  `CREATE TABLE ${t} (LIKE persons ${including}); ALTER TABLE ${t} ALTER children_birth_dates DROP DEFAULT, ALTER children_birth_dates TYPE text, ALTER children_birth_dates DROP NOT NULL`;
// The registry's keys as migrations 0001 and 0002 define them on persons.
const keysDdl = (t: string) =>
  `ALTER TABLE ${t} ADD PRIMARY KEY (iin), ADD CHECK (sex IN ('M', 'F'));
   CREATE INDEX ON ${t} (birth_date) INCLUDE (region, specialty, fitness, served, mil_registered) WHERE mil_category = 'reserve_officer'`;

/**
 * CPU seconds of server backends, read from /proc by the server itself (needs a superuser on the same host, as in
 * development; -1 otherwise). The wall-clock ratios swing with other users' load on a shared machine; CPU per row
 * does not, and on a saturated machine the wall ratio tends to the CPU ratio.
 */
const CPU_SQL = `SELECT pg_read_file('/proc/self/stat')`;
const ALL_CPU_SQL = `SELECT coalesce(string_agg(pg_read_file('/proc/' || pid || '/stat'), ''), '') AS s FROM pg_stat_activity
  WHERE datname = current_database() AND backend_type = 'client backend'`;
function cpuSeconds(stat: string): number {
  let ticks = 0;
  for (const m of stat.matchAll(/\) \S+((?: \S+){12})/g)) {
    const f = (m[1] as string).trim().split(' ');
    ticks += Number(f[10]) + Number(f[11]); // utime, stime: fields 14 and 15 of /proc/PID/stat
  }
  return ticks / 100; // USER_HZ
}
/** CPU seconds of all this database's backends (the import's pool); a backend that exits mid-run is not counted. */
const backendsCpu = async (db: Db) => cpuSeconds((await db.query<{ s: string }>(ALL_CPU_SQL))[0]?.s ?? '');

const scratch = await scratchDatabase('mobilize_bench_import');
const copy = (table: string, columns: readonly string[], from: string, header: boolean) =>
  timed(async () => {
    const out = execFileSync('psql', [scratch.url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', `\\copy ${table} (${columns.join(', ')}) FROM '${from}' WITH (FORMAT csv${header ? ', HEADER true' : ''})`, '-c', CPU_SQL]);
    return cpuSeconds(out.toString());
  });
try {
  const db = await openDb({ databaseUrl: scratch.url });
  await loadReferenceData(db);

  await db.query(bareDdl('bare_persons', 'INCLUDING DEFAULTS'));
  await db.query('CHECKPOINT');
  const psql = await copy('bare_persons', PERSON_COLUMNS, file, true);
  // Parallel index-build workers' CPU is not counted: the CPU ceiling below errs upwards.
  const keysAfter = await timed(async () => cpuSeconds(execFileSync('psql', [scratch.url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', keysDdl('bare_persons'), '-c', CPU_SQL]).toString()));
  await db.query('DROP TABLE bare_persons');

  await db.query(bareDdl('keyed_persons', 'INCLUDING ALL'));
  await db.query('CHECKPOINT');
  const keyed = await copy('keyed_persons', PERSON_COLUMNS, file, true);
  await db.query('DROP TABLE keyed_persons');

  await db.query('CHECKPOINT');
  const dbSide = await copy('persons', BULK_COLUMNS, payload, false);
  await db.query('TRUNCATE persons');
  await db.query('CHECKPOINT');

  const cpuBefore = { node: process.cpuUsage(), server: await backendsCpu(db) };
  const ours = await timed(() => importPersons(db, { file, actor: 'bench', clock }));
  const oursCpu = { node: cpuSince(cpuBefore.node), server: (await backendsCpu(db)) - cpuBefore.server };
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM persons');
  await db.close();
  if (n !== N || ours.value.rejected !== 0) throw new Error(`import stored ${n} of ${N} rows, rejected ${ours.value.rejected}`);

  const ref = psql.seconds;
  const line = (what: string, seconds: number) =>
    console.log(`${what}: ${Math.round(N / seconds)} rows/s (${seconds.toFixed(2)} s), ${(ref / seconds).toFixed(2)} of the reference`);
  console.log(`psql \\copy into a bare table (the reference): ${Math.round(N / ref)} rows/s (${ref.toFixed(2)} s)`);
  line('  context: psql \\copy into a table with the primary key', keyed.seconds);
  line(`  ceiling: the reference, then its keys built (${keysAfter.seconds.toFixed(2)} s)`, ref + keysAfter.seconds);
  line('  context: Node side alone (read, validate, COPY input)', nodeSide.seconds);
  line('  context: database side alone (psql \\copy of that COPY input into persons)', dbSide.seconds);
  line('mobilize registry import (PostgreSQL)', ours.seconds);
  console.log(`ratio: ${(ref / ours.seconds).toFixed(2)} (goal >= 0.70); load average ${load()}`);
  const us = (cpu: number) => `${((cpu * 1e6) / N).toFixed(1)} µs`;
  const refCpu = psql.value;
  console.log(`CPU per row: reference ${us(refCpu)} (server); keys built after ${us(keysAfter.value)}; psql \\copy with the key ${us(keyed.value)}`);
  console.log(`  Node side alone ${us(nodeSide.value)}; database side alone ${us(dbSide.value)} (server)`);
  console.log(`  mobilize import ${us(oursCpu.node)} Node + ${us(oursCpu.server)} server: CPU ratio ${(refCpu / (oursCpu.node + oursCpu.server)).toFixed(2)}, ceiling (reference + keys) ${(refCpu / (refCpu + keysAfter.value)).toFixed(2)}`);
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
