import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Band, Forecast } from '../aggregate.ts';
import type { SimulationReport } from '../run.ts';
import { FINAL_STATES, SERIES } from '../states.ts';
import { PALETTE, lineChart } from './chart.ts';
import { reportHtml } from './html.ts';

const round = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? '' : Math.round(v * 10 ** d) / 10 ** d);

/** Every curve in long form: one row per hour × series (or agency, or region) with its percentiles. */
export function curvesCsv(f: Forecast): string {
  const rows: (string | number)[][] = [['hour', 'curve', 'group', 'p10', 'p50', 'p90', 'mean']];
  const put = (curve: string, group: string, b: Band) => b.p50.forEach((_, h) => rows.push([h, curve, group, b.p10[h] as number, b.p50[h] as number, b.p90[h] as number, round(b.mean[h] as number)]));
  for (const s of SERIES) put(s, 'total', f.series[s]);
  for (const [a, b] of Object.entries(f.byAgency)) put('reported', `agency:${a}`, b);
  for (const [r, b] of Object.entries(f.byRegion)) put('reported', `region:${r}`, b);
  return stringify(rows);
}

export function timeToCsv(f: Forecast): string {
  const rows: (string | number)[][] = [['agency', 'quota', 'share', 'p50_hours', 'p90_hours', 'runs_reached']];
  for (const t of f.timeTo) for (const x of t.targets) rows.push([t.agency, t.quota, x.share, round(x.p50), round(x.p90), round(x.reached, 3)]);
  return stringify(rows);
}

export function statesCsv(f: Forecast): string {
  return stringify([['state', 'mean', 'p10', 'p90'], ...FINAL_STATES.map((s) => [s, round(f.states[s].mean), f.states[s].p10, f.states[s].p90])]);
}

export function constraintsCsv(f: Forecast): string {
  const rows: (string | number)[][] = [['cause', 'where', 'short_mean', 'share_of_quota', 'explanation']];
  for (const c of f.constraints) {
    rows.push([c.key, '', round(c.short), round(c.shareOfQuota, 4), c.explanation]);
    for (const p of c.places) rows.push([c.key, p.where, round(p.short), round(f.quota > 0 ? p.short / f.quota : 0, 4), '']);
  }
  return stringify(rows);
}

const hoursAxis = (f: Forecast) => Array.from({ length: f.hours + 1 }, (_, h) => h);

/** Reported strength against the quota: the P10–P90 band and median of the total, and each agency's median. */
export function strengthChart(f: Forecast, title: string): string {
  return lineChart({
    title,
    xLabel: 'hours from the order',
    yLabel: 'people reported (fit and equipped)',
    x: hoursAxis(f),
    bands: [{ label: 'total, P10–P90', lo: f.series.reported.p10, hi: f.series.reported.p90, color: PALETTE[0] as string }],
    lines: [
      { label: 'total, median', values: f.series.reported.p50, color: PALETTE[0] as string, width: 3 },
      ...Object.entries(f.byAgency).map(([a, b], k) => ({ label: `${a}, median`, values: b.p50, color: PALETTE[(k + 1) % PALETTE.length] as string })),
    ],
    rules: [
      { label: `quota ${f.quota}`, y: f.quota },
      { label: '90 %', y: 0.9 * f.quota },
      { label: '50 %', y: 0.5 * f.quota },
    ],
  });
}

/** The whole funnel, medians: sent, reached, duly notified, read, arrived, reported. */
export function funnelChart(f: Forecast, title: string): string {
  return lineChart({
    title,
    xLabel: 'hours from the order',
    yLabel: 'people (median of runs)',
    x: hoursAxis(f),
    lines: SERIES.map((s, k) => ({ label: s, values: f.series[s].p50, color: PALETTE[k % PALETTE.length] as string, dashed: s === 'notified' })),
    rules: [{ label: `summoned ${f.summoned}`, y: f.summoned }],
  });
}

/** Writes report.json, the CSV files, two SVG charts and report.html to `dir`; returns the paths written. */
export function writeReport(dir: string, report: SimulationReport): string[] {
  mkdirSync(dir, { recursive: true });
  const f = report.forecast;
  const strength = strengthChart(f, `${report.scenario.title}: reported strength`);
  const funnel = funnelChart(f, `${report.scenario.title}: summons funnel`);
  const files: [string, string][] = [
    ['report.json', `${JSON.stringify(report, null, 1)}\n`],
    ['curves.csv', curvesCsv(f)],
    ['time-to-quota.csv', timeToCsv(f)],
    ['states.csv', statesCsv(f)],
    ['constraints.csv', constraintsCsv(f)],
    ['strength.svg', strength],
    ['funnel.svg', funnel],
    ['report.html', reportHtml(report, { strength, funnel })],
  ];
  return files.map(([name, body]) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  });
}
