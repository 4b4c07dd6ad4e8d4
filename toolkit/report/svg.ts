// Shared pieces of the inline SVG charts: linear scales, "nice" ticks, the plot frame with axes and
// grid, the legend, and the series palette. Every chart is an <svg class="chart" data-chart=…>
// whose marks carry data attributes (series names, values) so tests can check what was drawn.
import { esc, num } from './html.js';

export const PALETTE = ['#2a6fdb', '#e07b00', '#2e9e5b', '#c0392b', '#7d4cc2', '#7f8c8d'];

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function box(width: number, height: number, margins: Partial<Box> = {}): Box {
  return { width, height, left: 58, right: 26, top: 26, bottom: 40, ...margins };
}

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** Up to ~count round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Maps [lo, hi] onto [a, b] (pixels); a degenerate domain is widened so it still draws. */
export function linear(lo: number, hi: number, a: number, b: number, tickCount = 5): Scale {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const f = ((v: number) => a + ((v - lo) / (hi - lo)) * (b - a)) as Scale;
  f.ticks = niceTicks(lo, hi, tickCount);
  return f;
}

export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function open(name: string, b: Box, title: string, seriesCount: number): string {
  return (
    `<svg class="chart" data-chart="${esc(name)}" data-series-count="${seriesCount}" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${b.width}" height="${b.height}" viewBox="0 0 ${b.width} ${b.height}" role="img" aria-label="${esc(title)}">` +
    `<text class="title" x="${b.left}" y="16">${esc(title)}</text>`
  );
}

/** Grid lines, axes with tick labels, and axis titles. */
export function axes(b: Box, x: Scale | null, y: Scale, xLabel: string, yLabel: string, fmt: (v: number) => string = (v) => num(v, 3)): string {
  const x0 = b.left;
  const x1 = b.width - b.right;
  const y0 = b.height - b.bottom;
  const y1 = b.top;
  const parts = ['<g class="grid">'];
  for (const t of y.ticks) parts.push(`<line x1="${x0}" x2="${x1}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/>`);
  parts.push('</g><g class="axis">');
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y1}" y2="${y0}"/><line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}"/>`);
  for (const t of y.ticks) parts.push(`<text x="${x0 - 5}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(t))}</text>`);
  if (x) for (const t of x.ticks) parts.push(`<text x="${x(t).toFixed(1)}" y="${y0 + 15}" text-anchor="middle">${esc(num(t, 4))}</text>`);
  parts.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 30}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(13 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

/** Room for `rows` legend rows under the x axis title. */
export function withLegend(b: Box, rows: number): Box {
  const extra = rows > 0 ? 8 + rows * 15 : 0;
  return { ...b, height: b.height + extra, bottom: b.bottom + extra };
}

/** One legend row per name, under the x axis title (room made by withLegend). */
export function legend(b: Box, names: string[], colors: string[]): string {
  const top = b.height - b.bottom + (b.bottom - names.length * 15) + 2;
  return names
    .map((n, i) => {
      const x = b.left;
      const y = top + i * 15 - 4;
      return `<g class="legend"><rect x="${x}" y="${y}" width="10" height="10" fill="${colors[i]}"/><text x="${x + 14}" y="${y + 9}">${esc(n)}</text></g>`;
    })
    .join('');
}
