/**
 * Calendar arithmetic on 'YYYY-MM-DD' strings, shared by the evaluator and the SQL compiler so that both sides
 * use one definition of age. Pure: never reads the clock.
 *
 * Age in whole years on a reference date R: (year(R) - year(B)) - 1 if (month, day) of B comes after that of R
 * in the calendar, else (year(R) - year(B)). A birthday counts on the day itself. Someone born on 29 February
 * turns a year older on 1 March in a common year (on 28 February they have not yet had their birthday).
 */

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : (DAYS[m - 1] as number);
}

export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** Whole years from birth to on (negative when born after on). */
export function ageOn(birth: string, on: string): number {
  const [by, bm, bd] = parts(birth);
  const [ry, rm, rd] = parts(on);
  return ry - by - (bm * 100 + bd > rm * 100 + rd ? 1 : 0);
}

/**
 * The latest birth date of a person who is at least `years` old on `on`: ageOn(b, on) >= years <=> b <= this date.
 * It is `on` moved back `years` years, with 29 February becoming 28 February in a common year (no one is born on a
 * day that does not exist, so b <= (y, 2, 29) and b <= (y, 2, 28) select the same people). Lets the SQL compiler
 * turn every age test into a comparison on a date column that an index can serve.
 */
export function latestBirthForAge(on: string, years: number): string {
  const [ry, rm, rd] = parts(on);
  const y = ry - years;
  return `${pad(y, 4)}-${pad(rm, 2)}-${pad(Math.min(rd, daysInMonth(y, rm)), 2)}`;
}

/** 31 December of the year of `on`. */
export function yearEnd(on: string): string {
  return `${on.slice(0, 4)}-12-31`;
}
