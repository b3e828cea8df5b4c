import type { Forecast } from '../aggregate.ts';
import type { SimulationReport } from '../run.ts';
import { FINAL_STATES, STAGES } from '../states.ts';
import { escapeXml as esc } from './chart.ts';

/** Helpers shared with the exercise's after-action report. */
export const hoursText = (v: number | null) => (v === null ? 'not reached' : `${v.toFixed(1)} h`);
export const num = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: 1 }));

export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number, tag: string) => `<${tag}${typeof v === 'number' ? ' class="n"' : ''}>${typeof v === 'number' ? num(v) : esc(v)}</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(h, 'th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

export const STYLE = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.4}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td.n,th.n{text-align:right}th{background:#f4f4f4}
.bottleneck{background:#fff4e5;border-left:4px solid #ff9800;padding:.6em 1em}.muted{color:#666}svg{max-width:100%;height:auto}`;

export function timeToTable(f: Forecast): string {
  return table(
    ['agency', 'quota', ...(f.timeTo[0]?.targets ?? []).flatMap((t) => [`${t.share * 100} % P50`, `${t.share * 100} % P90`, `${t.share * 100} % runs reached`])],
    f.timeTo.map((t) => [t.agency, t.quota, ...t.targets.flatMap((x) => [hoursText(x.p50), hoursText(x.p90), `${Math.round(x.reached * 100)} %`])]),
  );
}

/** A self-contained HTML report: the figures, the charts inline, and the assumptions they rest on. */
export function reportHtml(r: SimulationReport, charts: { strength: string; funnel: string }): string {
  const f = r.forecast;
  const a = r.assumptions;
  const b = f.bottleneck;
  const states = table(['final state at the horizon', 'mean', 'P10', 'P90'], FINAL_STATES.map((s) => [s, f.states[s].mean, f.states[s].p10, f.states[s].p90]));
  const stages = table(['stage', 'mean hours per person reported'], STAGES.map((s) => [s.replace(/_/g, ' '), Math.round(f.stages[s] * 100) / 100]));
  const constraints = table(['cause', 'people short (mean)', 'share of quota', 'explanation'], f.constraints.slice(0, 15).map((c) => [c.key, Math.round(c.short * 10) / 10, `${(c.shareOfQuota * 100).toFixed(1)} %`, c.explanation]));
  const slow = f.slowestStage;
  const points = table(
    ['assembly point', 'per day', 'arrived', 'processed', 'queued at end', 'peak queue', 'mean wait h', 'busy use', 'stock out at', 'unequipped'],
    Object.entries(f.points).map(([p, s]) => [p, s.perDay, s.arrived, s.served, s.waitingAtEnd, s.peakQueue, Math.round(s.meanWaitH * 100) / 100, `${Math.round(s.utilisation * 100)} %`, hoursText(s.stockOutH), s.unequipped]),
  );
  const paper = table(['paper couriers', 'handed out', 'queued at end', 'mean wait h'], Object.entries(f.channels.paper).map(([p, s]) => [p, s.served, s.waitingAtEnd, Math.round(s.meanWaitH * 100) / 100]));
  const cells = table(['agency', 'specialty', 'serves in', 'quota', 'planned', 'shortfall', 'why'], r.plan.cells.map((c) => [c.agency, c.specialty, c.receivingRegion, c.quota, c.filled, c.shortfall, c.reason ?? '']));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.scenario.title)} — simulation</title><style>${STYLE}</style></head>
<body>
<h1>${esc(r.scenario.title)}</h1>
<p class="muted">Scenario <b>${esc(r.scenario.name)}</b> (${esc(r.scenario.source)}), order at ${esc(r.scenario.start)}, horizon ${r.scenario.horizonH} h;
${r.runs} Monte Carlo run(s), seed ${esc(String(r.scenario.seed))}, ${r.threads} thread(s), ${r.seconds.toFixed(1)} s.</p>
<p>${num(f.summoned)} people summoned for a quota of ${num(f.quota)} (planned ×${r.scenario.oversummon}; ${esc(r.plan.source)}; ${num(r.plan.eligible)} eligible, shortfall ${num(r.plan.shortfall)}).
Median reported at the horizon: <b>${num(f.series.reported.p50[f.hours] ?? 0)}</b> (P10 ${num(f.series.reported.p10[f.hours] ?? 0)}, P90 ${num(f.series.reported.p90[f.hours] ?? 0)}).</p>
<p class="bottleneck">${b ? `<b>Bottleneck:</b> ${esc(b.explanation)} — ${(b.shareOfQuota * 100).toFixed(1)} % of the quota.` : 'No capacity constraint keeps anyone out of the strength at the horizon.'}
<br><b>Slowest stage:</b> ${esc(slow.stage.replace(/_/g, ' '))}, ${slow.hours.toFixed(1)} h on average per person reported (${Math.round(slow.shareOfTotal * 100)} % of their time from the order).</p>
<h2>Time to strength</h2>
${timeToTable(f)}
${charts.strength}
<h2>Summons funnel</h2>
${charts.funnel}
<h2>Where people stand at the horizon</h2>
${states}
<h2>What holds the strength back</h2>
${constraints}
<h2>Where the hours go</h2>
${stages}
<h2>Assembly points</h2>
${points}
<h2>Channels</h2>
<p>SMS: mean wait ${f.channels.sms.meanWaitH.toFixed(2)} h, last sent at ${hoursText(f.channels.sms.lastH)}, ${num(f.channels.sms.waitingAtEnd)} still queued at the end.
e-Gov: mean wait ${f.channels.egov.meanWaitH.toFixed(2)} h, last posted at ${hoursText(f.channels.egov.lastH)}, ${num(f.channels.egov.waitingAtEnd)} still queued.</p>
${Object.keys(f.channels.paper).length ? paper : '<p>No paper summonses.</p>'}
<h2>Plan</h2>
${cells}
<h2>Assumptions</h2>
<ul>
<li>${esc(a.legal)}</li>
${a.channels.map((c) => `<li>${esc(c)}</li>`).join('\n')}
<li>${esc(a.response)}</li>
<li>${esc(a.travel)}</li>
<li>${esc(a.assembly)}</li>
</ul>
<h2>Injected events</h2>
${a.injects.length ? `<ul>${a.injects.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '<p>None.</p>'}
</body></html>
`;
}
