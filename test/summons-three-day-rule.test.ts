import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoticePeriod, checkNoticePeriod, kzCalendarDaysBetween, type DispatchMode } from '../src/modules/summons/index.ts';
import { isDomainError } from '../src/kernel/errors.ts';
import { seededRng } from '../src/kernel/rng.ts';

const ok = (dispatch: string, appear: string, mode: DispatchMode = 'sms') => checkNoticePeriod(new Date(dispatch), new Date(appear), mode).ok;

test('three calendar days is enough, two is not', () => {
  assert.equal(ok('2026-03-10T17:00:00+05:00', '2026-03-13T09:00:00+05:00'), true, 'fewer than 72 hours, but three calendar days');
  assert.equal(ok('2026-03-10T08:00:00+05:00', '2026-03-12T23:59:00+05:00'), false, 'more than 48 hours, but two calendar days');
});

test('calendar days are counted in Kazakhstan time (UTC+5), not UTC', () => {
  // Both dispatches fall on 29 Jan in UTC; the second is already 30 Jan in Almaty.
  const appear = '2026-02-01T09:00:00+05:00';
  assert.equal(ok('2026-01-29T18:30:00Z', appear), true, '23:30 on 29 Jan in Almaty: three days');
  assert.equal(ok('2026-01-29T19:30:00Z', appear), false, '00:30 on 30 Jan in Almaty: two days');
  // Appearance 1 Feb 03:00 Almaty is still 31 Jan in UTC.
  assert.equal(kzCalendarDaysBetween(new Date('2026-01-29T18:30:00Z'), new Date('2026-01-31T22:00:00Z')), 3);
});

test('month and year ends, leap and common Februaries', () => {
  const cases: [string, string, boolean][] = [
    ['2026-01-31T12:00:00+05:00', '2026-02-03T09:00:00+05:00', true],
    ['2026-01-31T12:00:00+05:00', '2026-02-02T09:00:00+05:00', false],
    ['2026-02-28T12:00:00+05:00', '2026-03-03T09:00:00+05:00', true],
    ['2026-02-28T12:00:00+05:00', '2026-03-02T09:00:00+05:00', false],
    ['2028-02-28T12:00:00+05:00', '2028-03-02T09:00:00+05:00', true], // 29 Feb 2028 exists
    ['2028-02-28T12:00:00+05:00', '2028-03-01T09:00:00+05:00', false],
    ['2026-04-30T12:00:00+05:00', '2026-05-03T09:00:00+05:00', true],
    ['2026-12-30T12:00:00+05:00', '2027-01-02T09:00:00+05:00', true],
    ['2026-12-30T12:00:00+05:00', '2027-01-01T09:00:00+05:00', false],
    ['2026-12-31T19:00:00Z', '2027-01-03T09:00:00+05:00', false], // midnight: already 1 Jan 2027 in Almaty
    ['2026-12-31T18:59:00Z', '2027-01-03T09:00:00+05:00', true], // 23:59 on 31 Dec in Almaty
  ];
  for (const [d, a, expected] of cases) assert.equal(ok(d, a), expected, `${d} → ${a}`);
});

test('paper summons handed at the LMA: same day or next day allowed, two days not, three again yes', () => {
  assert.equal(ok('2026-01-31T10:00:00+05:00', '2026-01-31T15:00:00+05:00', 'paper_lma'), true);
  assert.equal(ok('2026-01-31T23:50:00+05:00', '2026-02-01T09:00:00+05:00', 'paper_lma'), true, 'next day across the month end');
  assert.equal(ok('2026-12-31T23:50:00+05:00', '2027-01-01T09:00:00+05:00', 'paper_lma'), true, 'next day across the year end');
  assert.equal(ok('2026-01-31T10:00:00+05:00', '2026-02-02T09:00:00+05:00', 'paper_lma'), false);
  assert.equal(ok('2026-01-31T10:00:00+05:00', '2026-02-03T09:00:00+05:00', 'paper_lma'), true);
  assert.equal(ok('2026-01-31T10:00:00+05:00', '2026-01-31T09:00:00+05:00', 'paper_lma'), false, 'appearance before the handover');
});

test('the next-day exception is for the LMA only: SMS, e-Gov and paper at an address need three days', () => {
  for (const mode of ['sms', 'egov', 'paper_address'] as const) {
    assert.equal(ok('2026-01-31T10:00:00+05:00', '2026-02-01T09:00:00+05:00', mode), false, mode);
  }
});

test('assertNoticePeriod refuses with a stable code and says the dates and the rule', () => {
  assert.throws(
    () => assertNoticePeriod(new Date('2026-01-30T10:00:00+05:00'), new Date('2026-02-01T09:00:00+05:00'), 'sms'),
    (e) => isDomainError(e, 'SUMMONS_NOTICE_TOO_SHORT') && /2026-02-01 is 2 calendar day\(s\) after the dispatch date 2026-01-30/.test(e.message) && /at least 3/.test(e.message),
  );
  assert.doesNotThrow(() => assertNoticePeriod(new Date('2026-01-29T10:00:00+05:00'), new Date('2026-02-01T09:00:00+05:00'), 'sms'));
});

test('Kazakhstan calendar days agree with the IANA zone Asia/Almaty (independent check through Intl)', () => {
  const almatyDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty', year: 'numeric', month: '2-digit', day: '2-digit' });
  const days = (a: Date, b: Date) => (Date.parse(almatyDate.format(b)) - Date.parse(almatyDate.format(a))) / 86_400_000;
  const rng = seededRng(2026);
  const start = Date.parse('2024-03-01T00:00:00+05:00'); // UTC+5 since 1 March 2024
  for (let i = 0; i < 2000; i++) {
    const a = new Date(start + rng.int(0, 4 * 365 * 24 * 60) * 60_000);
    const b = new Date(a.getTime() + rng.int(0, 6 * 24 * 60) * 60_000);
    assert.equal(kzCalendarDaysBetween(a, b), days(a, b), `${a.toISOString()} → ${b.toISOString()}`);
  }
});
