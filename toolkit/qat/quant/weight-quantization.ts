// Weight and bias quantization as the converter writes them, with the same float32 formulas as the
// trainer's fake-quant (quant-params.ts), so the int8 weights are exactly the ones training
// simulated; the fake-quant model's inference adds the same int32 bias (bias-quantizer.ts).
import { clamp, f32, roundHalfAway } from '../../../runtime/quant/rounding.js';
import { INT8_WEIGHT, symmetricParams } from './quant-params.js';

export interface QuantizedWeights {
  values: Int8Array;
  /** One scale per tensor, or one per slice along `axis`. */
  scales: number[];
}

function channelIndex(shape: number[], axis: number, perChannel: boolean): (i: number) => number {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return (i) => (perChannel ? Math.floor(i / inner) % shape[axis] : 0);
}

/** The symmetric int8 scales of `w`: one per slice of `axis` when perChannel, else one. */
export function weightScales(w: Float32Array, shape: number[], axis: number, perChannel: boolean): number[] {
  const channelOf = channelIndex(shape, axis, perChannel);
  const maxAbs = new Float64Array(perChannel ? shape[axis] : 1);
  for (let i = 0; i < w.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)], Math.abs(w[i]));
  return Array.from(maxAbs, (m) => symmetricParams(m).scale);
}

/** Symmetric int8 [-127, 127] quantization; per slice of `axis` when perChannel, else per tensor. */
export function quantizeWeightsPerAxis(w: Float32Array, shape: number[], axis: number, perChannel: boolean): QuantizedWeights {
  const channelOf = channelIndex(shape, axis, perChannel);
  const scales = weightScales(w, shape, axis, perChannel);
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    values[i] = clamp(roundHalfAway(f32(w[i] / scales[channelOf(i)])), INT8_WEIGHT.qmin, INT8_WEIGHT.qmax);
  }
  return { values, scales };
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** int32 bias with scale f32(s_in x s_w[c]) and zero-point 0 (TFLite's bias convention). */
export function quantizeBias(b: Float32Array, inputScale: number, weightScales: number[]): { values: Int32Array; scales: number[] } {
  const perChannel = weightScales.length > 1;
  const scales = perChannel ? weightScales.map((s) => f32(inputScale * s)) : [f32(inputScale * weightScales[0])];
  const values = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) {
    values[i] = clamp(roundHalfAway(b[i] / scales[perChannel ? i : 0]), INT32_MIN, INT32_MAX);
  }
  return { values, scales };
}
