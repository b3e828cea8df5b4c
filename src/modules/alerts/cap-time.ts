import { KZ_UTC_OFFSET_MINUTES } from '../../kernel/clock.ts';

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A CAP dateTime: whole seconds and an explicit offset, "2026-01-02T10:00:00+05:00". The schema's pattern refuses
 * both `Z` and fractional seconds, which is what Date.toISOString() writes, so CAP times are always made here.
 * Kazakhstan's single zone (UTC+5) by default; the offset is a parameter so other zones format the same way.
 */
export function capTime(at: Date, offsetMinutes: number = KZ_UTC_OFFSET_MINUTES): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('capTime: invalid date');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) throw new RangeError(`capTime: offset ${offsetMinutes} min is not a UTC offset`);
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.toISOString().slice(0, 19)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The instant a CAP dateTime denotes (the offset is honoured; "-00:00" reads as UTC). */
export function parseCapTime(s: string): Date {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([-+])(\d\d):(\d\d)$/.exec(s);
  if (!m) throw new RangeError(`"${s}" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss±hh:mm)`);
  const offset = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  return new Date(Date.parse(`${m[1]}Z`) - offset * 60_000);
}
