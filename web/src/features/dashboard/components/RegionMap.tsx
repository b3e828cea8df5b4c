import { geoArea, geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/index.tsx';
import { regionShapes, type RegionFeature, type RegionShapes } from '../api.ts';

const W = 640;
const H = 400;

/**
 * d3-geo takes a polygon's outer ring clockwise (on the sphere); files drawn the other way (RFC 7946 order) would
 * stand for the whole globe minus the region. Such rings are reversed once here.
 */
function clockwise(f: RegionFeature): RegionFeature {
  if (geoArea(f as unknown as GeoPermissibleObjects) <= 2 * Math.PI) return f;
  const g = f.geometry;
  const coordinates = g.type === 'Polygon' ? (g.coordinates as number[][][]).map((r) => [...r].reverse()) : (g.coordinates as number[][][][]).map((p) => p.map((r) => [...r].reverse()));
  return { ...f, geometry: { ...g, coordinates } as RegionFeature['geometry'] };
}

/** White to deep blue by share of the largest value. */
function shade(share: number): string {
  const s = Math.max(0, Math.min(1, share));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * s);
  return `rgb(${mix(239, 8)}, ${mix(243, 69)}, ${mix(255, 148)})`;
}

export interface MapProps {
  values: ReadonlyMap<string, number>;
  names: ReadonlyMap<string, string>;
  selected: string | null;
  onSelect(iso: string): void;
  measureName: string;
}

/** A choropleth of the regions, coloured by the chosen measure; a region is picked by click or keyboard. */
export function RegionMap({ values, names, selected, onSelect, measureName }: MapProps) {
  const { t, num } = useI18n();
  const [shapes, setShapes] = useState<RegionShapes | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    regionShapes().then((s) => setShapes({ ...s, features: s.features.map(clockwise) }), () => setFailed(true));
  }, []);
  const path = useMemo(() => (shapes ? geoPath(geoMercator().fitSize([W, H], shapes as unknown as GeoPermissibleObjects)) : null), [shapes]);
  const max = Math.max(1, ...values.values());
  if (failed) return <p className="error">{t('dashboard.mapFailed')}</p>;
  if (!shapes || !path) return <p className="muted">{t('app.loading')}</p>;
  return (
    <figure className="map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('dashboard.mapLabel', { measure: measureName })}>
        {shapes.features.map((f) => {
          const iso = f.properties.iso;
          const value = values.get(iso) ?? 0;
          return (
            <path
              key={iso}
              d={path(f as unknown as GeoPermissibleObjects) ?? ''}
              fill={shade(value / max)}
              className={iso === selected ? 'region selected' : 'region'}
              data-iso={iso}
              tabIndex={0}
              onClick={() => onSelect(iso)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && onSelect(iso)}
            >
              <title>{`${names.get(iso) ?? iso}: ${num(value)}`}</title>
            </path>
          );
        })}
      </svg>
      <figcaption>
        <span className="legend">
          <span style={{ background: shade(0) }} /> 0 <span style={{ background: shade(1) }} /> {num(max)}
        </span>
        <small>{t('dashboard.attribution')}</small>
      </figcaption>
    </figure>
  );
}
