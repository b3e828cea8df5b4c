/** Eligibility: rule packs as data, a pure evaluator with explanations, and a SQL compiler for bulk counts. */
export type { Citation, Comparison, Condition, Effective, Operand, PackIssue, RuleSet, RuleSetDefinition } from './types.ts';
export { SUBJECTS, GROUPABLE, RULE_COLUMNS, type EligibilityPerson, type Subject } from './subjects.ts';
export { ageOn, isCalendarDate, latestBirthForAge } from './dates.ts';
export { DEFAULT_PACK_DIR, POLICIES_DIR, describeRuleSet, findRuleSet, formatIssue, loadPack, parseRuleSetText, type Pack } from './pack.ts';
export { assertInEffect, assertReferenceDate, describeEffective, resolveRuleSet } from './ruleset.ts';
export { evaluate, explanationRows, isEligible, renderExplanation, type Evaluation, type Explanation } from './evaluate.ts';
export { assertGroupable, compileAge, compileCount, compilePredicate, compileSelection, type SqlFragment } from './sql.ts';
export { countEligible, selectEligible, type EligibleCount, type GroupValue, type SelectionContext } from './query.ts';
export { evaluateAll } from './explain-all.ts';
