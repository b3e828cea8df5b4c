import { z } from 'zod';
import { isCalendarDate } from './dates.ts';
import { SUBJECTS, type Subject } from './subjects.ts';
import { COMPARISONS, type Comparison, type Condition, type Operand, type RuleSetDefinition, type Scalar } from './types.ts';

/**
 * Validation of rule-set files, pure (no file system, database or clock): structure with zod, then the meaning of
 * every condition (known subject, one comparison allowed for its type, operands of the right type and from the
 * subject's vocabulary, parameters declared and used). Every problem is reported with its path.
 */
export type PathSegment = string | number;
export interface RawIssue {
  path: PathSegment[];
  message: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const IsoDate = z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' });
const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);
const OperandSchema = z.union([ScalarSchema, z.array(ScalarSchema)]);

const RuleSetFile = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes, e.g. reserve-officer-callup' }),
  version: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().min(1),
  description: z.string().optional(),
  effective: z
    .strictObject({ from: IsoDate, to: IsoDate.optional() })
    .refine((e) => e.to === undefined || e.to >= e.from, { message: 'effective.to must not be before effective.from', path: ['to'] }),
  citation: z.strictObject({
    document: z.string().min(1),
    article: z.string().min(1),
    url: z.string().url().optional(),
    note: z.string().optional(),
  }),
  params: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'parameter names are lower-case letters, digits and _' }),
      z.strictObject({ description: z.string().optional(), default: OperandSchema }),
    )
    .optional(),
  when: z.unknown().refine((v) => v !== undefined, { message: 'is required: the condition tree' }),
});

function zodIssues(error: z.ZodError, base: PathSegment[]): RawIssue[] {
  return error.issues.map((i) => {
    const path = [...base, ...(i.path as PathSegment[])];
    if (i.code === 'unrecognized_keys') {
      return { path: [...path, i.keys[0] as string], message: `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` };
    }
    if (i.code === 'invalid_type' && i.input === undefined) return { path, message: 'is required' };
    return { path, message: i.message };
  });
}

/** Checks the file-level structure; the condition tree is checked by resolveCondition. */
export function parseDefinition(raw: unknown, file: string): { definition?: RuleSetDefinition; issues: RawIssue[] } {
  const parsed = RuleSetFile.safeParse(raw);
  if (!parsed.success) return { issues: [...zodIssues(parsed.error, []), ...conditionIssuesDespite(raw)] };
  const d = parsed.data;
  const definition: RuleSetDefinition = {
    id: d.id,
    version: d.version,
    title: d.title,
    effective: { from: d.effective.from, ...(d.effective.to !== undefined ? { to: d.effective.to } : {}) },
    citation: {
      document: d.citation.document,
      article: d.citation.article,
      ...(d.citation.url !== undefined ? { url: d.citation.url } : {}),
      ...(d.citation.note !== undefined ? { note: d.citation.note } : {}),
    },
    params: d.params ?? {},
    when: d.when,
    file,
    ...(d.description !== undefined ? { description: d.description } : {}),
  };
  return { definition, issues: [] };
}

/**
 * When the file's header is wrong, the condition tree is still checked (with whatever parameter defaults can be
 * read), so that one run lists every problem of the file rather than the first layer of them.
 */
function conditionIssuesDespite(raw: unknown): RawIssue[] {
  if (raw === null || typeof raw !== 'object' || !('when' in raw) || (raw as { when: unknown }).when === undefined) return [];
  const r = raw as { when: unknown; params?: unknown };
  const params: Record<string, Operand> = {};
  if (r.params && typeof r.params === 'object') {
    for (const [k, v] of Object.entries(r.params as Record<string, unknown>)) {
      const d = v && typeof v === 'object' ? (v as { default?: unknown }).default : undefined;
      if (OperandSchema.safeParse(d).success) params[k] = d as Operand;
    }
  }
  const issues: RawIssue[] = [];
  resolveCondition(r.when, ['when'], { params, used: new Set() }, issues);
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions.

const Meta = { label: z.string().min(1).optional(), ref: z.string().min(1).optional() };
const AllNode = z.strictObject({ all: z.array(z.unknown()).min(1, { message: 'needs at least one condition' }), ...Meta });
const AnyNode = z.strictObject({ any: z.array(z.unknown()).min(1, { message: 'needs at least one condition' }), ...Meta });
const NotNode = z.strictObject({ not: z.unknown(), ...Meta }); // `not` is known present: checked before parsing
const TestNode = z.strictObject({
  field: z.string(),
  // optional(): zod 4 reports a missing z.unknown() key as required.
  ...Object.fromEntries(COMPARISONS.map((c) => [c, z.unknown().optional()])),
  ...Meta,
});

const KINDS = ['all', 'any', 'not', 'field'] as const;

const OPS_BY_TYPE: Record<Subject['type'], readonly Comparison[]> = {
  enum: ['eq', 'ne', 'in', 'not_in', 'present'],
  text: ['eq', 'ne', 'in', 'not_in', 'present'],
  bool: ['eq', 'ne'],
  date: ['eq', 'ne', 'in', 'not_in', 'lt', 'le', 'gt', 'ge', 'between'],
  number: ['eq', 'ne', 'in', 'not_in', 'lt', 'le', 'gt', 'ge', 'between'],
};

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** Null when v is a valid single value of the subject, else why not. */
function scalarProblem(s: Subject, v: unknown): string | null {
  switch (s.type) {
    case 'bool':
      return typeof v === 'boolean' ? null : `${s.name} is true or false, got ${show(v)}`;
    case 'number':
      return typeof v === 'number' && Number.isInteger(v) ? null : `${s.name} is compared with whole numbers, got ${show(v)}`;
    case 'date':
      return isCalendarDate(v) ? null : `${s.name} is compared with dates YYYY-MM-DD, got ${show(v)}`;
    case 'text':
      return typeof v === 'string' && v !== '' ? null : `${s.name} is compared with non-empty text, got ${show(v)}`;
    case 'enum': {
      const values = s.values?.() ?? [];
      if (typeof v === 'string' && values.includes(v)) return null;
      return `${show(v)} is not a value of ${s.name} (one of ${values.join(', ')})`;
    }
  }
}

function operandProblem(s: Subject, op: Comparison, v: unknown): string | null {
  if (op === 'present') return typeof v === 'boolean' ? null : `present is true or false, got ${show(v)}`;
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(v) || v.length === 0) return `${op} needs a non-empty list, got ${show(v)}`;
    for (const x of v) {
      const p = scalarProblem(s, x);
      if (p) return p;
    }
    return null;
  }
  if (op === 'between') {
    if (!Array.isArray(v) || v.length !== 2) return `between needs [low, high], got ${show(v)}`;
    const p = scalarProblem(s, v[0]) ?? scalarProblem(s, v[1]);
    if (p) return p;
    return (v[0] as Scalar) <= (v[1] as Scalar) ? null : `between needs low <= high, got ${show(v)}`;
  }
  if (Array.isArray(v)) return `${op} needs a single value, got a list ${show(v)} (use in for a list)`;
  return scalarProblem(s, v);
}

export interface ResolveContext {
  /** Parameter values by name. */
  params: Record<string, Operand>;
  /** Names of the parameters that were referenced (filled in). */
  used: Set<string>;
}

/** Validates the raw tree at `path` and builds the typed condition, filling in $parameters. */
export function resolveCondition(raw: unknown, path: PathSegment[], ctx: ResolveContext, issues: RawIssue[]): Condition | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path, message: `must be a condition: an object with one of ${KINDS.join(', ')}, got ${show(raw)}` });
    return null;
  }
  const present = KINDS.filter((k) => k in raw);
  if (present.length !== 1) {
    issues.push({
      path,
      message: present.length === 0 ? `must have one of ${KINDS.join(', ')}` : `has both ${present.join(' and ')}: a condition is one of ${KINDS.join(', ')}`,
    });
    return null;
  }
  const kind = present[0] as (typeof KINDS)[number];
  const schema = kind === 'all' ? AllNode : kind === 'any' ? AnyNode : kind === 'not' ? NotNode : TestNode;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, path));
    return null;
  }
  const node = parsed.data as Record<string, unknown> & { label?: string; ref?: string };
  const meta = { ...(node.label !== undefined ? { label: node.label } : {}), ...(node.ref !== undefined ? { ref: node.ref } : {}) };

  if (kind === 'all' || kind === 'any') {
    const children = (node[kind] as unknown[]).map((c, i) => resolveCondition(c, [...path, kind, i], ctx, issues));
    if (children.some((c) => c === null)) return null;
    return { kind, of: children as Condition[], ...meta };
  }
  if (kind === 'not') {
    const child = resolveCondition(node.not, [...path, 'not'], ctx, issues);
    return child && { kind: 'not', of: child, ...meta };
  }

  const name = node.field as string;
  const s = SUBJECTS.get(name);
  if (!s) {
    issues.push({ path: [...path, 'field'], message: `unknown field "${name}" (known: ${[...SUBJECTS.keys()].join(', ')})` });
    return null;
  }
  const ops = COMPARISONS.filter((c) => node[c] !== undefined);
  if (ops.length !== 1) {
    issues.push({
      path,
      message: ops.length === 0 ? `needs one comparison for ${name} (${OPS_BY_TYPE[s.type].join(', ')})` : `has ${ops.length} comparisons (${ops.join(', ')}); use all: [...] to combine`,
    });
    return null;
  }
  const op = ops[0] as Comparison;
  if (!OPS_BY_TYPE[s.type].includes(op) || (op === 'present' && !s.nullable)) {
    const allowed = OPS_BY_TYPE[s.type].filter((o) => o !== 'present' || s.nullable);
    issues.push({ path: [...path, op], message: `${op} cannot be used with ${name} (${s.type}${s.nullable ? '' : ', always has a value'}); use ${allowed.join(', ')}` });
    return null;
  }
  let value = node[op];
  let param: string | undefined;
  if (typeof value === 'string' && value.startsWith('$')) {
    param = value.slice(1);
    if (!(param in ctx.params)) {
      const declared = Object.keys(ctx.params);
      issues.push({ path: [...path, op], message: `unknown parameter ${value} (${declared.length ? `declared: ${declared.map((d) => `$${d}`).join(', ')}` : 'no params declared'})` });
      return null;
    }
    ctx.used.add(param);
    value = ctx.params[param];
  }
  const problem = operandProblem(s, op, value);
  if (problem) {
    issues.push({ path: [...path, op], message: param ? `parameter $${param}: ${problem}` : problem });
    return null;
  }
  return { kind: 'test', subject: name, op, value: value as Operand, ...(param ? { param } : {}), ...meta };
}
