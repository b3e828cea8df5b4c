import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLValidator } from 'fast-xml-parser';
import { runCli } from './helpers/cli.ts';


const run = (args: string[]) => runCli(args);

test('mobilize simulate writes the report as JSON, CSV, SVG charts and HTML, on worker threads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-sim-'));
  try {
    const r = await run(['simulate', 'examples/scenarios/tiny.yaml', '--runs', '3', '--threads', '2', '--seed', '9', '--out', dir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /3 run\(s\) in [\d.]+ s on 2 thread\(s\)/);
    assert.match(r.out, /50% of quota: P50 5\.0 h, P90 5\.0 h \(reached in 100% of runs\)/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    assert.equal(report.runs, 3);
    assert.deepEqual(report.forecast.series.reported.p50, [0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4]);
    assert.equal(report.forecast.timeTo.at(-1).targets[2].p50, 422 / 60);
    const curves = parseCsv(readFileSync(join(dir, 'curves.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const reported = curves.filter((c) => c.curve === 'reported' && c.group === 'total').map((c) => Number(c.p50));
    assert.deepEqual(reported, [0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4]);
    assert.ok(curves.some((c) => c.group === 'agency:armed_forces') && curves.some((c) => c.group === 'region:KZ-71'));
    const times = parseCsv(readFileSync(join(dir, 'time-to-quota.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(times.find((t) => t.agency === 'total' && t.share === '0.5'), { agency: 'total', quota: '4', share: '0.5', p50_hours: '5.03', p90_hours: '5.03', runs_reached: '1' });
    for (const svg of ['strength.svg', 'funnel.svg']) {
      const text = readFileSync(join(dir, svg), 'utf8');
      assert.equal(XMLValidator.validate(text), true, `${svg} is well-formed XML`);
      assert.match(text, /<path d="M/);
    }
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<h1>Four reservists, one SMS a minute, one place an hour<\/h1>/);
    assert.match(html, /<svg xmlns/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scenario with mistakes is refused with each one\'s line, and nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mobilize-sim-'));
  try {
    const text = readFileSync('examples/scenarios/tiny.yaml', 'utf8').replace('horizon_h: 10', 'horizon_h: -1').replace('per_day: 24 }', 'per_day: 24 }\ninjects:\n  - { kind: flood, at_h: 1 }');
    writeFileSync(join(dir, 'bad.yaml'), text);
    const r = await run(['simulate', join(dir, 'bad.yaml'), '--out', join(dir, 'out')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /error SIM_SCENARIO_INVALID: The scenario .*bad\.yaml is not valid:/);
    assert.match(r.err, /bad\.yaml:\d+: horizon_h: /);
    assert.match(r.err, /bad\.yaml:\d+: injects\[0\]\.kind: /);
    assert.equal(existsSync(join(dir, 'out')), false);
    assert.match((await run(['simulate', 'examples/scenarios/tiny.yaml', '--runs', '0'])).err, /--runs must be a whole number of at least 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
