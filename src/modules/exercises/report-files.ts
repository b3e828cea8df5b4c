import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { PALETTE, STYLE, escapeXml as esc, lineChart, table, type Band } from '../simulation/index.ts';
import { FORECAST_OF, LIVE_SERIES } from './live.ts';
import type { AfterActionReport } from './report.ts';

/**
 * Live curves against the forecast: the forecast's P10–P90 band and median over its whole horizon, the live count
 * as a solid line up to the last whole hour of the exercise.
 */
export function afterActionChart(r: AfterActionReport): string {
  const last = Math.max(...r.comparisons.map((c) => c.lastHour));
  const x = Array.from({ length: r.forecast.hours + 1 }, (_, h) => h);
  const cut = (xs: readonly number[]) => xs.slice(0, x.length);
  const live = (xs: readonly number[]) => x.map((h) => (h <= last ? (xs[h] as number) : NaN));
  const shown = ['notified', 'appeared'] as const;
  return lineChart({
    title: `EXERCISE ${r.exercise.id}: live against forecast`,
    xLabel: 'hours from the start of the exercise',
    yLabel: 'people',
    x,
    bands: shown.map((s, k) => ({ label: `forecast ${FORECAST_OF[s]}, P10–P90`, lo: cut((r.forecast.series[FORECAST_OF[s]] as Band).p10), hi: cut((r.forecast.series[FORECAST_OF[s]] as Band).p90), color: PALETTE[k] as string })),
    lines: shown.flatMap((s, k) => [
      { label: `forecast ${FORECAST_OF[s]}, median`, values: cut((r.forecast.series[FORECAST_OF[s]] as Band).p50), color: PALETTE[k] as string, dashed: true },
      { label: `live: ${s}`, values: live(r.live.curves[s]), color: PALETTE[k] as string, width: 3 },
    ]),
    rules: [{ label: `needed ${r.target}`, y: r.target }],
  });
}

export function afterActionHtml(r: AfterActionReport, chart: string): string {
  const e = r.exercise;
  const h = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} h`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EXERCISE ${esc(e.id)} — after-action report</title><style>${STYLE}</style></head>
<body>
<h1>EXERCISE ${esc(e.id)} — after-action report</h1>
<p class="muted">${esc(e.title)} (scenario ${esc(e.scenario)}), plan ${e.planId}; started ${esc(e.startedAt)}, ${e.stoppedAt ? `stopped ${esc(e.stoppedAt)}` : 'still running'}
(${e.elapsedH.toFixed(1)} h); appearance ${esc(e.appearanceAt)}; ${r.live.summonses} EXERCISE summonses; forecast from ${r.forecast.runs} simulation runs.</p>
<h2>Findings</h2>
<ul>${r.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
${chart}
<h2>Live against forecast</h2>
${table(['live', 'forecast', 'hour', 'live count', 'forecast P10', 'P50', 'P90', 'verdict', 'hours within band', 'largest gap'], r.comparisons.map((c) => [c.live, c.forecast, c.atEnd.hour, c.atEnd.actual, c.atEnd.p10, c.atEnd.p50, c.atEnd.p90, c.atEnd.verdict, `${Math.round(c.withinBand * 100)} %`, `${c.largestGap.gap > 0 ? '+' : ''}${c.largestGap.gap} at hour ${c.largestGap.hour}`]))}
<h2>Time to strength (appeared)</h2>
${table(['share', 'people', 'live', 'forecast P50', 'forecast band', 'verdict'], r.timeTo.map((t) => [`${t.share * 100} %`, t.people, h(t.actualH), t.forecastP50H === null ? 'never' : h(t.forecastP50H), t.earliestH === null ? 'never' : `${h(t.earliestH)} – ${t.latestH === null ? 'never' : h(t.latestH)}`, t.verdict]))}
<h2>Legal state of the summonses now</h2>
${table(['state', 'summonses'], [...Object.entries(r.live.legal), ['reason reported, not decided', r.live.reasonPending]])}
<h2>Timeline</h2>
${table(['#', 'at', 'hour', 'who', 'what', 'scheduled hour', 'text'], r.timeline.map((t) => [t.seq, t.at, Math.round(t.elapsedH * 10) / 10, t.actor, t.kind, t.scheduledH ?? '', t.text]))}
${r.injectsNotDelivered.length ? `<h2>Injects never delivered</h2>${table(['#', 'hour', 'inject'], r.injectsNotDelivered.map((i) => [i.index, i.atH, i.text]))}` : ''}
<p class="muted">Forecast bottleneck: ${esc(r.forecast.bottleneck ?? 'none')}.</p>
</body></html>
`;
}

/** after-action.json, after-action.html, after-action.svg and live-curves.csv in `dir`; returns the paths. */
export function writeAfterAction(dir: string, r: AfterActionReport): string[] {
  mkdirSync(dir, { recursive: true });
  const chart = afterActionChart(r);
  const rows: (string | number)[][] = [['hour', ...LIVE_SERIES.flatMap((s) => [`live_${s}`, `forecast_${FORECAST_OF[s]}_p10`, `forecast_${FORECAST_OF[s]}_p50`, `forecast_${FORECAST_OF[s]}_p90`])]];
  for (let hour = 0; hour <= r.forecast.hours; hour++) {
    rows.push([hour, ...LIVE_SERIES.flatMap((s) => {
      const b = (r.forecast.series[FORECAST_OF[s]] as Band);
      return [r.live.curves[s][hour] as number, b.p10[hour] as number, b.p50[hour] as number, b.p90[hour] as number];
    })]);
  }
  const files: [string, string][] = [
    ['after-action.json', `${JSON.stringify(r, null, 1)}\n`],
    ['after-action.svg', chart],
    ['after-action.html', afterActionHtml(r, chart)],
    ['live-curves.csv', stringify(rows)],
  ];
  return files.map(([name, body]) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  });
}
