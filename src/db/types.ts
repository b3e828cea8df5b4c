/** Dates travel as 'YYYY-MM-DD' strings on both engines, never as JS Dates shifted by a time zone. */
export function parseDateArray(v: string): string[] {
  const inner = v.slice(1, -1);
  if (inner === '') return [];
  return inner.split(',');
}
