import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  exerciseReport,
  getExercise,
  injectExercise,
  listExercises,
  observeExercise,
  runExerciseDispatch,
  startExercise,
  stopExercise,
  writeAfterAction,
  type InjectChoice,
} from '../../modules/exercises/index.ts';
import { readScenarioFile } from '../../modules/simulation/index.ts';
import { withContext } from '../context.ts';

function whole(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new DomainError('CLI_BAD_OPTION', `${name} must be a whole number of at least ${min}, not "${v}"`);
  return n;
}

export function exerciseCommands(program: Command): void {
  const exercise = program.command('exercise').description('national exercises: a scenario run against the live system in EXERCISE mode');

  exercise
    .command('start')
    .description('run once as the director to draft the EXERCISE plan; once a second officer has approved it (mobilize callup approve ID), run again as someone other than the author to issue it, forecast it and open the timeline')
    .argument('<scenario>', 'scenario file, e.g. examples/scenarios/kz-four-tier.yaml')
    .requiredOption('--id <id>', 'the exercise id (also the id of its call-up order)')
    .option('--runs <n>', 'simulation runs of the forecast', '20')
    .option('--seed <seed>', 'seed of the forecast')
    .option('--dispatch', 'send the EXERCISE messages now, through SMSC and e-Gov simulators started for it (exercise channels only)')
    .option('--dispatch-timeout <s>', 'most seconds to wait for the messages and their receipts', '120')
    .action(async (file: string, o: { id: string; runs: string; seed?: string; dispatch?: boolean; dispatchTimeout: string }) => {
      const loaded = readScenarioFile(file);
      const runs = whole('--runs', o.runs, 1);
      const timeoutMs = whole('--dispatch-timeout', o.dispatchTimeout, 1) * 1000;
      await withContext(async ({ db, actor }) => {
        const r = await startExercise(db, loaded, { id: o.id, actor, clock: systemClock, runs, ...(o.seed ? { seed: o.seed } : {}) });
        if (r.stage === 'drafted') {
          console.log(`EXERCISE plan #${r.planId} drafted for exercise ${o.id}.${r.note ? `\nNote: ${r.note}` : ''}`);
          console.log(`Next: a second officer approves it (mobilize callup approve ${o.id}), then someone other than ${actor} runs this command again to issue it.`);
          return;
        }
        const ex = r.exercise;
        const total = ex.forecast.forecast.timeTo.find((t) => t.agency === 'total');
        console.log(`EXERCISE ${ex.id} started: plan #${ex.planId}, ${r.summonses} EXERCISE summonses, appearance ${ex.appearanceAt.toISOString()}`);
        if (r.note) console.log(`Note: ${r.note}`);
        console.log(`forecast (${ex.forecast.runs} runs): ${(total?.targets ?? []).map((t) => `${t.share * 100}% by ${t.p50 === null ? 'not reached' : `${t.p50.toFixed(1)} h`}`).join(', ')}`);
        if (o.dispatch) {
          const d = await runExerciseDispatch(db, ex.planId, { clock: systemClock, timeoutMs });
          console.log(`dispatched to the exercise simulators: ${d.sms.submitted} SMS, ${d.egov.submitted} e-Gov messages${d.finished ? '' : ' (timed out before every receipt was in)'}`);
        }
      });
    });

  exercise
    .command('inject')
    .description("deliver an inject: the scenario's next one, one by its index, or an unscripted one")
    .argument('<id>', 'exercise id')
    .option('--next', "the scenario's next inject not yet delivered (the default)")
    .option('--index <n>', "the scenario's inject with this index")
    .option('--text <text>', 'an unscripted inject, in words')
    .action(async (id: string, o: { next?: boolean; index?: string; text?: string }) => {
      const given = [o.next, o.index !== undefined, o.text !== undefined].filter(Boolean).length;
      if (given > 1) throw new DomainError('CLI_BAD_OPTION', 'give one of --next, --index or --text');
      const choice: InjectChoice = o.text !== undefined ? { text: o.text } : o.index !== undefined ? { index: whole('--index', o.index, 0) } : { next: true };
      await withContext(async ({ db, actor }) => {
        const e = await injectExercise(db, id, choice, { actor, clock: systemClock });
        console.log(`inject #${e.seq} at hour ${(e.body.elapsedH as number).toFixed(1)}: ${e.body.text}${typeof e.body.scheduledH === 'number' ? ` (scheduled for hour ${e.body.scheduledH})` : ''}`);
      });
    });

  exercise
    .command('observe')
    .description("add an observer's note to the timeline")
    .argument('<id>', 'exercise id')
    .argument('<text...>', 'what was observed')
    .option('--summons <id>', 'the summons the note is about')
    .action(async (id: string, words: string[], o: { summons?: string }) => {
      await withContext(async ({ db, actor }) => {
        const e = await observeExercise(db, id, { text: words.join(' '), ...(o.summons ? { summonsId: o.summons } : {}) }, { actor, clock: systemClock });
        console.log(`observation #${e.seq} at hour ${(e.body.elapsedH as number).toFixed(1)} recorded`);
      });
    });

  exercise
    .command('stop')
    .description('end the exercise: the timeline closes')
    .argument('<id>', 'exercise id')
    .option('--note <text>', 'kept on the timeline')
    .action(async (id: string, o: { note?: string }) => {
      await withContext(async ({ db, actor }) => {
        const ex = await stopExercise(db, id, { actor, clock: systemClock, ...(o.note ? { note: o.note } : {}) });
        console.log(`exercise ${ex.id} stopped at ${ex.stoppedAt?.toISOString()}`);
      });
    });

  exercise
    .command('report')
    .description('after-action report: what the summons ledger shows against the forecast, with the timeline (JSON, CSV, SVG, HTML)')
    .argument('<id>', 'exercise id')
    .option('--out <dir>', 'directory for the report files', 'exercise-report')
    .action(async (id: string, o: { out: string }) => {
      await withContext(async ({ db, actor }) => {
        const r = await exerciseReport(db, id, { actor, clock: systemClock });
        const files = writeAfterAction(o.out, r);
        console.log(`EXERCISE ${r.exercise.id} (${r.exercise.status}, ${r.exercise.elapsedH.toFixed(1)} h): ${r.live.summonses} summonses`);
        for (const f of r.findings) console.log(`  ${f}`);
        console.log(`written: ${files.join(', ')}`);
      });
    });

  exercise
    .command('list')
    .description('exercises and whether they are running')
    .action(async () => {
      await withContext(async ({ db }) => {
        for (const e of await listExercises(db)) console.log(`${e.id}\t${e.status}\tplan #${e.planId}\tstarted ${e.startedAt.toISOString()}\t${e.title}`);
      });
    });

  exercise
    .command('show')
    .description("an exercise's timeline")
    .argument('<id>', 'exercise id')
    .action(async (id: string) => {
      await withContext(async ({ db }) => {
        const ex = await getExercise(db, id);
        console.log(`EXERCISE ${ex.id} — ${ex.title} — ${ex.status}; plan #${ex.planId}; appearance ${ex.appearanceAt.toISOString()}`);
        for (const e of ex.log) console.log(`  ${e.seq}. ${e.at.toISOString()} ${e.kind} by ${e.actor}${typeof e.body.text === 'string' ? `: ${e.body.text}` : ''}`);
      });
    });
}
