// Histograms: counts of values in equal bins over one shared range, each series an outlined step
// area (<g class="series-group" data-series=… data-bins=… data-total=…>) so two distributions
// (weights before/after quantization, latencies) overlay on the same axes.
import { esc, num } from './html.js';
import { axes, box, legend, linear, open, PALETTE, withLegend } from './svg.js';

export interface Binned {
  lo: number;
  hi: number;
  counts: number[];
  /** Values counted (values outside [lo, hi] go to the first/last bin). */
  total: number;
}

export function bin(values: ArrayLike<number>, lo: number, hi: number, bins: number): Binned {
  const counts = new Array<number>(bins).fill(0);
  const width = hi > lo ? (hi - lo) / bins : 1;
  for (let i = 0; i < values.length; i++) {
    const k = Math.floor((values[i] - lo) / width);
    counts[k < 0 ? 0 : k >= bins ? bins - 1 : k]++;
  }
  return { lo, hi, counts, total: values.length };
}

export interface HistogramOptions {
  name: string;
  title: string;
  xLabel: string;
  width?: number;
  height?: number;
}

export function histogram(series: { name: string; binned: Binned }[], o: HistogramOptions): string {
  const b = withLegend(box(o.width ?? 520, o.height ?? 260), series.length);
  const { lo, hi } = series[0]!.binned;
  const x = linear(lo, hi, b.left, b.width - b.right);
  const y = linear(0, Math.max(1, ...series.flatMap((s) => s.binned.counts)), b.height - b.bottom, b.top + 8);
  const colors = series.map((_, i) => PALETTE[i % PALETTE.length]);
  const marks = series.map((s, i) => {
    const { counts } = s.binned;
    const w = (hi - lo) / counts.length;
    let d = `M${x(lo).toFixed(1)},${y(0).toFixed(1)}`;
    counts.forEach((c, k) => (d += `L${x(lo + k * w).toFixed(1)},${y(c).toFixed(1)}L${x(lo + (k + 1) * w).toFixed(1)},${y(c).toFixed(1)}`));
    d += `L${x(hi).toFixed(1)},${y(0).toFixed(1)}Z`;
    return (
      `<g class="series-group" data-series="${esc(s.name)}" data-bins="${counts.length}" data-total="${s.binned.total}">` +
      `<path d="${d}" fill="${colors[i]}" fill-opacity="0.25" stroke="${colors[i]}" stroke-width="1.2"><title>${esc(`${s.name}: ${num(s.binned.total)} values`)}</title></path></g>`
    );
  });
  return [open(o.name, b, o.title, series.length), axes(b, x, y, o.xLabel, 'count'), ...marks, legend(b, series.map((s) => s.name), colors), '</svg>'].join('');
}
