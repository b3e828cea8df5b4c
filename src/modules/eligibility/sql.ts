import { DomainError } from '../../kernel/errors.ts';
import { quoteIdent } from '../../db/raw.ts';
import { latestBirthForAge, yearEnd } from './dates.ts';
import { assertInEffect } from './ruleset.ts';
import { GROUPABLE, SUBJECTS, type Subject } from './subjects.ts';
import type { Condition, Operand, RuleSet, Scalar, TestCondition } from './types.ts';

/**
 * The SQL compiler: a rule set and a reference date become a predicate over the persons table, so counts and
 * selections run inside the database. Values travel as bind parameters; identifiers come only from the SUBJECTS
 * whitelist. The predicate agrees with the evaluator on every person (the property test checks it):
 *
 * - Two-valued logic. A test on a missing value is false in the evaluator; in SQL it is NULL, which WHERE treats
 *   as false as long as no NOT sits above it. So negations are pushed down to the tests (De Morgan), and a negated
 *   test becomes `(test) IS NOT TRUE`, true exactly when the evaluator's test is false. Tests outside any `not`
 *   stay plain comparisons that the planner can match against indexes.
 * - Ages. Every age test is rewritten as a comparison of the birth date with a date computed here by the same
 *   function the evaluator's age rests on (dates.ts): age >= k on R <=> birth_date <= latestBirthForAge(R, k).
 *   No age is computed row by row, and an index on birth_date serves the test.
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface CompileOptions {
  /** Reference date YYYY-MM-DD. */
  on: string;
  /** Table alias to qualify columns with (default: none). */
  alias?: string;
  /** Parameters already bound by the caller: the first placeholder is $(bound + 1). */
  bound?: number;
}

class Binder {
  readonly params: unknown[] = [];
  constructor(private readonly offset: number) {}
  bind(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.offset + this.params.length}::${cast}`;
  }
}

interface Ctx {
  on: string;
  b: Binder;
  col: (name: string) => string;
}

const CAST: Record<Subject['type'], string> = { enum: 'text', text: 'text', bool: 'boolean', date: 'date', number: 'int' };

function scalarTest(expr: string, op: TestCondition['op'], value: Operand, cast: string, b: Binder): string {
  switch (op) {
    case 'eq':
      return `${expr} = ${b.bind(value, cast)}`;
    case 'ne':
      return `${expr} <> ${b.bind(value, cast)}`;
    case 'lt':
      return `${expr} < ${b.bind(value, cast)}`;
    case 'le':
      return `${expr} <= ${b.bind(value, cast)}`;
    case 'gt':
      return `${expr} > ${b.bind(value, cast)}`;
    case 'ge':
      return `${expr} >= ${b.bind(value, cast)}`;
    case 'in':
      return `${expr} = ANY(${b.bind(value, `${cast}[]`)})`;
    case 'not_in':
      return `${expr} <> ALL(${b.bind(value, `${cast}[]`)})`;
    case 'between': {
      const [lo, hi] = value as [Scalar, Scalar];
      return `${expr} BETWEEN ${b.bind(lo, cast)} AND ${b.bind(hi, cast)}`;
    }
    case 'present':
      return value ? `${expr} IS NOT NULL` : `${expr} IS NULL`;
  }
}

/** An age test as a birth-date comparison: age(b, ref) >= k <=> b <= latestBirthForAge(ref, k). */
function ageTest(birth: string, ref: string, op: TestCondition['op'], value: Operand, b: Binder): string {
  const atLeast = (k: number) => `${birth} <= ${b.bind(latestBirthForAge(ref, k), 'date')}`;
  const below = (k: number) => `${birth} > ${b.bind(latestBirthForAge(ref, k), 'date')}`;
  const eq = (k: number) => `(${atLeast(k)} AND ${below(k + 1)})`;
  const ne = (k: number) => `(${below(k)} OR ${atLeast(k + 1)})`;
  const k = value as number;
  switch (op) {
    case 'ge':
      return atLeast(k);
    case 'gt':
      return atLeast(k + 1);
    case 'le':
      return below(k + 1);
    case 'lt':
      return below(k);
    case 'eq':
      return eq(k);
    case 'ne':
      return ne(k);
    case 'between': {
      const [lo, hi] = value as [number, number];
      return `(${atLeast(lo)} AND ${below(hi + 1)})`;
    }
    case 'in':
      return `(${(value as number[]).map(eq).join(' OR ')})`;
    case 'not_in':
      return `(${(value as number[]).map(ne).join(' AND ')})`;
    case 'present':
      return value ? `${birth} IS NOT NULL` : `${birth} IS NULL`;
  }
}

/** The youngest child's birth date among children born by the reference date (NULL without one). */
function youngestChildBirth(ctx: Ctx): string {
  return `(SELECT max(c) FROM unnest(${ctx.col('children_birth_dates')}) AS c WHERE c <= ${ctx.b.bind(ctx.on, 'date')})`;
}

function testSql(t: TestCondition, ctx: Ctx): string {
  const s = SUBJECTS.get(t.subject);
  if (!s) throw new DomainError('ELIGIBILITY_UNKNOWN_FIELD', `unknown field ${t.subject}`);
  if (s.kind === 'column') return scalarTest(ctx.col(s.column), t.op, t.value, CAST[s.type], ctx.b);
  switch (s.derived) {
    case 'age':
      return ageTest(ctx.col('birth_date'), ctx.on, t.op, t.value, ctx.b);
    case 'age_at_year_end':
      return ageTest(ctx.col('birth_date'), yearEnd(ctx.on), t.op, t.value, ctx.b);
    case 'youngest_child_age':
      return ageTest(youngestChildBirth(ctx), ctx.on, t.op, t.value, ctx.b);
    case 'children_count':
      return scalarTest(
        `(SELECT count(*) FROM unnest(${ctx.col('children_birth_dates')}) AS c WHERE c <= ${ctx.b.bind(ctx.on, 'date')})`,
        t.op,
        t.value,
        'int',
        ctx.b,
      );
    case 'has_mobile':
      return scalarTest(`(coalesce(${ctx.col('mobile')}, '') <> '')`, t.op, t.value, 'boolean', ctx.b);
  }
}

/** SQL that is true exactly when the evaluator says `c` holds (negated: exactly when it does not). */
function conditionSql(c: Condition, negated: boolean, ctx: Ctx): string {
  switch (c.kind) {
    case 'test':
      return negated ? `(${testSql(c, ctx)}) IS NOT TRUE` : testSql(c, ctx);
    case 'not':
      return conditionSql(c.of, !negated, ctx);
    case 'all':
    case 'any': {
      const conj = (c.kind === 'all') !== negated ? ' AND ' : ' OR ';
      const parts = c.of.map((x) => conditionSql(x, negated, ctx));
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(conj)})`;
    }
  }
}

function columnRef(alias: string | undefined): (name: string) => string {
  const a = alias === undefined ? '' : `${quoteIdent(alias)}.`;
  return (name) => `${a}${quoteIdent(name)}`;
}

/** The rule set as a WHERE predicate over persons on the reference date (refused outside its effective dates). */
export function compilePredicate(rs: RuleSet, opts: CompileOptions): SqlFragment {
  assertInEffect(rs, opts.on);
  const b = new Binder(opts.bound ?? 0);
  const sql = conditionSql(rs.condition, false, { on: opts.on, b, col: columnRef(opts.alias) });
  return { sql, params: b.params };
}

/** Checks --count-by names against the whitelist of groupable fields. */
export function assertGroupable(names: readonly string[]): void {
  for (const n of names) {
    if (!GROUPABLE.includes(n)) {
      throw new DomainError('ELIGIBILITY_BAD_COUNT_BY', `cannot count by "${n}": choose from ${GROUPABLE.join(', ')}`, { field: n, allowed: GROUPABLE });
    }
  }
  if (new Set(names).size !== names.length) throw new DomainError('ELIGIBILITY_BAD_COUNT_BY', `a field is named twice in count-by: ${names.join(', ')}`);
}

/**
 * Age in whole years on the reference date, row by row, for grouping: the same definition as ageOn (dates.ts):
 * year difference, less one while the (month, day) of birth is still ahead of the reference date's.
 */
function ageSql(birth: string, on: string, b: Binder): string {
  const y = b.bind(Number(on.slice(0, 4)), 'int');
  const md = b.bind(Number(on.slice(5, 7)) * 100 + Number(on.slice(8, 10)), 'int');
  return `(${y} - extract(year FROM ${birth})::int - CASE WHEN (extract(month FROM ${birth})::int * 100 + extract(day FROM ${birth})::int) > ${md} THEN 1 ELSE 0 END)`;
}

function groupExpr(name: string, ctx: Ctx): string {
  const s = SUBJECTS.get(name) as Subject;
  if (s.kind === 'column') return ctx.col(s.column);
  if (s.derived === 'age') return ageSql(ctx.col('birth_date'), ctx.on, ctx.b);
  if (s.derived === 'has_mobile') return `(coalesce(${ctx.col('mobile')}, '') <> '')`;
  throw new DomainError('ELIGIBILITY_BAD_COUNT_BY', `cannot count by ${name}`);
}

/** SELECT <groups>, count(*) AS count FROM persons WHERE <rule set> GROUP BY <groups>, ordered by the groups. */
export function compileCount(rs: RuleSet, on: string, by: readonly string[] = []): SqlFragment {
  assertGroupable(by);
  const pred = compilePredicate(rs, { on, alias: 'p' });
  const b = new Binder(pred.params.length);
  const ctx: Ctx = { on, b, col: columnRef('p') };
  const groups = by.map((n) => `${groupExpr(n, ctx)} AS ${quoteIdent(n)}`);
  const positions = by.map((_, i) => String(i + 1)).join(', ');
  const sql =
    `SELECT ${[...groups, 'count(*) AS count'].join(', ')} FROM persons AS p WHERE ${pred.sql}` +
    (by.length > 0 ? ` GROUP BY ${positions} ORDER BY ${positions}` : '');
  return { sql, params: [...pred.params, ...b.params] };
}

/** SELECT iin FROM persons WHERE <rule set> ORDER BY iin. */
export function compileSelection(rs: RuleSet, on: string): SqlFragment {
  const pred = compilePredicate(rs, { on, alias: 'p' });
  return { sql: `SELECT p.iin FROM persons AS p WHERE ${pred.sql} ORDER BY p.iin`, params: pred.params };
}

/** The age expression alone (for tests that hold it against ageOn row by row). */
export function compileAge(on: string, alias?: string): SqlFragment {
  const b = new Binder(0);
  return { sql: ageSql(columnRef(alias)('birth_date'), on, b), params: b.params };
}
