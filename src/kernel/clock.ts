/** All time comes from a Clock so that pure cores and tests can pin it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const t = new Date(at).getTime();
  return { now: () => new Date(t) };
}

/** Kazakhstan has one time zone, UTC+5, since 1 March 2024. */
export const KZ_UTC_OFFSET_MINUTES = 5 * 60;

/** Calendar date (YYYY-MM-DD) of an instant in Kazakhstan. */
export function kzDate(at: Date): string {
  return new Date(at.getTime() + KZ_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}
