import { regions } from '../registry/index.ts';

const R_KM = 6371;

/** Great-circle distance between two regions' centres, in whole kilometres (centres from kz-regions.json). */
export function regionDistanceKm(a: string, b: string): number {
  if (a === b) return 0;
  const ra = centre(a);
  const rb = centre(b);
  const rad = Math.PI / 180;
  const dLat = (rb.lat - ra.lat) * rad;
  const dLon = (rb.lon - ra.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(ra.lat * rad) * Math.cos(rb.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * R_KM * Math.asin(Math.sqrt(h)));
}

let centres: Map<string, { lat: number; lon: number }> | undefined;
function centre(iso: string): { lat: number; lon: number } {
  centres ??= new Map(regions().map((r) => [r.iso, { lat: r.lat, lon: r.lon }]));
  const c = centres.get(iso);
  if (!c) throw new Error(`unknown region ${iso}`);
  return c;
}
