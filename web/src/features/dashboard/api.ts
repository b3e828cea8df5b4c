import { api } from '../../lib/http.ts';

export const MEASURES = ['persons', 'registered', 'reserve', 'reserveOfficers', 'liable', 'essentialWorkers', 'volunteers', 'withoutMobile'] as const;
export type Measure = (typeof MEASURES)[number];
export interface Names {
  en: string;
  kk: string;
  ru: string;
}

export interface RegionReadiness extends Record<Measure, number> {
  iso: string;
  name: Names;
  populationK: number;
}

export interface Readiness {
  on: string;
  ruleSets: { liable: string; essentialWorkers: string };
  regions: RegionReadiness[];
  totals: Record<Measure, number>;
}

export const readiness = () => api<Readiness>('GET', '/api/dashboard/readiness');

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
