import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';

/** A line chart as standalone SVG (d3-scale for axes and ticks, d3-shape for paths), without a DOM or a browser. */
export interface ChartLine {
  label: string;
  /** One per x; NaN leaves a gap (a live curve known only up to now). */
  values: readonly number[];
  color: string;
  dashed?: boolean;
  width?: number;
}

export interface ChartBand {
  label: string;
  lo: readonly number[];
  hi: readonly number[];
  color: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x value of each point (hours). */
  x: readonly number[];
  lines: readonly ChartLine[];
  bands?: readonly ChartBand[];
  /** Horizontal reference lines (quota, 50 %, 90 %). */
  rules?: readonly { label: string; y: number }[];
  width?: number;
  height?: number;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const fmt = (v: number) => (Math.abs(v) >= 10_000 ? `${Math.round(v / 1000)}k` : Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 100) / 100));

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 860;
  const Hh = spec.height ?? 420;
  const m = { top: 40, right: 200, bottom: 48, left: 70 };
  const xs = spec.x;
  const yMax = Math.max(1, ...spec.lines.flatMap((l) => l.values.filter(Number.isFinite)), ...(spec.bands ?? []).flatMap((b) => b.hi), ...(spec.rules ?? []).map((r) => r.y));
  const x = scaleLinear().domain([xs[0] ?? 0, xs[xs.length - 1] ?? 1]).range([m.left, W - m.right]);
  const y = scaleLinear().domain([0, yMax * 1.05]).nice().range([Hh - m.bottom, m.top]);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hh}" viewBox="0 0 ${W} ${Hh}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${Hh}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);
  for (const t of y.ticks(6)) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of x.ticks(Math.min(12, xs.length))) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${Hh - m.bottom}" y2="${Hh - m.bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(t)}" y="${Hh - m.bottom + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${Hh - m.bottom}" y2="${Hh - m.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${Hh - m.bottom}" stroke="#333"/>`);
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${Hh - 10}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(m.top + Hh - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  for (const b of spec.bands ?? []) {
    const d = area<number>().x((i) => x(xs[i] as number)).y0((i) => y(b.lo[i] as number)).y1((i) => y(b.hi[i] as number))(xs.map((_, i) => i));
    out.push(`<path d="${d}" fill="${b.color}" fill-opacity="0.18" stroke="none"><title>${escapeXml(b.label)}</title></path>`);
  }
  for (const r of spec.rules ?? []) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(r.y)}" y2="${y(r.y)}" stroke="#555" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${W - m.right - 4}" y="${y(r.y) - 4}" text-anchor="end" fill="#555">${escapeXml(r.label)}</text>`);
  }
  for (const l of spec.lines) {
    const d = line<number>().defined((i) => Number.isFinite(l.values[i])).x((i) => x(xs[i] as number)).y((i) => y(l.values[i] as number))(xs.map((_, i) => i));
    out.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 2}"${l.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeXml(l.label)}</title></path>`);
  }
  const legend = [...spec.lines.map((l) => ({ label: l.label, color: l.color, dashed: l.dashed, band: false })), ...(spec.bands ?? []).map((b) => ({ label: b.label, color: b.color, dashed: false, band: true }))];
  legend.forEach((l, k) => {
    const ly = m.top + 8 + k * 18;
    const lx = W - m.right + 14;
    out.push(
      l.band
        ? `<rect x="${lx}" y="${ly - 7}" width="22" height="10" fill="${l.color}" fill-opacity="0.25"/>`
        : `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 2}" y2="${ly - 2}" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${lx + 28}" y="${ly + 2}">${escapeXml(l.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
