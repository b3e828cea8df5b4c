import { ageOn, yearEnd } from './dates.ts';
import { assertInEffect } from './ruleset.ts';
import { SUBJECTS, type EligibilityPerson, type Subject } from './subjects.ts';
import type { Comparison, Condition, Operand, RuleSet, Scalar, TestCondition } from './types.ts';

/**
 * The evaluator: one person, one rule set, one reference date -> eligible or not, with an explanation naming
 * every condition, the person's value and the threshold. Pure: no database, no clock (the date is an argument).
 *
 * Semantics shared with the SQL compiler (sql.ts): every test is true or false, never unknown. A comparison with
 * a missing value (no specialty, no child born by the reference date) is false, whatever the comparison, ne and
 * not_in included; `present` tests for a value explicitly. `not` negates that two-valued result.
 */
export type Value = string | number | boolean | null;

export interface Explanation {
  kind: Condition['kind'];
  passed: boolean;
  /** The condition and its outcome on one line, e.g. "age 31 on 2026-12-01 > 29". */
  text: string;
  label?: string;
  ref?: string;
  /** For a test: the field, the person's value, the comparison and its threshold. */
  field?: string;
  value?: Value;
  op?: Comparison;
  threshold?: Operand;
  param?: string;
  children?: Explanation[];
}

export interface Evaluation {
  ruleSet: Pick<RuleSet, 'id' | 'version' | 'title' | 'citation' | 'effective' | 'params'>;
  on: string;
  eligible: boolean;
  explanation: Explanation;
}

/** The value a subject has for a person on the reference date. */
export function subjectValue(s: Subject, p: EligibilityPerson, on: string): Value {
  if (s.kind === 'column') return p[s.column] ?? null;
  switch (s.derived) {
    case 'age':
      return ageOn(p.birth_date, on);
    case 'age_at_year_end':
      return ageOn(p.birth_date, yearEnd(on));
    case 'youngest_child_age': {
      let youngest: string | null = null;
      for (const c of p.children_birth_dates) if (c <= on && (youngest === null || c > youngest)) youngest = c;
      return youngest === null ? null : ageOn(youngest, on);
    }
    case 'children_count': {
      let n = 0;
      for (const c of p.children_birth_dates) if (c <= on) n++;
      return n;
    }
    case 'has_mobile':
      return p.mobile !== null && p.mobile !== '';
  }
}

/** The test itself (a missing value fails every comparison but `present: false`). */
export function holds(op: Comparison, v: Value, t: Operand): boolean {
  if (op === 'present') return (v !== null) === t;
  if (v === null) return false;
  switch (op) {
    case 'eq':
      return v === t;
    case 'ne':
      return v !== t;
    case 'in':
      return (t as Scalar[]).includes(v);
    case 'not_in':
      return !(t as Scalar[]).includes(v);
    case 'lt':
      return v < (t as Scalar);
    case 'le':
      return v <= (t as Scalar);
    case 'gt':
      return v > (t as Scalar);
    case 'ge':
      return v >= (t as Scalar);
    case 'between':
      return v >= ((t as Scalar[])[0] as Scalar) && v <= ((t as Scalar[])[1] as Scalar);
  }
}

const SYMBOL: Record<string, string> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const OPPOSITE: Record<string, string> = { eq: 'ne', ne: 'eq', lt: 'ge', ge: 'lt', le: 'gt', gt: 'le' };

const fmt = (v: Scalar): string => String(v);
const list = (t: Operand) => `[${(t as Scalar[]).map(fmt).join(', ')}]`;

function valueText(s: Subject, v: Value, on: string): string {
  const shown = v === null ? '(none)' : String(v);
  if (s.kind === 'column') return `${s.name} ${shown}`;
  switch (s.derived) {
    case 'age':
      return `age ${shown} on ${on}`;
    case 'age_at_year_end':
      return `age ${shown} on ${yearEnd(on)}`;
    case 'youngest_child_age':
      return v === null ? `youngest child's age (no child born by ${on})` : `youngest child's age ${shown} on ${on}`;
    case 'children_count':
      return `children born by ${on}: ${shown}`;
    case 'has_mobile':
      return `has_mobile ${shown}`;
  }
}

/**
 * "age 31 on 2026-12-01 > 29": the person's value, the relation that actually holds, the threshold. The parameter
 * a threshold came from is kept beside the text (Explanation.param) and shown by renderExplanation.
 */
export function testText(s: Subject, op: Comparison, v: Value, t: Operand, passed: boolean, on: string): string {
  const vt = valueText(s, v, on);
  if (op === 'present') {
    const onRecord = v !== null;
    return onRecord ? `${vt} is on record` : `${s.name} is empty`;
  }
  if (v === null) {
    const need = op === 'in' || op === 'not_in' ? `${op.replace('_', ' ')} ${list(t)}` : op === 'between' ? `${list(t).replace(', ', '..').slice(1, -1)}` : `${SYMBOL[op]} ${fmt(t as Scalar)}`;
    return `${vt}: no value, needs ${need}`;
  }
  if (op === 'in' || op === 'not_in') {
    const isIn = (op === 'in') === passed;
    return `${vt} ${isIn ? 'in' : 'not in'} ${list(t)}`;
  }
  if (op === 'between') {
    const [lo, hi] = t as [Scalar, Scalar];
    if (passed) return `${vt} within ${fmt(lo)}..${fmt(hi)}`;
    return v < lo ? `${vt} < ${fmt(lo)} (needs ${fmt(lo)}..${fmt(hi)})` : `${vt} > ${fmt(hi)} (needs ${fmt(lo)}..${fmt(hi)})`;
  }
  return `${vt} ${SYMBOL[passed ? op : (OPPOSITE[op] as string)]} ${fmt(t as Scalar)}`;
}

function explainTest(c: TestCondition, p: EligibilityPerson, on: string): Explanation {
  const s = SUBJECTS.get(c.subject) as Subject;
  const v = subjectValue(s, p, on);
  const passed = holds(c.op, v, c.value);
  const detail = testText(s, c.op, v, c.value, passed, on);
  return {
    kind: 'test',
    passed,
    text: c.label ? `${c.label}: ${detail}` : detail,
    ...(c.label !== undefined ? { label: c.label } : {}),
    ...(c.ref !== undefined ? { ref: c.ref } : {}),
    field: c.subject,
    value: v,
    op: c.op,
    threshold: c.value,
    ...(c.param !== undefined ? { param: c.param } : {}),
  };
}

/** Explains a condition tree; every branch is evaluated (no short cut), so the explanation is complete. */
export function explainCondition(c: Condition, p: EligibilityPerson, on: string): Explanation {
  if (c.kind === 'test') return explainTest(c, p, on);
  const meta = { ...(c.label !== undefined ? { label: c.label } : {}), ...(c.ref !== undefined ? { ref: c.ref } : {}) };
  const named = (summary: string) => (c.label ? `${c.label} (${summary})` : summary);
  if (c.kind === 'not') {
    const child = explainCondition(c.of, p, on);
    const passed = !child.passed;
    return { kind: 'not', passed, text: named(passed ? 'not: the condition below does not hold' : 'not: the condition below holds'), ...meta, children: [child] };
  }
  const children = c.of.map((x) => explainCondition(x, p, on));
  const met = children.filter((x) => x.passed).length;
  if (c.kind === 'all') {
    const passed = met === children.length;
    return { kind: 'all', passed, text: named(passed ? 'all of' : `all of: ${children.length - met} of ${children.length} not met`), ...meta, children };
  }
  const passed = met > 0;
  return { kind: 'any', passed, text: named(passed ? `any of: ${met} of ${children.length} met` : 'any of: none met'), ...meta, children };
}

/** Whether a condition holds, without building an explanation (the fast path for bulk checks). */
export function conditionHolds(c: Condition, p: EligibilityPerson, on: string): boolean {
  switch (c.kind) {
    case 'test':
      return holds(c.op, subjectValue(SUBJECTS.get(c.subject) as Subject, p, on), c.value);
    case 'not':
      return !conditionHolds(c.of, p, on);
    case 'all':
      return c.of.every((x) => conditionHolds(x, p, on));
    case 'any':
      return c.of.some((x) => conditionHolds(x, p, on));
  }
}

/** Evaluates a rule set for one person on the reference date `on` (refused outside the rule set's effective dates). */
export function evaluate(rs: RuleSet, person: EligibilityPerson, on: string): Evaluation {
  assertInEffect(rs, on);
  const explanation = explainCondition(rs.condition, person, on);
  return {
    ruleSet: { id: rs.id, version: rs.version, title: rs.title, citation: rs.citation, effective: rs.effective, params: rs.params },
    on,
    eligible: explanation.passed,
    explanation,
  };
}

export function isEligible(rs: RuleSet, person: EligibilityPerson, on: string): boolean {
  assertInEffect(rs, on);
  return conditionHolds(rs.condition, person, on);
}

/** The explanation as indented lines: a mark (✓ met, ✗ not met), the condition and its outcome, the article. */
export function renderExplanation(e: Evaluation): string {
  const rs = e.ruleSet;
  const lines = [
    `${rs.id} v${rs.version} on ${e.on}: ${e.eligible ? 'ELIGIBLE' : 'NOT ELIGIBLE'}`,
    `  ${rs.title}`,
    `  ${rs.citation.document}, ${rs.citation.article}`,
  ];
  const walk = (x: Explanation, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${x.passed ? '✓' : '✗'} ${x.text}${x.param ? ` ($${x.param})` : ''}${x.ref ? ` [${x.ref}]` : ''}`);
    for (const c of x.children ?? []) walk(c, depth + 1);
  };
  walk(e.explanation, 1);
  return lines.join('\n');
}

/** The explanation flattened to rows (depth first), for CSV. */
export function explanationRows(e: Explanation, depth = 0, out: { depth: number; passed: boolean; kind: string; field: string; value: string; op: string; threshold: string; text: string; ref: string }[] = []) {
  out.push({
    depth,
    passed: e.passed,
    kind: e.kind,
    field: e.field ?? '',
    value: e.value === undefined || e.value === null ? '' : String(e.value),
    op: e.op ?? '',
    threshold: e.threshold === undefined ? '' : Array.isArray(e.threshold) ? e.threshold.join(';') : String(e.threshold),
    text: e.text,
    ref: e.ref ?? '',
  });
  for (const c of e.children ?? []) explanationRows(c, depth + 1, out);
  return out;
}
