/**
 * A database id (bigint, positive) from text, or null when the text cannot be one: digits only, no leading zero,
 * at most 15 digits so that it is exact as a JS number. A reference beyond that is refused as "not found" by the
 * caller instead of reaching the database as an out-of-range bigint.
 */
export function asDbId(s: string): number | null {
  return /^[1-9]\d{0,14}$/.test(s) ? Number(s) : null;
}
