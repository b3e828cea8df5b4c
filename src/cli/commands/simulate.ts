import type { Command } from 'commander';
import { DomainError } from '../../kernel/errors.ts';
import { forecastScenario, hoursText, prepareScenario, readScenarioFile, writeReport, type PreparedScenario, type SimulationReport } from '../../modules/simulation/index.ts';
import { withContext } from '../context.ts';
import { progress } from '../progress.ts';

interface SimulateOptions {
  runs: string;
  seed?: string;
  out: string;
  threads?: string;
  plan?: string;
}

function whole(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new DomainError('CLI_BAD_OPTION', `${name} must be a whole number of at least ${min}, not "${v}"`);
  return n;
}

/** What a terminal shows: the figures a coordinator asks first. */
export function renderSummary(r: SimulationReport, files: readonly string[]): string {
  const f = r.forecast;
  const total = f.timeTo.find((t) => t.agency === 'total');
  const lines = [
    `${r.scenario.title} — ${r.runs} run(s) in ${r.seconds.toFixed(1)} s on ${r.threads} thread(s)`,
    `summoned ${f.summoned} for a quota of ${f.quota}; reported at hour ${f.hours}: median ${f.series.reported.p50[f.hours]} (P10 ${f.series.reported.p10[f.hours]}, P90 ${f.series.reported.p90[f.hours]})`,
    ...(total?.targets ?? []).map((t) => `  ${t.share * 100}% of quota: P50 ${hoursText(t.p50)}, P90 ${hoursText(t.p90)} (reached in ${Math.round(t.reached * 100)}% of runs)`),
    f.bottleneck ? `bottleneck: ${f.bottleneck.explanation}` : 'bottleneck: none within the horizon',
    `slowest stage: ${f.slowestStage.stage.replace(/_/g, ' ')}, ${f.slowestStage.hours.toFixed(1)} h per person reported`,
    `written: ${files.join(', ')}`,
  ];
  return lines.join('\n');
}

export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate a mobilization scenario (Monte Carlo) and write JSON, CSV, SVG charts and an HTML report')
    .argument('<scenario>', 'scenario file, e.g. examples/scenarios/kz-today.yaml')
    .option('--runs <n>', 'Monte Carlo runs', '20')
    .option('--seed <seed>', "seed of the runs (default: the scenario's)")
    .option('--out <dir>', 'directory for the report files', 'simulation-out')
    .option('--threads <n>', 'worker threads (default: one per core)')
    .option('--plan <ref>', 'for a scenario on the live registry: the stored plan to simulate (ORDER@vN or its number)')
    .action(async (file: string, o: SimulateOptions) => {
      const runs = whole('--runs', o.runs, 1);
      const threads = o.threads !== undefined ? whole('--threads', o.threads, 1) : undefined;
      const loaded = readScenarioFile(file);
      const prepare = (extra: Parameters<typeof prepareScenario>[1] = {}) => prepareScenario(loaded, { ...(o.plan ? { plan: o.plan } : {}), ...extra });
      const prepared: PreparedScenario =
        loaded.scenario.population.source === 'registry'
          ? await withContext(({ db, actor }) => prepare({ db, actor, at: new Date() }))
          : await prepare();
      const bar = progress('simulating', runs, 'runs');
      const report = await forecastScenario(prepared, {
        runs,
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(threads !== undefined ? { threads } : {}),
        onRun: (done) => bar.update(done),
      });
      bar.stop();
      console.log(renderSummary(report, writeReport(o.out, report)));
    });
}
