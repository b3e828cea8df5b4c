import { describeIdProblem, idProblem, iinMismatches, isCalendarDate } from './iin.ts';
import { lineBreakProblem, textProblem } from './text-safety.ts';
import { EMPLOYMENT, FITNESS, MIL_CATEGORIES, MIL_EXEMPTIONS, SECTORS, SEXES } from './vocab.ts';
import type { PersonsTable } from '../../db/schema.ts';

/** A person as the registry stores, imports and exports it. */
export type PersonRecord = Omit<PersonsTable, 'created_at' | 'created_by' | 'created_via' | 'updated_at'>;

type FieldSpec =
  | { kind: 'iin' }
  | { kind: 'bin' }
  | { kind: 'text'; required?: boolean; max?: number }
  | { kind: 'enum'; values: readonly string[]; required?: boolean }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'dates' }
  | { kind: 'phone' }
  | { kind: 'region' }
  | { kind: 'specialty' };

/** Column order of the CSV format and of the database table; one definition for import, export and COPY. */
export const PERSON_FIELDS = {
  iin: { kind: 'iin' },
  last_name: { kind: 'text', required: true, max: 100 },
  first_name: { kind: 'text', required: true, max: 100 },
  patronymic: { kind: 'text', max: 100 },
  birth_date: { kind: 'date' },
  sex: { kind: 'enum', values: SEXES, required: true },
  region: { kind: 'region' },
  district: { kind: 'text', max: 100 },
  address: { kind: 'text', max: 300 },
  mobile: { kind: 'phone' },
  mobile_on_egov: { kind: 'bool' },
  egov_account: { kind: 'bool' },
  mil_registered: { kind: 'bool' },
  mil_exemption: { kind: 'enum', values: MIL_EXEMPTIONS },
  mil_category: { kind: 'enum', values: MIL_CATEGORIES },
  rank: { kind: 'text', max: 60 },
  specialty: { kind: 'specialty' },
  fitness: { kind: 'enum', values: FITNESS },
  served: { kind: 'bool' },
  occupation: { kind: 'text', max: 120 },
  sector: { kind: 'enum', values: SECTORS },
  employer_bin: { kind: 'bin' },
  employment: { kind: 'enum', values: EMPLOYMENT },
  volunteer: { kind: 'bool' },
  children_birth_dates: { kind: 'dates' },
  serving_sentence: { kind: 'bool' },
  resides_abroad: { kind: 'bool' },
} as const satisfies Record<keyof PersonRecord, FieldSpec>;

export type PersonField = keyof typeof PERSON_FIELDS;
export const PERSON_COLUMNS = Object.keys(PERSON_FIELDS) as PersonField[];

export interface FieldIssue {
  field: string;
  value: string;
  reason: string;
}

export interface ValidationContext {
  regionCodes: ReadonlySet<string>;
  specialtyCodes: ReadonlySet<string>;
  /** Calendar date of "today" for the birth-date plausibility check (never read from the clock here). */
  today: string;
}

export type ParseResult =
  | { ok: true; record: PersonRecord; warnings: FieldIssue[] }
  | { ok: false; errors: FieldIssue[]; warnings: FieldIssue[] };

const TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '']);

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Null when the value is acceptable for the field, else the reason. Writes the normalised value to out[i]. */
type Check = (v: unknown, out: unknown[], i: number, ctx: ValidationContext) => string | null;

/** The registry's mobile format: E.164 for Kazakhstan, +7 and ten digits. */
export function isE164Kz(s: string): boolean {
  if (s.length !== 12 || s.charCodeAt(0) !== 43 || s.charCodeAt(1) !== 55) return false;
  for (let i = 2; i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function compileCheck(spec: FieldSpec): Check {
  switch (spec.kind) {
    case 'iin':
    case 'bin': {
      const label = spec.kind === 'iin' ? 'IIN' : 'BIN';
      const optional = spec.kind === 'bin';
      return (v, out, i) => {
        const s = typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v);
        if (s === '' && optional) {
          out[i] = null;
          return null;
        }
        const p = idProblem(s);
        out[i] = s;
        return p ? `${label} ${describeIdProblem(p)}` : null;
      };
    }
    case 'text': {
      const { required = false, max = Infinity } = spec;
      return (v, out, i) => {
        if (v === undefined || v === null || v === '') {
          out[i] = null;
          return required ? 'is required' : null;
        }
        if (typeof v !== 'string') return 'must be text';
        const s = v.trim();
        out[i] = s === '' ? null : s;
        if (s === '' && required) return 'is required';
        if (s.length > max) return `is longer than ${max} characters`;
        // Import readers check characters already; this covers every other caller (API bodies) the same way.
        return textProblem(s) ?? lineBreakProblem(s);
      };
    }
    case 'enum': {
      const allowed = new Set<string>(spec.values);
      const list = spec.values.join(', ');
      const required = spec.required ?? false;
      return (v, out, i) => {
        const s = typeof v === 'string' ? v.trim() : v;
        if (s === undefined || s === null || s === '') {
          out[i] = null;
          return required ? `is required (one of ${list})` : null;
        }
        if (typeof s !== 'string' || !allowed.has(s)) return `must be one of ${list}`;
        out[i] = s;
        return null;
      };
    }
    case 'bool':
      return (v, out, i) => {
        if (typeof v === 'boolean') {
          out[i] = v;
          return null;
        }
        const s = v === undefined || v === null ? '' : String(v).trim().toLowerCase();
        if (TRUE.has(s)) out[i] = true;
        else if (FALSE.has(s)) out[i] = false;
        else return 'must be true or false';
        return null;
      };
    case 'date':
      return (v, out, i, ctx) => {
        const s = typeof v === 'string' ? v.trim() : '';
        if (!isCalendarDate(s)) return 'must be a date YYYY-MM-DD';
        out[i] = s;
        return s < '1900-01-01' || s > ctx.today ? `must be between 1900-01-01 and ${ctx.today}` : null;
      };
    case 'dates':
      return (v, out, i, ctx) => {
        const list = Array.isArray(v) ? v : typeof v === 'string' ? (v.trim() === '' ? [] : v.split(';')) : v == null ? [] : null;
        if (!list) return 'must be a list of dates YYYY-MM-DD separated by ;';
        const dates: string[] = [];
        for (const d of list) {
          const t = typeof d === 'string' ? d.trim() : '';
          if (!isCalendarDate(t) || t > ctx.today) return `"${show(d)}" is not a past date YYYY-MM-DD`;
          dates.push(t);
        }
        out[i] = dates.length > 1 ? dates.sort() : dates;
        return null;
      };
    case 'phone':
      return (v, out, i) => {
        const s = typeof v === 'string' ? v.trim() : v;
        if (s === undefined || s === null || s === '') {
          out[i] = null;
          return null;
        }
        if (typeof s !== 'string' || !isE164Kz(s)) return 'must be an E.164 number +7 followed by 10 digits';
        out[i] = s;
        return null;
      };
    case 'region':
      return (v, out, i, ctx) => {
        const s = typeof v === 'string' ? v.trim() : '';
        out[i] = s;
        return ctx.regionCodes.has(s) ? null : 'is not a known region ISO code (e.g. KZ-71)';
      };
    case 'specialty':
      return (v, out, i, ctx) => {
        const s = typeof v === 'string' ? v.trim() : v;
        if (s === undefined || s === null || s === '') {
          out[i] = null;
          return null;
        }
        out[i] = s;
        return typeof s === 'string' && ctx.specialtyCodes.has(s) ? null : 'is not a known military specialty code';
      };
  }
}

const CHECKS: readonly Check[] = PERSON_COLUMNS.map((c) => compileCheck(PERSON_FIELDS[c]));

/** Builds the record with one fixed shape (fast property access downstream). */
function record(o: unknown[]): PersonRecord {
  return {
    iin: o[0], last_name: o[1], first_name: o[2], patronymic: o[3], birth_date: o[4], sex: o[5], region: o[6],
    district: o[7], address: o[8], mobile: o[9], mobile_on_egov: o[10], egov_account: o[11], mil_registered: o[12],
    mil_exemption: o[13], mil_category: o[14], rank: o[15], specialty: o[16], fitness: o[17], served: o[18],
    occupation: o[19], sector: o[20], employer_bin: o[21], employment: o[22], volunteer: o[23],
    children_birth_dates: o[24], serving_sentence: o[25], resides_abroad: o[26],
  } as PersonRecord;
}
if (PERSON_COLUMNS.join() !== Object.keys(record(PERSON_COLUMNS.map(() => null))).join()) {
  throw new Error('record() does not follow PERSON_COLUMNS');
}

/**
 * Validates one row given as values in PERSON_COLUMNS order (undefined where a column is absent). Every problem is
 * reported with its field; a row with any error yields no record, so it is never half-written.
 */
export function parsePersonValues(values: readonly unknown[], ctx: ValidationContext): ParseResult {
  const out: unknown[] = new Array(PERSON_COLUMNS.length);
  let errors: FieldIssue[] | null = null;
  for (let i = 0; i < CHECKS.length; i++) {
    const reason = (CHECKS[i] as Check)(values[i], out, i, ctx);
    if (reason !== null) (errors ??= []).push({ field: PERSON_COLUMNS[i] as string, value: show(values[i]), reason });
  }
  const warnings: FieldIssue[] = [];
  if (errors) return { ok: false, errors, warnings };
  const r = record(out);
  const rule = crossFieldProblem(r);
  if (rule) return { ok: false, errors: [rule], warnings };
  const mismatches = iinMismatches(r.iin, r.birth_date, r.sex);
  for (const w of mismatches) warnings.push({ field: 'iin', value: r.iin, reason: w });
  return { ok: true, record: r, warnings };
}

function crossFieldProblem(r: PersonRecord): FieldIssue | null {
  if (r.mil_registered && r.mil_exemption) return { field: 'mil_exemption', value: r.mil_exemption, reason: 'must be empty when mil_registered is true' };
  if (!r.mil_registered && !r.mil_exemption) return { field: 'mil_exemption', value: '', reason: 'is required when mil_registered is false (why not registered)' };
  if (!r.mil_registered && r.mil_category) return { field: 'mil_category', value: r.mil_category, reason: 'must be empty when mil_registered is false' };
  if (r.mobile_on_egov && !r.mobile) return { field: 'mobile_on_egov', value: 'true', reason: 'needs a mobile number' };
  for (const d of r.children_birth_dates) {
    if (d <= r.birth_date) return { field: 'children_birth_dates', value: d, reason: `is not after the person's birth date ${r.birth_date}` };
  }
  return null;
}

const COLUMN_INDEX = new Map(PERSON_COLUMNS.map((c, i) => [c as string, i]));

/** Validates a row given as an object keyed by field name (NDJSON, API bodies); unknown keys are errors. */
export function parsePerson(raw: Record<string, unknown>, ctx: ValidationContext): ParseResult {
  const values: unknown[] = new Array(PERSON_COLUMNS.length);
  const unknown: FieldIssue[] = [];
  for (const key of Object.keys(raw)) {
    const i = COLUMN_INDEX.get(key);
    if (i === undefined) unknown.push({ field: key, value: show(raw[key]), reason: 'is not a registry field' });
    else values[i] = raw[key];
  }
  const r = parsePersonValues(values, ctx);
  if (unknown.length === 0) return r;
  return { ok: false, errors: [...(r.ok ? [] : r.errors), ...unknown], warnings: r.warnings };
}

/** Maps a CSV header to PERSON_COLUMNS order: a function turning a row's fields into parsePersonValues input. */
export function columnMapper(header: readonly string[]): (fields: readonly string[]) => readonly unknown[] {
  const at = PERSON_COLUMNS.map((c) => header.indexOf(c));
  // The exchange format itself (export's column order): the fields are already the values.
  if (header.length === at.length && at.every((j, i) => j === i)) return (fields) => fields;
  return (fields) => {
    const values: unknown[] = new Array(at.length);
    for (let i = 0; i < at.length; i++) {
      const j = at[i] as number;
      if (j >= 0) values[i] = fields[j];
    }
    return values;
  };
}
