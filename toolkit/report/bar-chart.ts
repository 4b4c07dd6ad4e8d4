// Grouped bar chart: one group per category, one bar per series in each group. Bars are
// <rect class="bar" data-series=… data-category=… data-value=…> with the value as a label above.
import { esc, num } from './html.js';
import { axes, box, legend, linear, open, PALETTE, withLegend } from './svg.js';

export interface BarSeries {
  name: string;
  values: number[];
}

export interface BarChartOptions {
  name: string;
  title: string;
  yLabel: string;
  xLabel?: string;
  width?: number;
  height?: number;
  /** Lower end of the value axis (0 by default; e.g. zoom in on accuracies near 1). */
  yMin?: number;
  /** Upper end of the value axis (the largest value + 8% by default). */
  yMax?: number;
  format?: (v: number) => string;
}

export function barChart(categories: string[], series: BarSeries[], o: BarChartOptions): string {
  const b = withLegend(box(o.width ?? Math.max(300, 70 + categories.length * (24 + 18 * series.length)), o.height ?? 240, { bottom: categories.length > 6 ? 64 : 40 }), series.length > 1 ? series.length : 0);
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const hi = Math.max(0, ...all);
  const lo = Math.min(o.yMin ?? 0, ...all);
  const y = linear(lo, o.yMax ?? (hi * 1.08 || 1), b.height - b.bottom, b.top + 8);
  const fmt = o.format ?? ((v: number) => num(v, 4));
  const plotW = b.width - b.left - b.right;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.min(36, (groupW - 12) / Math.max(1, series.length));
  const colors = series.map((_, i) => PALETTE[i % PALETTE.length]);
  const base = y(Math.max(lo, Math.min(0, hi)));
  const bars: string[] = [];
  categories.forEach((cat, ci) => {
    const gx = b.left + ci * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (!Number.isFinite(v)) return;
      const top = y(v);
      const h = Math.max(1, Math.abs(base - top));
      const bx = gx + si * barW;
      bars.push(
        `<rect class="bar" data-series="${esc(s.name)}" data-category="${esc(cat)}" data-value="${v}" x="${bx.toFixed(1)}" y="${Math.min(top, base).toFixed(1)}" ` +
          `width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[si]}"><title>${esc(`${cat} ${s.name}: ${fmt(v)}`)}</title></rect>`,
      );
      if (series.length * categories.length <= 12) {
        bars.push(`<text x="${(bx + barW / 2 - 1).toFixed(1)}" y="${(Math.min(top, base) - 3).toFixed(1)}" text-anchor="middle">${esc(fmt(v))}</text>`);
      }
    });
    const label = cat.length > 14 ? `${cat.slice(0, 13)}…` : cat;
    const lx = b.left + ci * groupW + groupW / 2;
    const ly = b.height - b.bottom + 14;
    const rotate = categories.length > 6 ? ` transform="rotate(30 ${lx.toFixed(1)} ${ly})" text-anchor="start"` : ' text-anchor="middle"';
    bars.push(`<text x="${lx.toFixed(1)}" y="${ly}"${rotate}>${esc(label)}</text>`);
  });
  return [
    open(o.name, b, o.title, series.length),
    axes(b, null, y, o.xLabel ?? '', o.yLabel, fmt),
    ...bars,
    series.length > 1 ? legend(b, series.map((s) => s.name), colors) : '',
    '</svg>',
  ].join('');
}
