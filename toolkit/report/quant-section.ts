// Per-layer quantization parameters read from the .tflite itself: for every operator, the int8
// output's scale, zero-point and the real range it can represent, and the weights' (per-channel)
// scales; a chart of the representable activation ranges.
import type { ModelSummary, TensorSummary } from '../../runtime/model-reader.js';
import { barChart } from './bar-chart.js';
import { missing, note, num, table, type CellInput, type Section } from './html.js';

const QRANGE: Record<string, [number, number]> = { INT8: [-128, 127], UINT8: [0, 255], INT16: [-32768, 32767] };

export interface ActivationRange {
  op: number;
  opName: string;
  tensor: string;
  dtype: string;
  scale: number;
  zeroPoint: number;
  min: number;
  max: number;
}

/** The real interval an affine-quantized tensor can hold: scale × (qmin − zp) .. scale × (qmax − zp). */
export function activationRanges(s: ModelSummary): ActivationRange[] {
  const out: ActivationRange[] = [];
  for (const op of s.subgraph.operators) {
    const t = s.subgraph.tensors[op.outputs[0]];
    const q = t?.quantization;
    const r = t && QRANGE[t.dtype.toUpperCase()];
    if (!t || !q || q.scale.length !== 1 || !r) continue;
    const zp = q.zeroPoint[0] ?? 0;
    out.push({ op: op.index, opName: op.op, tensor: t.name, dtype: t.dtype, scale: q.scale[0], zeroPoint: zp, min: q.scale[0] * (r[0] - zp), max: q.scale[0] * (r[1] - zp) });
  }
  return out;
}

function scales(t: TensorSummary | undefined): CellInput {
  const q = t?.quantization;
  if (!t || !q || q.scale.length === 0) return '-';
  if (q.scale.length === 1) return { text: num(q.scale[0], 5), value: q.scale[0] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of q.scale) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return { text: `${q.scale.length} ch, ${num(lo, 3)}…${num(hi, 3)}`, value: `${lo}..${hi}` };
}

export function quantSection(s: ModelSummary, tflitePath: string): Section {
  const base = { id: 'quantization', title: 'Per-layer quantization ranges and scales', source: `${tflitePath} (tensor quantization parameters, as edgeqat inspect shows them)` };
  const ranges = activationRanges(s);
  if (ranges.length === 0) return { ...base, available: false, body: missing('The model has no quantized tensors (a float model): nothing to show.') };
  const tensors = s.subgraph.tensors;
  const rows = s.subgraph.operators.map((op) => {
    const out = tensors[op.outputs[0]];
    const r = ranges.find((a) => a.op === op.index);
    const weight = op.inputs.slice(1).map((i) => tensors[i]).find((t) => t && t.bufferBytes > 0 && t.dtype.toUpperCase() === 'INT8');
    const bias = op.inputs.slice(1).map((i) => tensors[i]).find((t) => t && t.bufferBytes > 0 && t.dtype.toUpperCase() === 'INT32' && t.quantization);
    return [
      `${op.index} ${op.op}`,
      out ? `${out.name}${out.dtype.toUpperCase() === 'INT8' ? '' : ` (${out.dtype.toLowerCase()})`}` : '-',
      r ? { text: num(r.scale, 5), value: r.scale } : '-',
      r ? { text: String(r.zeroPoint), value: r.zeroPoint } : '-',
      r ? { text: `${num(r.min, 4)} … ${num(r.max, 4)}`, value: `${r.min}..${r.max}` } : '-',
      weight ? `[${weight.shape.join('×')}]` : '-',
      scales(weight),
      scales(bias),
    ];
  });
  const chart = barChart(
    ranges.map((r) => r.tensor.replace(/\/int8$/, '').replace(/^quant_/, '')),
    [
      { name: 'min', values: ranges.map((r) => r.min) },
      { name: 'max', values: ranges.map((r) => r.max) },
    ],
    { name: 'ranges', title: 'Representable range of each int8 activation', yLabel: 'real value', width: Math.max(420, 60 + ranges.length * 60), height: 300, format: (v) => num(v, 3) },
  );
  return {
    ...base,
    available: true,
    body: [
      table('quantization', ['operator', 'output tensor', 'output scale', 'zero-point', 'real range', 'weight shape', 'weight scale', 'bias scale'], rows),
      `<div class="charts">${chart}</div>`,
      note('Output tensors are int8 unless marked. real = scale × (q − zero-point); int8 activations are asymmetric [-128, 127], weights symmetric [-127, 127] with zero-point 0.'),
    ].join('\n'),
  };
}
