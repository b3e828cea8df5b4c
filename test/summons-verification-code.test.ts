import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_ALPHABET, generateVerificationCode, parseVerificationCode } from '../src/modules/summons/index.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';

const codes = (seed: number, n: number) => {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => generateVerificationCode(rng));
};

test('codes are reproducible from the seed, in the printed form, and valid', () => {
  const a = codes(5, 500);
  assert.deepEqual(a, codes(5, 500));
  assert.notDeepEqual(a, codes(6, 500));
  assert.equal(new Set(a).size, 500);
  for (const c of a) {
    assert.match(c, new RegExp(`^[${CODE_ALPHABET}]{3}-[${CODE_ALPHABET}]{3}-[${CODE_ALPHABET}]{3}$`));
    assert.equal(parseVerificationCode(c), c);
  }
});

test('the alphabet has none of the easily confused characters', () => {
  for (const c of '01ILOUZ') assert.ok(!CODE_ALPHABET.includes(c), c);
  assert.equal(CODE_ALPHABET.length, 29);
});

const chars = (code: string) => [...code.replace(/-/g, '')];
const invalid = (s: string) => {
  try {
    parseVerificationCode(s);
    return false;
  } catch (e) {
    assert.ok(isDomainError(e, 'SUMMONS_CODE_INVALID'));
    return true;
  }
};

test('every single wrong character is caught', () => {
  for (const code of codes(11, 20)) {
    const cs = chars(code);
    for (let i = 0; i < cs.length; i++) {
      for (const other of CODE_ALPHABET) {
        if (other === cs[i]) continue;
        const typo = cs.map((c, j) => (j === i ? other : c)).join('');
        assert.ok(invalid(typo), `${code} with ${other} at ${i + 1}`);
      }
    }
  }
});

test('every swap of two different characters is caught, adjacent or not', () => {
  for (const code of codes(12, 50)) {
    const cs = chars(code);
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        if (cs[i] === cs[j]) continue;
        const swapped = [...cs];
        [swapped[i], swapped[j]] = [cs[j] as string, cs[i] as string];
        assert.ok(invalid(swapped.join('')), `${code} swapping ${i + 1} and ${j + 1}`);
      }
    }
  }
});

test('typed input: lower case, spaces, and Cyrillic look-alike letters are accepted', () => {
  const twins: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', P: 'Р', T: 'Т', X: 'Х', Y: 'У' };
  const withTwin = codes(13, 200).find((c) => [...c].some((ch) => ch in twins));
  assert.ok(withTwin);
  const typed = [...withTwin].map((ch) => twins[ch] ?? ch).join('').toLowerCase().replace(/-/g, ' ');
  assert.notEqual(typed.toUpperCase().replace(/ /g, '-'), withTwin);
  assert.equal(parseVerificationCode(typed), withTwin);
});

test('wrong length and foreign characters are refused with a clear message', () => {
  assert.throws(() => parseVerificationCode('ABC-DEF'), (e) => isDomainError(e, 'SUMMONS_CODE_INVALID') && /has 9 characters, "ABC-DEF" has 6/.test(e.message));
  assert.throws(() => parseVerificationCode('ABC-DEF-GH0'), (e) => isDomainError(e, 'SUMMONS_CODE_INVALID') && /character 9 .*\("0"\)/.test(e.message));
});
