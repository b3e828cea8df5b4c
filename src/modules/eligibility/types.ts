/** A rule set as data: loaded from a pack file, validated, then resolved (parameters filled in). */

export type Scalar = string | number | boolean;
export type Operand = Scalar | Scalar[];

export const COMPARISONS = ['eq', 'ne', 'in', 'not_in', 'lt', 'le', 'gt', 'ge', 'between', 'present'] as const;
export type Comparison = (typeof COMPARISONS)[number];

interface NodeMeta {
  /** Plain-language name of the condition, shown in explanations ("fit for service"). */
  label?: string;
  /** Article or clause of the cited document the condition comes from. */
  ref?: string;
}

export interface TestCondition extends NodeMeta {
  kind: 'test';
  /** A name from SUBJECTS (a whitelisted column or a derived value). */
  subject: string;
  op: Comparison;
  /** eq/ne/lt/le/gt/ge: a scalar; in/not_in: a non-empty list; between: [low, high] inclusive; present: boolean. */
  value: Operand;
  /** Where the operand came from when it is a parameter ($name). */
  param?: string;
}
export interface AllCondition extends NodeMeta {
  kind: 'all';
  of: Condition[];
}
export interface AnyCondition extends NodeMeta {
  kind: 'any';
  of: Condition[];
}
export interface NotCondition extends NodeMeta {
  kind: 'not';
  of: Condition;
}
export type Condition = TestCondition | AllCondition | AnyCondition | NotCondition;

export interface Citation {
  document: string;
  article: string;
  url?: string;
  note?: string;
}

export interface Effective {
  /** First day in force, YYYY-MM-DD. */
  from: string;
  /** Last day in force; absent while in force until replaced. */
  to?: string;
}

export interface ParamSpec {
  description?: string;
  default: Operand;
}

/** A rule set as its file states it: the condition tree still holds $parameter references. */
export interface RuleSetDefinition {
  id: string;
  version: string;
  title: string;
  description?: string;
  effective: Effective;
  citation: Citation;
  params: Record<string, ParamSpec>;
  /** The raw condition tree (validated when resolved). */
  when: unknown;
  /** File the rule set was read from (for messages). */
  file: string;
}

/** A rule set ready to evaluate or compile: parameters filled in, the condition tree validated and typed. */
export interface RuleSet {
  id: string;
  version: string;
  title: string;
  description?: string;
  effective: Effective;
  citation: Citation;
  /** Parameter values in use (defaults, or overrides given by the caller). */
  params: Record<string, Operand>;
  condition: Condition;
  file: string;
}

/** One problem found in a pack: the file, where inside it, and what is wrong. */
export interface PackIssue {
  file: string;
  /** Path inside the file, e.g. "when.all[2].le"; empty for the whole file. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}
