import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSV_HEADER, exportCsvLine } from '../src/modules/registry/index.ts';
import { createTestDatabase } from './helpers/db.ts';
import { person } from './helpers/persons.ts';

const ROWS = 300_000;
const CLI = join(import.meta.dirname, '..', 'bin', 'mobilize.js');

function cli(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, MOBILIZE_ACTOR: 'crash-test' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('kill -9 during a large import, then a re-run: nothing lost, nothing duplicated', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-crash-'));
  const file = join(dir, 'big.csv');
  const out = createWriteStream(file);
  out.write(CSV_HEADER);
  for (let i = 0; i < ROWS; i++) if (!out.write(exportCsvLine(person(i)))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');

  const t = await createTestDatabase();
  try {
    // First run: killed with SIGKILL once it reports committed rows.
    const first = cli(['registry', 'import', file, '--batch', '5000'], t.env);
    let stderr = '';
    first.stderr.on('data', (d: Buffer) => {
      stderr += d;
      // The latest progress line counts: the first ones may come before any batch has committed.
      const committed = [...stderr.matchAll(/committed=(\d+)/g)].at(-1)?.[1];
      if (Number(committed) > 0 && first.exitCode === null) first.kill('SIGKILL');
    });
    const [code, signal] = (await once(first, 'exit')) as [number | null, string | null];
    assert.equal(signal, 'SIGKILL', `the import was not killed mid-run (exit ${code}): ${stderr}`);

    let db = await t.open();
    const partial = Number((await db.query<{ n: number }>('SELECT count(*) AS n FROM persons'))[0]?.n);
    await db.close();
    assert.ok(partial > 0 && partial < ROWS, `expected a partial import, found ${partial} rows`);

    // Second run: completes.
    const second = cli(['registry', 'import', file, '--batch', '5000'], t.env);
    let out2 = '';
    second.stdout.on('data', (d: Buffer) => (out2 += d));
    const [code2] = (await once(second, 'exit')) as [number | null];
    assert.equal(code2, 0, out2);
    assert.match(out2, new RegExp(`${ROWS - partial} inserted, 0 updated, ${partial} unchanged, 0 rejected`));

    db = await t.open();
    const [r] = await db.query<{ n: number; distinct_iin: number; created_by_import: number; updates: number }>(
      `SELECT (SELECT count(*) FROM persons) AS n, (SELECT count(DISTINCT iin) FROM persons) AS distinct_iin,
              (SELECT count(*) FROM persons WHERE created_by = 'cli:crash-test' AND created_via = $1) AS created_by_import,
              (SELECT count(*) FROM person_history) AS updates`,
      [`import:${file}`],
    );
    await db.close();
    assert.deepEqual(r, { n: ROWS, distinct_iin: ROWS, created_by_import: ROWS, updates: 0 });
  } finally {
    await t.drop();
  }
});
