// Float vs PTQ vs QAT, from the compare.json `edgeqat compare` writes: a table (accuracy, drop vs
// float in points, file size, latency p50) and bar charts of the three. Without compare.json the
// section says how to produce it.
import { barChart } from './bar-chart.js';
import { bytes, fixed, micros, missing, note, table, type Section } from './html.js';
import { COMPARE_VARIANTS, type CompareFile, type CompareVariant } from '../compare/compare-file.js';
import type { RunFiles } from './sources.js';

const LABELS: Record<CompareVariant, string> = { float: 'float', ptq: 'PTQ int8', qat: 'QAT int8' };

export function compareSection(compare: { path: string; data: CompareFile } | null, run: RunFiles, model: string): Section {
  const base = { id: 'compare', title: 'Float vs PTQ vs QAT' };
  if (!compare) {
    return {
      ...base,
      source: 'compare.json (not found in the run folder or its parent)',
      available: false,
      body: missing(
        `The comparison was not run for this model. Run: edgeqat compare --model ${model} --dataset ${run.info.dataset} --out runs/compare-${model} ` +
          `and then edgeqat report runs/compare-${model}.`,
      ),
    };
  }
  const c = compare.data;
  const rows = COMPARE_VARIANTS.map((k) => [
    LABELS[k],
    { text: fixed(c[k].accuracy, 4), value: c[k].accuracy },
    { text: k === 'float' ? '—' : `${fixed(c[k].drop_points, 2)}`, value: c[k].drop_points },
    { text: bytes(c[k].size_bytes), value: c[k].size_bytes },
    { text: micros(c[k].p50_us), value: c[k].p50_us },
    c[k].tflite,
  ]);
  const cats = COMPARE_VARIANTS.map((k) => LABELS[k]);
  const accs = COMPARE_VARIANTS.map((k) => c[k].accuracy);
  const floor = Math.max(0, Math.floor((Math.min(...accs) - 0.01) * 100) / 100);
  const charts = [
    barChart(cats, [{ name: 'accuracy', values: accs }], { name: 'compare-accuracy', title: 'Test accuracy (TFLite)', yLabel: 'accuracy', yMin: floor, yMax: 1, width: 300, format: (v) => v.toFixed(4) }),
    barChart(cats, [{ name: 'size', values: COMPARE_VARIANTS.map((k) => c[k].size_bytes / 1024) }], { name: 'compare-size', title: 'Model file size', yLabel: 'KiB', width: 300, format: (v) => v.toFixed(1) }),
    barChart(cats, [{ name: 'p50', values: COMPARE_VARIANTS.map((k) => c[k].p50_us) }], { name: 'compare-latency', title: 'Latency p50, batch 1', yLabel: 'µs', width: 300, format: (v) => v.toFixed(1) }),
  ];
  return {
    ...base,
    source: `${compare.path} (written by edgeqat compare for ${c.model} on ${c.dataset}, measured on ${c.machine})`,
    available: true,
    body: [
      table('compare', ['model', 'accuracy', 'drop vs float (points)', 'file size', 'latency p50', '.tflite'], rows),
      `<div class="charts">${charts.join('')}</div>`,
      note(`The accuracy axis starts at ${floor.toFixed(2)} so that differences of a few tenths of a point show.`),
    ].join('\n'),
  };
}
