// Weight histogram of one layer before and after quantization: the float weights of the run's QAT
// checkpoint as the converter quantizes them (batch norm folded in), against the int8 values of
// the same layer in the .tflite times their (per-channel) scale. Default layer: the one with the
// most weights.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readTfliteBufferData, type ModelSummary, type TensorSummary } from '../../runtime/model-reader.js';
import { QuantizeWrapper } from '../qat/layers/quantize-wrapper.js';
import { bin, histogram } from './histogram.js';
import { missing, num, table, type Section } from './html.js';

export interface LayerWeights {
  layer: string;
  tensor: TensorSummary;
  before: Float32Array;
  after: Float32Array;
  int8: Int8Array;
}

/** int8 values × scale of their channel (quantizedDimension) or the tensor. */
export function dequantizeWeights(t: TensorSummary, data: Int8Array): Float32Array {
  const q = t.quantization!;
  const dim = q.quantizedDimension;
  const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const channels = t.shape[dim] ?? 1;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const scale = q.scale.length > 1 ? q.scale[Math.floor(i / stride) % channels] : q.scale[0];
    out[i] = data[i] * scale;
  }
  return out;
}

export function layerWeights(model: tfl.LayersModel, tflite: Uint8Array, summary: ModelSummary, label: string, only?: string): LayerWeights | string {
  const buffers = readTfliteBufferData(tflite, label);
  const candidates: { wrapper: QuantizeWrapper; tensor: TensorSummary; size: number }[] = [];
  for (const l of model.layers) {
    if (!(l instanceof QuantizeWrapper) || l.spec.quantizedWeights.length === 0) continue;
    if (only && l.layer.name !== only) continue;
    const tensor = summary.subgraph.tensors.find((t) => t.name.startsWith(`${l.layer.name}/`) && t.dtype.toUpperCase() === 'INT8' && t.bufferBytes > 0 && t.quantization);
    if (tensor) candidates.push({ wrapper: l, tensor, size: tensor.bufferBytes });
  }
  if (candidates.length === 0) return only ? `no quantized layer named '${only}' with int8 weights in both the checkpoint and ${label}` : `no layer with int8 weights in both the checkpoint and ${label}`;
  const { wrapper, tensor } = candidates.reduce((a, b) => (b.size > a.size ? b : a));
  const raw = buffers[tensor.buffer];
  const int8 = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice();
  const { weights, bias } = wrapper.inferenceWeights();
  const main = weights[wrapper.spec.quantizedWeights[0].name];
  const before = main.dataSync() as Float32Array;
  tf.dispose([...Object.values(weights), ...(bias ? [bias] : [])]);
  if (before.length !== int8.length) return `layer ${wrapper.layer.name}: ${before.length} float weights but ${int8.length} int8 values in ${label}`;
  return { layer: wrapper.layer.name, tensor, before, after: dequantizeWeights(tensor, int8), int8 };
}

function stats(xs: Float32Array): { min: number; max: number; meanAbs: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of xs) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += Math.abs(x);
  }
  return { min, max, meanAbs: sum / Math.max(1, xs.length) };
}

/**
 * With one scale, bins hold whole quantization levels (edges halfway between levels), so the int8
 * histogram shows no aliasing; per-channel scales put levels anywhere: 80 equal bins.
 */
function binning(w: LayerWeights, min: number, max: number): { lo: number; hi: number; bins: number } {
  const q = w.tensor.quantization!;
  if (q.scale.length !== 1) return { lo: min, hi: max, bins: 80 };
  const s = q.scale[0];
  let qmin = 127;
  let qmax = -127;
  for (const v of w.int8) [qmin, qmax] = [Math.min(qmin, v), Math.max(qmax, v)];
  const levels = qmax - qmin + 1;
  const perBin = Math.max(1, Math.ceil(levels / 100));
  const bins = Math.ceil(levels / perBin);
  const lo = (qmin - 0.5) * s;
  return { lo, hi: lo + bins * perBin * s, bins };
}

export function weightsSection(w: LayerWeights | string, checkpoint: string, tflitePath: string): Section {
  const base = { id: 'weights', title: 'Weights before and after quantization' };
  if (typeof w === 'string') return { ...base, source: `${checkpoint} and ${tflitePath}`, available: false, body: missing(w) };
  const b = stats(w.before);
  const a = stats(w.after);
  const { lo, hi, bins } = binning(w, Math.min(b.min, a.min), Math.max(b.max, a.max));
  const chart = histogram(
    [
      { name: 'float (checkpoint)', binned: bin(w.before, lo, hi, bins) },
      { name: 'int8 × scale (.tflite)', binned: bin(w.after, lo, hi, bins) },
    ],
    { name: 'weights', title: `Weights of ${w.layer} (${num(w.before.length)} values)`, xLabel: 'weight value', width: 640 },
  );
  const levels = new Set(w.int8).size;
  const q = w.tensor.quantization!;
  const rows = [
    ['float (checkpoint, as converted)', { text: num(b.min, 4), value: b.min }, { text: num(b.max, 4), value: b.max }, { text: num(b.meanAbs, 4), value: b.meanAbs }, '-'],
    ['int8 × scale (.tflite)', { text: num(a.min, 4), value: a.min }, { text: num(a.max, 4), value: a.max }, { text: num(a.meanAbs, 4), value: a.meanAbs }, { text: String(levels), value: levels }],
  ];
  return {
    ...base,
    source: `layer ${w.layer}: ${checkpoint} (float weights, batch norm folded as the converter does) and tensor '${w.tensor.name}' of ${tflitePath}`,
    available: true,
    body: [
      `<div class="charts">${chart}</div>`,
      table('weights', ['values', 'min', 'max', 'mean |w|', 'int8 levels used'], rows),
      `<p class="note">Scale: ${q.scale.length > 1 ? `${q.scale.length} per-channel scales (axis ${q.quantizedDimension})` : num(q.scale[0], 5)}; symmetric, zero-point 0, int8 range [-127, 127].</p>`,
    ].join('\n'),
  };
}
