import { DomainError } from '../../kernel/errors.ts';
import { isCalendarDate } from './dates.ts';
import type { Operand, RuleSet, RuleSetDefinition } from './types.ts';
import { formatPath, resolveCondition, type RawIssue, type ResolveContext } from './validate.ts';

/** Turns parameter overrides given as text (the CLI's --param name=value) into the type of the default. */
function coerce(name: string, text: string, def: Operand): Operand {
  if (Array.isArray(def)) {
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const numeric = def.length > 0 && def.every((d) => typeof d === 'number');
    return numeric ? items.map(Number) : items;
  }
  if (typeof def === 'number') return Number(text);
  if (typeof def === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new DomainError('ELIGIBILITY_BAD_PARAM', `parameter ${name} is true or false, got "${text}"`, { param: name });
  }
  return text;
}

/**
 * Fills in a definition's parameters (defaults, or overrides given by the caller) and validates the resulting
 * condition tree. Raw issues carry paths; `onIssues` decides how they are reported (pack loading adds lines).
 */
export function resolveWith(
  def: RuleSetDefinition,
  overrides: Readonly<Record<string, string | Operand>>,
): { ruleSet?: RuleSet; issues: RawIssue[]; overridden: Set<string> } {
  const params: Record<string, Operand> = {};
  for (const [name, spec] of Object.entries(def.params)) params[name] = spec.default;
  const overridden = new Set<string>();
  for (const [name, v] of Object.entries(overrides)) {
    const spec = def.params[name];
    if (!spec) {
      const declared = Object.keys(def.params);
      throw new DomainError(
        'ELIGIBILITY_BAD_PARAM',
        `rule set ${def.id} has no parameter "${name}" (${declared.length ? `its parameters: ${declared.join(', ')}` : 'it has none'})`,
        { param: name },
      );
    }
    params[name] = typeof v === 'string' ? coerce(name, v, spec.default) : v;
    overridden.add(name);
  }
  const ctx: ResolveContext = { params, used: new Set() };
  const issues: RawIssue[] = [];
  const condition = resolveCondition(def.when, ['when'], ctx, issues);
  // Unused parameters are reported only for a tree that resolved: a broken tree leaves references unread.
  for (const name of condition ? Object.keys(def.params) : []) {
    if (!ctx.used.has(name)) issues.push({ path: ['params', name], message: `parameter ${name} is declared but no condition uses $${name}` });
  }
  if (!condition || issues.length > 0) return { issues, overridden };
  const ruleSet: RuleSet = {
    id: def.id,
    version: def.version,
    title: def.title,
    effective: def.effective,
    citation: def.citation,
    params,
    condition,
    file: def.file,
    ...(def.description !== undefined ? { description: def.description } : {}),
  };
  return { ruleSet, issues: [], overridden };
}

/** A definition resolved with its defaults and the given overrides; a bad override is ELIGIBILITY_BAD_PARAM. */
export function resolveRuleSet(def: RuleSetDefinition, overrides: Readonly<Record<string, string | Operand>> = {}): RuleSet {
  const { ruleSet, issues, overridden } = resolveWith(def, overrides);
  if (ruleSet) return ruleSet;
  if (overridden.size > 0 && resolveWith(def, {}).ruleSet) {
    // Valid with its defaults, so the overrides are to blame.
    throw new DomainError('ELIGIBILITY_BAD_PARAM', `rule set ${def.id}: ${issues.map((i) => i.message).join('; ')}`, {
      params: [...overridden],
    });
  }
  const first = issues[0];
  throw new DomainError(
    'ELIGIBILITY_PACK_INVALID',
    `${def.file}: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`,
    { file: def.file, path: first ? formatPath(first.path) : '' },
  );
}

export function describeEffective(e: { from: string; to?: string }): string {
  return e.to ? `from ${e.from} to ${e.to}` : `from ${e.from} (until replaced)`;
}

export function assertReferenceDate(on: string): void {
  if (!isCalendarDate(on)) throw new DomainError('ELIGIBILITY_BAD_DATE', `reference date must be a calendar date YYYY-MM-DD, got "${on}"`, { on });
}

/** A rule set applies only on the days it is in force; a reference date outside them is refused, never clamped. */
export function assertInEffect(rs: Pick<RuleSet, 'id' | 'version' | 'effective'>, on: string): void {
  assertReferenceDate(on);
  const { from, to } = rs.effective;
  if (on < from || (to !== undefined && on > to)) {
    throw new DomainError(
      'ELIGIBILITY_NOT_IN_EFFECT',
      `rule set ${rs.id} version ${rs.version} is in effect ${describeEffective(rs.effective)}; the reference date ${on} is outside it. Choose a date in that period or a version in effect on ${on}.`,
      { id: rs.id, version: rs.version, on, from, to: to ?? null },
    );
  }
}
