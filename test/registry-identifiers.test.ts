import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidBin, assertValidIin, idProblem, iinFacts, iinMismatches, makeBin, makeIin } from '../src/modules/registry/index.ts';
import { isDomainError } from '../src/kernel/errors.ts';

// 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 0·10 + 1·11 = 51; 51 mod 11 = 7.
const VALID_IIN = '900101300017';
// First weights give 10; second weights (3..11,1,2) give 1.
const SECOND_WEIGHTS_IIN = '850315301801';
// Both weightings give 10: no check digit exists for these 11 digits.
const NO_CHECK_DIGIT_PREFIX = '85031530260';

test('a valid IIN is accepted, with check digit from the first weights', () => {
  assert.equal(idProblem(VALID_IIN), null);
  assert.doesNotThrow(() => assertValidIin(VALID_IIN));
});

test('a check digit from the second weights is accepted', () => {
  assert.equal(idProblem(SECOND_WEIGHTS_IIN), null);
  assert.equal(idProblem('850315301802'), 'check_digit');
});

test('a wrong check digit is rejected with a stable code', () => {
  assert.equal(idProblem('900101300018'), 'check_digit');
  assert.throws(() => assertValidIin('900101300018'), (e) => isDomainError(e, 'REGISTRY_INVALID_IIN') && /wrong check digit/.test(e.message));
});

test('11 digits with no possible check digit are rejected whatever the 12th is', () => {
  for (let d = 0; d <= 9; d++) assert.equal(idProblem(`${NO_CHECK_DIGIT_PREFIX}${d}`), 'no_check_digit');
});

test('length and non-digits are rejected', () => {
  assert.equal(idProblem('90010130001'), 'length');
  assert.equal(idProblem('9001013000170'), 'length');
  assert.equal(idProblem('90010130001X'), 'non_digit');
  assert.equal(idProblem('9001 1300017'), 'non_digit');
});

test('IIN encodes birth date and sex by century digit', () => {
  assert.deepEqual(iinFacts(VALID_IIN), { birthDate: '1990-01-01', sex: 'M' });
  const woman2005 = makeIin('2005-07-31', 'F', 12) as string;
  assert.equal(woman2005.slice(6, 7), '6');
  assert.deepEqual(iinFacts(woman2005), { birthDate: '2005-07-31', sex: 'F' });
});

test('a birth date or sex mismatch is a warning text, never a rejection', () => {
  assert.equal(idProblem(VALID_IIN), null);
  assert.deepEqual(iinMismatches(VALID_IIN, '1990-01-01', 'M'), []);
  const w = iinMismatches(VALID_IIN, '1991-05-05', 'F');
  assert.equal(w.length, 2);
  assert.match(w[0] as string, /1990-01-01.*1991-05-05/);
  assert.match(w[1] as string, /sex M.*F/);
});

test('makeIin returns null exactly when no check digit exists', () => {
  let nulls = 0;
  for (let serial = 0; serial < 500; serial++) {
    const iin = makeIin('1985-03-15', 'M', serial);
    if (iin === null) nulls++;
    else assert.equal(idProblem(iin), null);
  }
  assert.ok(nulls > 0 && nulls < 50);
});

test('BIN uses the same check digit', () => {
  const bin = makeBin('2403', 4, 0, 1234) as string;
  assert.equal(bin.slice(0, 6), '240340');
  assert.doesNotThrow(() => assertValidBin(bin));
  const wrong = bin.slice(0, 11) + String((Number(bin[11]) + 1) % 10);
  assert.throws(() => assertValidBin(wrong), (e) => isDomainError(e, 'REGISTRY_INVALID_BIN'));
});
