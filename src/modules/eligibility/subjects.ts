import { EMPLOYMENT, FITNESS, MIL_CATEGORIES, MIL_EXEMPTIONS, SECTORS, SEXES, regions, specialties, type PersonRecord } from '../registry/index.ts';

/**
 * What a rule may test: a whitelist of person columns plus values derived from a person and the reference date.
 * The validator, the evaluator, the SQL compiler and the CLI's --count-by all read this one table; a name that
 * is not here can reach neither a rule nor the SQL text.
 */
export type SubjectType = 'enum' | 'text' | 'bool' | 'date' | 'number';

/** Columns a rule may read. Names, address, the mobile number itself and the IIN are deliberately absent. */
export const RULE_COLUMNS = [
  'sex', 'birth_date', 'region', 'district', 'mobile_on_egov', 'egov_account', 'mil_registered', 'mil_exemption',
  'mil_category', 'rank', 'specialty', 'fitness', 'served', 'occupation', 'sector', 'employer_bin', 'employment',
  'volunteer', 'serving_sentence', 'resides_abroad',
] as const satisfies readonly (keyof PersonRecord)[];
export type RuleColumn = (typeof RULE_COLUMNS)[number];

export type Derived = 'age' | 'age_at_year_end' | 'youngest_child_age' | 'children_count' | 'has_mobile';

/** The person fields the evaluator needs: the rule columns and what the derived values are computed from. */
export type EligibilityPerson = Pick<PersonRecord, RuleColumn | 'children_birth_dates' | 'mobile'> & { iin?: string };

interface SubjectBase {
  readonly name: string;
  readonly type: SubjectType;
  readonly nullable: boolean;
  /** How the value is named in an explanation. */
  readonly label: string;
  /** Closed vocabulary of an enum subject (read lazily: regions and specialties come from data files). */
  readonly values?: () => readonly string[];
  /** May be used with --count-by. */
  readonly groupable: boolean;
}
export interface ColumnSubject extends SubjectBase {
  readonly kind: 'column';
  readonly column: RuleColumn;
}
export interface DerivedSubject extends SubjectBase {
  readonly kind: 'derived';
  readonly derived: Derived;
  readonly description: string;
}
export type Subject = ColumnSubject | DerivedSubject;

type ColumnSpec = [RuleColumn, SubjectType, boolean, (() => readonly string[]) | undefined, boolean];
const fixed = (v: readonly string[]) => () => v;
let regionCodes: readonly string[] | undefined;
let specialtyCodes: readonly string[] | undefined;
const regionValues = () => (regionCodes ??= regions().map((r) => r.iso));
const specialtyValues = () => (specialtyCodes ??= specialties().map((s) => s.code));

// [column, type, nullable, vocabulary, groupable]
const COLUMN_SPECS: readonly ColumnSpec[] = [
  ['sex', 'enum', false, fixed(SEXES), true],
  ['birth_date', 'date', false, undefined, false],
  ['region', 'enum', false, regionValues, true],
  ['district', 'text', true, undefined, true],
  ['mobile_on_egov', 'bool', false, undefined, true],
  ['egov_account', 'bool', false, undefined, true],
  ['mil_registered', 'bool', false, undefined, true],
  ['mil_exemption', 'enum', true, fixed(MIL_EXEMPTIONS), true],
  ['mil_category', 'enum', true, fixed(MIL_CATEGORIES), true],
  ['rank', 'text', true, undefined, true],
  ['specialty', 'enum', true, specialtyValues, true],
  ['fitness', 'enum', true, fixed(FITNESS), true],
  ['served', 'bool', false, undefined, true],
  ['occupation', 'text', true, undefined, false],
  ['sector', 'enum', true, fixed(SECTORS), true],
  ['employer_bin', 'text', true, undefined, false],
  ['employment', 'enum', true, fixed(EMPLOYMENT), true],
  ['volunteer', 'bool', false, undefined, true],
  ['serving_sentence', 'bool', false, undefined, true],
  ['resides_abroad', 'bool', false, undefined, true],
];
if (COLUMN_SPECS.map((s) => s[0]).join() !== RULE_COLUMNS.join()) throw new Error('COLUMN_SPECS does not follow RULE_COLUMNS');

const DERIVED: readonly DerivedSubject[] = [
  {
    kind: 'derived', derived: 'age', name: 'age', type: 'number', nullable: false, label: 'age', groupable: true,
    description: 'whole years on the reference date; the birthday counts (born 1997-12-01: 29 on 2026-12-01)',
  },
  {
    kind: 'derived', derived: 'age_at_year_end', name: 'age_at_year_end', type: 'number', nullable: false, label: 'age', groupable: false,
    description: 'whole years on 31 December of the reference year ("the year a man turns 17")',
  },
  {
    kind: 'derived', derived: 'youngest_child_age', name: 'youngest_child_age', type: 'number', nullable: true, label: "youngest child's age", groupable: false,
    description: 'whole years of the youngest child born on or before the reference date; no value without such a child',
  },
  {
    kind: 'derived', derived: 'children_count', name: 'children_count', type: 'number', nullable: false, label: 'children', groupable: false,
    description: 'children born on or before the reference date',
  },
  {
    kind: 'derived', derived: 'has_mobile', name: 'has_mobile', type: 'bool', nullable: false, label: 'has a mobile number', groupable: true,
    description: 'a mobile number is on record',
  },
];

export const SUBJECTS: ReadonlyMap<string, Subject> = new Map<string, Subject>([
  ...COLUMN_SPECS.map(([column, type, nullable, values, groupable]): [string, Subject] => [
    column,
    { kind: 'column', column, name: column, type, nullable, label: column, groupable, ...(values ? { values } : {}) },
  ]),
  ...DERIVED.map((d): [string, Subject] => [d.name, d]),
]);

export function subject(name: string): Subject | undefined {
  return SUBJECTS.get(name);
}

/** Names usable with --count-by. */
export const GROUPABLE = [...SUBJECTS.values()].filter((s) => s.groupable).map((s) => s.name);
