import { DomainError } from '../../kernel/errors.ts';

/**
 * IIN and BIN: 12 digits whose last is a check digit over the first 11 (DOMAIN.md "Identifiers").
 */
const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit for 11 leading digits, or null when no valid check digit exists. */
export function checkDigit(first11: string): number | null {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < 11; i++) {
    const d = first11.charCodeAt(i) - 48;
    s1 += d * (WEIGHTS_1[i] as number);
    s2 += d * (WEIGHTS_2[i] as number);
  }
  const c1 = s1 % 11;
  if (c1 !== 10) return c1;
  const c2 = s2 % 11;
  return c2 === 10 ? null : c2;
}

export type IdProblem = 'length' | 'non_digit' | 'no_check_digit' | 'check_digit';

/** Why a 12-digit identifier is invalid, or null when it is valid. */
export function idProblem(id: string): IdProblem | null {
  if (id.length !== 12) return 'length';
  for (let i = 0; i < 12; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return 'non_digit';
  }
  const c = checkDigit(id.slice(0, 11));
  if (c === null) return 'no_check_digit';
  if (c !== id.charCodeAt(11) - 48) return 'check_digit';
  return null;
}

const PROBLEM_TEXT: Record<IdProblem, string> = {
  length: 'must be exactly 12 digits',
  non_digit: 'must contain digits only',
  no_check_digit: 'no valid check digit exists for its first 11 digits',
  check_digit: 'wrong check digit',
};

export function describeIdProblem(p: IdProblem): string {
  return PROBLEM_TEXT[p];
}

export function assertValidIin(iin: string): void {
  const p = idProblem(iin);
  if (p) throw new DomainError('REGISTRY_INVALID_IIN', `IIN "${iin}": ${describeIdProblem(p)}`, { iin, problem: p });
}

export function assertValidBin(bin: string): void {
  const p = idProblem(bin);
  if (p) throw new DomainError('REGISTRY_INVALID_BIN', `BIN "${bin}": ${describeIdProblem(p)}`, { bin, problem: p });
}

export interface IinFacts {
  birthDate: string | null;
  sex: 'M' | 'F' | null;
}

/** Birth date and sex as encoded in a valid IIN (not binding since 2013). */
export function iinFacts(iin: string): IinFacts {
  const c = iin.charCodeAt(6) - 48;
  if (c < 1 || c > 6) return { birthDate: null, sex: null };
  const century = 1800 + 100 * Math.floor((c - 1) / 2);
  const sex = c % 2 === 1 ? 'M' : 'F';
  const y = century + Number(iin.slice(0, 2));
  const m = iin.slice(2, 4);
  const d = iin.slice(4, 6);
  const birthDate = `${y}-${m}-${d}`;
  return { birthDate: isCalendarDate(birthDate) ? birthDate : null, sex };
}

/**
 * Mismatches between what an IIN encodes and the recorded birth date/sex. Since 2013 IIN digits are no longer
 * bound to personal data, so these are warnings, never rejections.
 */
export function iinMismatches(iin: string, birthDate: string, sex: 'M' | 'F'): string[] {
  const c = iin.charCodeAt(6) - 48;
  const centuryOk = c >= 1 && c <= 6 && 1800 + 100 * Math.floor((c - 1) / 2) === Number(birthDate.slice(0, 2)) * 100;
  if (centuryOk && (c % 2 === 1) === (sex === 'M') && iin.startsWith(birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10))) {
    return [];
  }
  const f = iinFacts(iin);
  const out: string[] = [];
  if (f.birthDate !== birthDate) out.push(`IIN encodes birth date ${f.birthDate ?? 'none'}, record says ${birthDate}`);
  if (f.sex !== sex) out.push(`IIN encodes sex ${f.sex ?? 'none'}, record says ${sex}`);
  return out;
}

/** Builds a valid IIN for a birth date, sex and serial; null when that serial has no valid check digit. */
export function makeIin(birthDate: string, sex: 'M' | 'F', serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 0 || serial > 9999) throw new RangeError(`IIN serial must be 0-9999, got ${serial}`);
  const year = Number(birthDate.slice(0, 4));
  const centuryIndex = Math.floor((year - 1800) / 100); // 0: 1800s, 1: 1900s, 2: 2000s
  const c = centuryIndex * 2 + (sex === 'M' ? 1 : 2);
  const first11 =
    birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10) + String(c) + String(serial).padStart(4, '0');
  const check = checkDigit(first11);
  return check === null ? null : first11 + String(check);
}

/** Builds a valid BIN: registration year/month, entity type digit, office digit, serial. */
export function makeBin(yyMM: string, entity: 4 | 5 | 6, office: 0 | 1 | 2 | 3, serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 0 || serial > 99999) throw new RangeError(`BIN serial must be 0-99999, got ${serial}`);
  const first11 = yyMM + String(entity) + String(office) + String(serial).padStart(5, '0');
  const check = checkDigit(first11);
  return check === null ? null : first11 + String(check);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a real calendar date written YYYY-MM-DD (checked with integer arithmetic: this is on the import's hot path). */
export function isCalendarDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    y = y * 10 + d;
  }
  const m1 = s.charCodeAt(5) - 48;
  const m2 = s.charCodeAt(6) - 48;
  const d1 = s.charCodeAt(8) - 48;
  const d2 = s.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] as number));
}
