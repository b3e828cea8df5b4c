import { DomainError } from '../../kernel/errors.ts';
import type { Rng } from '../../kernel/rng.ts';

/**
 * Verification codes printed on a summons and sent in its SMS, so a citizen (or an e-Gov form) can check it is
 * genuine. The alphabet drops characters that are misread for one another (0/O, 1/I/L, U/V, 2/Z); its 29 symbols
 * are a prime count, so a check character with distinct weights per position catches every single wrong character
 * and every swap of two characters. Latin letters that look like Cyrillic ones are accepted in either script,
 * because people here type the code on Cyrillic keyboards.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXY';
const MOD = CODE_ALPHABET.length; // 29, prime
export const CODE_DATA_LENGTH = 8;
const CODE_LENGTH = CODE_DATA_LENGTH + 1;

const CYRILLIC_TWINS: Record<string, string> = {
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', К: 'K', М: 'M', Р: 'P', Т: 'T', Х: 'X', У: 'Y',
};

function weightedSum(values: readonly number[]): number {
  return values.reduce((sum, v, i) => (sum + (i + 1) * v) % MOD, 0);
}

function inverse(a: number): number {
  for (let x = 1; x < MOD; x++) if ((a * x) % MOD === 1) return x;
  throw new RangeError(`${a} has no inverse mod ${MOD}`);
}
const CHECK_WEIGHT_INVERSE = inverse(CODE_LENGTH);

/** Check value c with sum of (position × value) over all nine characters ≡ 0 (mod 29). */
function checkValue(data: readonly number[]): number {
  return ((MOD - weightedSum(data)) * CHECK_WEIGHT_INVERSE) % MOD;
}

function format(chars: string): string {
  return `${chars.slice(0, 3)}-${chars.slice(3, 6)}-${chars.slice(6)}`;
}

/** A fresh code, e.g. "7KQ-XM4-R2T", drawn from the seeded Rng so a run is reproducible. */
export function generateVerificationCode(rng: Rng): string {
  const data = Array.from({ length: CODE_DATA_LENGTH }, () => rng.int(0, MOD - 1));
  return format([...data, checkValue(data)].map((v) => CODE_ALPHABET[v]).join(''));
}

/**
 * Reads a code as a person typed it (any case, Latin or Cyrillic look-alikes, spaces or hyphens anywhere) and
 * returns it in its printed form; throws SUMMONS_CODE_INVALID saying what is wrong.
 */
export function parseVerificationCode(input: string): string {
  const chars = [...input.toUpperCase().replace(/[\s-]/g, '')].map((c) => CYRILLIC_TWINS[c] ?? c);
  if (chars.length !== CODE_LENGTH) {
    throw new DomainError('SUMMONS_CODE_INVALID', `a verification code has ${CODE_LENGTH} characters, "${input}" has ${chars.length}; copy it again from the summons`);
  }
  const values = chars.map((c) => CODE_ALPHABET.indexOf(c));
  const bad = values.indexOf(-1);
  if (bad >= 0) {
    throw new DomainError('SUMMONS_CODE_INVALID', `character ${bad + 1} of "${input}" ("${chars[bad]}") never appears in a verification code; codes use ${CODE_ALPHABET}`);
  }
  if (weightedSum(values) !== 0) {
    throw new DomainError('SUMMONS_CODE_INVALID', `"${input}" is not a valid verification code (check character does not match); a character was probably mistyped`);
  }
  return format(chars.join(''));
}
