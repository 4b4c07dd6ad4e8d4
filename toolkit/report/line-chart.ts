// Line chart (training curves): one polyline per series; a series with `markers` is drawn as dots
// (e.g. test accuracy at epoch ends). Each series is a <g class="series-group" data-series=…
// data-points=…>; hovering a dot shows its value (SVG <title>, no script).
import { esc, num } from './html.js';
import { axes, box, extent, legend, linear, open, PALETTE, withLegend } from './svg.js';

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
  markers?: boolean;
  color?: string;
}

export interface LineChartOptions {
  name: string;
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed y range (e.g. [0, 1] for accuracy); from the data otherwise. */
  yRange?: [number, number];
}

export function lineChart(series: LineSeries[], o: LineChartOptions): string {
  const drawn = series.filter((s) => s.points.length > 0);
  const b = withLegend(box(o.width ?? 520, o.height ?? 260), drawn.length);
  const [xlo, xhi] = extent(drawn.flatMap((s) => s.points.map((p) => p.x)));
  const [ylo, yhi] = o.yRange ?? extent(drawn.flatMap((s) => s.points.map((p) => p.y)));
  const x = linear(Math.min(0, xlo), xhi, b.left, b.width - b.right);
  const y = linear(ylo, yhi, b.height - b.bottom, b.top);
  const colors = drawn.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const marks = drawn.map((s, i) => {
    const c = colors[i];
    const head = `<g class="series-group" data-series="${esc(s.name)}" data-points="${s.points.length}">`;
    const dots = (r: number) =>
      s.points.map((p) => `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="${r}" fill="${c}"><title>${esc(`${s.name}: ${num(p.y, 5)} at ${num(p.x)}`)}</title></circle>`).join('');
    if (s.markers) return `${head}${dots(4)}</g>`;
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
    return `${head}<path class="series" stroke="${c}" d="${d}"/>${s.points.length <= 60 ? dots(2) : ''}</g>`;
  });
  return [open(o.name, b, o.title, drawn.length), axes(b, x, y, o.xLabel, o.yLabel), ...marks, legend(b, drawn.map((s) => s.name), colors), '</svg>'].join('');
}
