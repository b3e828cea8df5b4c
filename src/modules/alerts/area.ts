import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import simplify from 'simplify-js';
import { DomainError } from '../../kernel/errors.ts';
import { regions } from '../registry/index.ts';
import type { AlertLang } from './content.ts';

/**
 * CAP areas from the region shapes in data/kz-regions.geojson (© Alexander Rodionov / geokz, CC BY 4.0, from
 * OCHA/HDX COD-AB; see data/README.md) — the same file the web map's copy comes from.
 *
 * How a region becomes CAP polygons: every part of a (multi)polygon gives one <polygon> (CAP's area is the union of
 * its polygons); holes are dropped, since CAP polygons have none — so Akmola's polygon also covers Astana,
 * Almaty Region's Almaty city and Turkestan's Shymkent, which is why every area also carries its exact geocodes
 * (ISO 3166-2 and KATO), and why SMS targeting goes by the registry's region, never by the polygon. Each outer ring
 * is simplified by Douglas–Peucker (simplify-js, high quality, on lon/lat degrees) with the smallest tolerance,
 * from 0.005° (~0.5 km) growing by half each try, that leaves at most MAX_POLYGON_POINTS points, the limit cell
 * broadcast gateways commonly take; coordinates are rounded to 4 decimals (~11 m), written "lat,lon", first = last.
 */
export const MAX_POLYGON_POINTS = 100;
const START_TOLERANCE = 0.005;

const GEOJSON = fileURLToPath(new URL('../../../data/kz-regions.geojson', import.meta.url));

type Ring = [number, number][];
interface Feature {
  properties: { iso: string; KATO: string };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

export interface RegionShape {
  iso: string;
  kato: string;
  /** Simplified outer rings, [lon, lat] as in GeoJSON, closed. */
  rings: Ring[];
  /** Points of the source outer rings, for the record. */
  sourcePoints: number;
}

export interface CapArea {
  iso: string;
  areaDesc: Record<AlertLang, string>;
  /** CAP polygons: "lat,lon lat,lon …", first pair = last pair. */
  polygons: string[];
  geocodes: { valueName: string; value: string }[];
}

function simplifyRing(ring: Ring): Ring {
  const points = ring.map(([x, y]) => ({ x, y }));
  if (points.length <= MAX_POLYGON_POINTS) return ring;
  for (let tol = START_TOLERANCE; ; tol *= 1.5) {
    const out = simplify(points, tol, true);
    if (out.length <= MAX_POLYGON_POINTS && out.length >= 4) return out.map((p) => [p.x, p.y]);
    if (out.length < 4) return ring.slice(0, MAX_POLYGON_POINTS - 1).concat([ring[0] as [number, number]]);
  }
}

let shapes: Map<string, RegionShape> | undefined;

export function regionShapes(): Map<string, RegionShape> {
  if (shapes) return shapes;
  const fc = JSON.parse(readFileSync(GEOJSON, 'utf8')) as { features: Feature[] };
  shapes = new Map();
  for (const f of fc.features) {
    const outers = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0] as Ring] : f.geometry.coordinates.map((p) => p[0] as Ring);
    shapes.set(f.properties.iso, {
      iso: f.properties.iso,
      kato: f.properties.KATO,
      rings: outers.map(simplifyRing),
      sourcePoints: outers.reduce((n, r) => n + r.length, 0),
    });
  }
  return shapes;
}

const coord = (n: number) => String(Math.round(n * 1e4) / 1e4);

/** A ring as CAP writes it: "lat,lon" pairs separated by spaces, closed. */
export function capPolygon(ring: Ring): string {
  const closed = ring.length > 0 && (ring[0]?.[0] !== ring.at(-1)?.[0] || ring[0]?.[1] !== ring.at(-1)?.[1]) ? [...ring, ring[0] as [number, number]] : ring;
  return closed.map(([lon, lat]) => `${coord(lat)},${coord(lon)}`).join(' ');
}

/** The CAP area of a region, or ALERT_UNKNOWN_REGION. */
export function regionArea(iso: string): CapArea {
  const shape = regionShapes().get(iso);
  const ref = regions().find((r) => r.iso === iso);
  if (!shape || !ref) throw new DomainError('ALERT_UNKNOWN_REGION', `${iso} is not one of the ${regions().length} regions in data/kz-regions.json; give an ISO 3166-2 code such as KZ-75.`, { region: iso });
  return {
    iso,
    areaDesc: { kk: ref.name_kk, ru: ref.name_ru, en: ref.name_en },
    polygons: shape.rings.map(capPolygon),
    geocodes: [
      { valueName: 'ISO3166-2', value: iso },
      { valueName: 'KATO', value: shape.kato },
    ],
  };
}

/** Refuses unknown or repeated region codes before anything is stored. */
export function assertRegions(codes: readonly string[]): void {
  const seen = new Set<string>();
  for (const c of codes) {
    if (seen.has(c)) throw new DomainError('ALERT_BAD_CONTENT', `region ${c} is listed twice`, { region: c });
    seen.add(c);
    regionArea(c);
  }
}
