import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  explainPlanFor,
  getPlan,
  planAssignments,
  planCallup,
  readOrderFile,
  recordPlanAction,
  type PlanReport,
  type StoredPlan,
} from '../../modules/callup/index.ts';
import { withContext } from '../context.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function renderReport(r: PlanReport): string {
  const lines = [
    `plan ${r.orderId}@v${r.version}${r.exercise ? '  [EXERCISE]' : ''}`,
    `rule set ${r.ruleSet} on ${r.referenceDate}; reservation ${r.reservationRuleSet}; seed "${r.seed}"`,
    `filled ${r.totals.filled} of ${r.totals.quota}${r.totals.shortfall ? ` — ${r.totals.shortfall} unfilled` : ''}`,
    `cost: travel ${r.totals.travelKm} km + priority penalty ${r.totals.priorityPenalty} = ${r.totals.objective}`,
    `solver: ${r.solver.classes} classes, ${r.solver.arcs} arcs, ${r.solver.seconds.toFixed(2)} s`,
    '',
    `${pad('cell', 44)} ${pad('serves in', 9)} ${pad('quota', 6)} ${pad('filled', 6)} travel km`,
  ];
  for (const c of r.cells) {
    const name = `${c.agency}/${c.specialty}${c.region ? `/${c.region}` : ''}`;
    lines.push(`${pad(name, 44)} ${pad(c.receivingRegion, 9)} ${pad(String(c.quota), 6)} ${pad(String(c.filled), 6)} ${c.travelKm}`);
    if (c.reason) lines.push(`    ${c.reason}`);
  }
  return lines.join('\n');
}

function renderPlan(p: StoredPlan): string {
  const log = p.log.map((e) => `  ${e.seq}. ${e.at.toISOString()} ${e.action} by ${e.actor}${e.note ? ` — ${e.note}` : ''}`);
  return [`plan #${p.id} (${p.orderId}@v${p.version}) — ${p.state.status.toUpperCase()}`, renderReport(p.report), '', 'actions:', ...log].join('\n');
}

export function callupCommands(program: Command): void {
  const callup = program.command('callup').description('call-up orders and plans');

  callup
    .command('plan')
    .description('plan a call-up order (YAML) and store the plan as a new draft version')
    .argument('<order>', 'order file, e.g. examples/orders/reserve-officers-2024.yaml')
    .option('--out <file>', 'also write the plan (report and assignments) as JSON')
    .option('--seed <seed>', "lottery seed (default: the order's seed)")
    .action(async (file: string, o: { out?: string; seed?: string }) => {
      const order = readOrderFile(file);
      await withContext(async ({ db, actor }) => {
        const { id, report } = await planCallup(db, order, { actor, clock: systemClock, ...(o.seed ? { seed: o.seed } : {}) });
        console.log(`plan #${id} written as a draft\n`);
        console.log(renderReport(report));
        if (o.out) {
          const assignments = await planAssignments(db, String(id), { actor, at: systemClock.now(), purpose: `export to ${o.out}` });
          writeFileSync(o.out, JSON.stringify({ id, report, assignments }, null, 2));
          console.log(`\nplan written to ${o.out}`);
        }
      });
    });

  callup
    .command('show')
    .description('show a plan: report, shortfalls, actions; --explain IIN for one person')
    .argument('<plan>', 'plan number, ORDER@vN, or ORDER for its latest version')
    .option('--explain <iin>', 'why this person was or was not selected')
    .option('--format <format>', 'text or json', 'text')
    .action(async (ref: string, o: { explain?: string; format: string }) => {
      if (!['text', 'json'].includes(o.format)) throw new DomainError('CLI_BAD_OPTION', `--format must be text or json, got ${o.format}`);
      await withContext(async ({ db, actor }) => {
        if (o.explain) {
          const e = await explainPlanFor(db, ref, o.explain, { actor, at: systemClock.now() });
          console.log(o.format === 'json' ? JSON.stringify(e, null, 2) : [`${e.iin} in ${e.plan}: ${e.selected ? 'SELECTED' : 'not selected'} — ${e.summary}`, ...e.details.map((d) => `  ${d}`)].join('\n'));
          return;
        }
        const p = await getPlan(db, ref);
        console.log(o.format === 'json' ? JSON.stringify(p, null, 2) : renderPlan(p));
      });
    });

  for (const [verb, action, what] of [
    ['approve', 'approve', 'approve a draft plan (not by its author)'],
    ['withdraw', 'withdraw', 'withdraw a draft plan'],
  ] as const) {
    callup
      .command(verb)
      .description(what)
      .argument('<plan>', 'plan number, ORDER@vN, or ORDER for its latest version')
      .option('--note <text>', 'kept in the action log')
      .action(async (ref: string, o: { note?: string }) => {
        await withContext(async ({ db, actor }) => {
          const p = await recordPlanAction(db, ref, action, { actor, clock: systemClock, ...(o.note ? { note: o.note } : {}) });
          console.log(`plan #${p.id} (${p.orderId}@v${p.version}) is now ${p.state.status}`);
        });
      });
  }
}
