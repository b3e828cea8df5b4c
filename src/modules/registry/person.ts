import { describeIdProblem, idProblem, iinMismatches, isCalendarDate } from './iin.ts';
import { EMPLOYMENT, FITNESS, MIL_CATEGORIES, MIL_EXEMPTIONS, SECTORS, SEXES } from './vocab.ts';
import type { PersonsTable } from '../../db/schema.ts';

/** A person as the registry stores, imports and exports it. */
export type PersonRecord = Omit<PersonsTable, 'created_at' | 'updated_at'>;

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

const E164_KZ = /^\+7\d{10}$/;
const TRUE = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '']);

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Validates one raw row (CSV strings or NDJSON values) into a PersonRecord. Every problem is reported with its
 * field; a row with any error yields no record, so it is never half-written.
 */
export function parsePerson(raw: Record<string, unknown>, ctx: ValidationContext): ParseResult {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  const fail = (field: string, value: unknown, reason: string) => errors.push({ field, value: show(value), reason });

  for (const field of PERSON_COLUMNS) {
    const spec: FieldSpec = PERSON_FIELDS[field];
    const v = raw[field];
    const text = v === undefined || v === null ? '' : typeof v === 'string' ? v.trim() : v;
    switch (spec.kind) {
      case 'iin':
      case 'bin': {
        if (text === '' && spec.kind === 'bin') {
          out[field] = null;
          break;
        }
        const s = String(text);
        const p = idProblem(s);
        if (p) fail(field, v, `${spec.kind === 'iin' ? 'IIN' : 'BIN'} ${describeIdProblem(p)}`);
        out[field] = s;
        break;
      }
      case 'text': {
        if (typeof text !== 'string') {
          fail(field, v, 'must be text');
          break;
        }
        if (text === '') {
          if (spec.required) fail(field, v, 'is required');
          out[field] = null;
          break;
        }
        if (spec.max && text.length > spec.max) fail(field, v, `is longer than ${spec.max} characters`);
        out[field] = text;
        break;
      }
      case 'enum': {
        if (text === '') {
          if (spec.required) fail(field, v, `is required (one of ${spec.values.join(', ')})`);
          out[field] = null;
          break;
        }
        if (typeof text !== 'string' || !spec.values.includes(text)) {
          fail(field, v, `must be one of ${spec.values.join(', ')}`);
          break;
        }
        out[field] = text;
        break;
      }
      case 'bool': {
        if (typeof text === 'boolean') {
          out[field] = text;
          break;
        }
        const s = String(text).toLowerCase();
        if (TRUE.has(s)) out[field] = true;
        else if (FALSE.has(s)) out[field] = false;
        else fail(field, v, 'must be true or false');
        break;
      }
      case 'date': {
        if (typeof text !== 'string' || !isCalendarDate(text)) {
          fail(field, v, 'must be a date YYYY-MM-DD');
          break;
        }
        if (text < '1900-01-01' || text > ctx.today) fail(field, v, `must be between 1900-01-01 and ${ctx.today}`);
        out[field] = text;
        break;
      }
      case 'dates': {
        const list = Array.isArray(text) ? text : typeof text === 'string' ? (text === '' ? [] : text.split(';')) : null;
        if (!list) {
          fail(field, v, 'must be a list of dates YYYY-MM-DD separated by ;');
          break;
        }
        const dates = list.map((d) => (typeof d === 'string' ? d.trim() : ''));
        const bad = dates.find((d) => !isCalendarDate(d) || d > ctx.today);
        if (bad !== undefined) fail(field, v, `"${bad}" is not a past date YYYY-MM-DD`);
        out[field] = dates.sort();
        break;
      }
      case 'phone': {
        if (text === '') {
          out[field] = null;
          break;
        }
        if (typeof text !== 'string' || !E164_KZ.test(text)) fail(field, v, 'must be an E.164 number +7 followed by 10 digits');
        out[field] = text;
        break;
      }
      case 'region': {
        if (typeof text !== 'string' || !ctx.regionCodes.has(text)) fail(field, v, 'is not a known region ISO code (e.g. KZ-71)');
        out[field] = text;
        break;
      }
      case 'specialty': {
        if (text === '') {
          out[field] = null;
          break;
        }
        if (typeof text !== 'string' || !ctx.specialtyCodes.has(text)) fail(field, v, 'is not a known military specialty code');
        out[field] = text;
        break;
      }
    }
  }

  for (const key of Object.keys(raw)) {
    if (!(key in PERSON_FIELDS)) fail(key, raw[key], 'is not a registry field');
  }

  if (errors.length === 0) {
    const r = out as PersonRecord;
    if (r.mil_registered && r.mil_exemption) fail('mil_exemption', r.mil_exemption, 'must be empty when mil_registered is true');
    if (!r.mil_registered && !r.mil_exemption) fail('mil_exemption', '', 'is required when mil_registered is false (why not registered)');
    if (!r.mil_registered && r.mil_category) fail('mil_category', r.mil_category, 'must be empty when mil_registered is false');
    if (r.mobile_on_egov && !r.mobile) fail('mobile_on_egov', 'true', 'needs a mobile number');
    const early = r.children_birth_dates.find((d) => d <= r.birth_date);
    if (early) fail('children_birth_dates', early, `is not after the person's birth date ${r.birth_date}`);
    for (const w of iinMismatches(r.iin, r.birth_date, r.sex)) warnings.push({ field: 'iin', value: r.iin, reason: w });
  }
  return errors.length ? { ok: false, errors, warnings } : { ok: true, record: out as PersonRecord, warnings };
}
