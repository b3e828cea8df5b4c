import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { kzDate, systemClock } from '../../kernel/clock.ts';
import { DomainError } from '../../kernel/errors.ts';
import {
  DEFAULT_PACK_DIR,
  GROUPABLE,
  assertGroupable,
  countEligible,
  describeRuleSet,
  evaluate,
  explanationRows,
  findRuleSet,
  loadPack,
  renderExplanation,
  resolveRuleSet,
  type EligibilityPerson,
  type EligibleCount,
  type RuleSet,
} from '../../modules/eligibility/index.ts';
import { findPerson } from '../../modules/registry/index.ts';
import { withContext } from '../context.ts';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface Options {
  on?: string;
  countBy?: string;
  explain?: string;
  format: string;
  param: string[];
  pack: string;
}

function parseParams(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new DomainError('CLI_BAD_OPTION', `--param takes name=value (lists comma-separated), got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function ruleSetHeader(rs: RuleSet) {
  return { id: rs.id, version: rs.version, title: rs.title, citation: rs.citation, effective: rs.effective, params: rs.params };
}

/** Left-aligned text columns, right-aligned numbers. */
function table(header: string[], rows: (string | number)[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    r.map((v, i) => (typeof v === 'number' ? String(v).padStart(widths[i] as number) : String(v).padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printCount(rs: RuleSet, on: string, c: EligibleCount, format: Format): void {
  if (format === 'json') {
    console.log(JSON.stringify({ ruleSet: ruleSetHeader(rs), on, ...c }, null, 2));
    return;
  }
  const show = (v: unknown) => (v === null ? '' : String(v));
  if (format === 'csv') {
    const rows = c.by.length === 0 ? [[c.total]] : c.groups.map((g) => [...c.by.map((b) => show(g.key[b])), g.count]);
    process.stdout.write(stringify([[...c.by, 'count'], ...rows]));
    return;
  }
  console.log(`${describeRuleSet(rs)}\nreference date ${on}`);
  if (c.by.length > 0) {
    const rows = c.groups.map((g) => [...c.by.map((b) => (g.key[b] === null ? '(none)' : show(g.key[b]))), g.count]);
    console.log(table([...c.by, 'count'], rows));
  }
  console.log(`eligible: ${c.total}`);
}

export function eligibleCommand(program: Command): void {
  program
    .command('eligible')
    .description('who is eligible under a rule set on a date: count, count by fields, or explain one person')
    .argument('[ruleset]', 'rule set id, or id@version (without it: list the rule sets of the pack)')
    .option('--on <date>', 'reference date YYYY-MM-DD (default: today in Kazakhstan)')
    .option('--count-by <fields>', `comma-separated fields to count by (${GROUPABLE.join(', ')})`)
    .option('--explain <iin>', 'explain the outcome for one person (the read is audited)')
    .option('--format <format>', FORMATS.join('|'), 'table')
    .option('--param <name=value>', 'override a rule-set parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--pack <dir>', 'rule pack folder', DEFAULT_PACK_DIR)
    .action(async (spec: string | undefined, o: Options) => {
      if (!(FORMATS as readonly string[]).includes(o.format)) {
        throw new DomainError('CLI_BAD_OPTION', `--format must be one of ${FORMATS.join(', ')}, got "${o.format}"`);
      }
      const format = o.format as Format;
      // The reference date is read from the clock here, at the edge, and passed down; no rule reads the clock.
      const on = o.on ?? kzDate(systemClock.now());
      const pack = loadPack(o.pack);
      if (spec === undefined) {
        for (const rs of pack.ruleSets) console.log(describeRuleSet(rs));
        return;
      }
      const found = findRuleSet(pack, spec, on);
      const rs = o.param.length > 0 ? resolveRuleSet(found.definition, parseParams(o.param)) : found.ruleSet;
      const by = o.countBy ? o.countBy.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
      assertGroupable(by);
      if (o.explain !== undefined && by.length > 0) throw new DomainError('CLI_BAD_OPTION', '--explain and --count-by do not go together');

      await withContext(async ({ db, actor }) => {
        if (o.explain === undefined) {
          printCount(rs, on, await countEligible(db, rs, on, by), format);
          return;
        }
        const person = await findPerson(db, o.explain, { actor, purpose: `eligibility: ${rs.id}@${rs.version} on ${on}`, at: systemClock.now() });
        if (!person) throw new DomainError('REGISTRY_NOT_FOUND', `no person with IIN ${o.explain} in the registry`, { iin: o.explain });
        const e = evaluate(rs, person as EligibilityPerson, on);
        if (format === 'json') console.log(JSON.stringify({ iin: person.iin, ...e }, null, 2));
        else if (format === 'csv') process.stdout.write(stringify(explanationRows(e.explanation), { header: true }));
        else console.log(`${person.iin}\n${renderExplanation(e)}`);
      });
    });
}
