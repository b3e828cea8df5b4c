import type { FourTierReadiness, Readiness, ReadinessMeasure } from '../../../../src/modules/readiness/index.ts';
import { api } from '../../lib/http.ts';

// Types come from the server modules (type-only imports, erased from the bundle), so the two sides cannot drift.
export type { Readiness, RegionReadiness } from '../../../../src/modules/readiness/index.ts';
export type Measure = ReadinessMeasure;
export const MEASURES = ['persons', 'registered', 'reserve', 'reserveOfficers', 'liable', 'essentialWorkers', 'volunteers', 'withoutMobile'] as const satisfies readonly Measure[];

export const readiness = () => api<Readiness>('GET', '/api/dashboard/readiness');

export type { FourTierReadiness, Tier } from '../../../../src/modules/readiness/index.ts';
export const tierReadiness = () => api<FourTierReadiness>('GET', '/api/dashboard/tiers');

export interface RegionFeature {
  type: 'Feature';
  properties: { iso: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}
export interface RegionShapes {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

let shapes: Promise<RegionShapes> | undefined;
/** The region boundaries (web/public/data/kz-regions.geojson), fetched once. */
export function regionShapes(): Promise<RegionShapes> {
  shapes ??= fetch('/data/kz-regions.geojson').then((r) => {
    if (!r.ok) throw new Error(`region shapes: HTTP ${r.status}`);
    return r.json() as Promise<RegionShapes>;
  });
  return shapes;
}
