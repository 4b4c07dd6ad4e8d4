// The contract every TFLite runtime behind edgeqat fulfils (tfjs-tflite, LiteRT.js, our reference
// kernels, a device over SSH): one input tensor, one output tensor, batches of samples in flat
// typed arrays. Engines quantize float input themselves so callers never need the input's
// scale/zero-point, and return the output raw so int8 outputs can be compared bit for bit.
import { EdgeqatError } from '../errors.js';

export type TensorDtype = 'float32' | 'int8' | 'uint8' | 'int32';

export interface TensorInfo {
  name: string;
  dtype: TensorDtype;
  /** Shape the engine runs with; dim 0 is the batch (how many samples one invocation takes). */
  shape: number[];
  /** Affine quantization (real = scale * (q - zeroPoint)); present for quantized tensors. */
  scale?: number;
  zeroPoint?: number;
}

export type OutputArray = Float32Array | Int8Array | Uint8Array | Int32Array;

export interface Engine {
  readonly name: string;
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  /** CPU threads the engine computes with (all of edgeqat's engines run single-threaded in Node). */
  readonly threads?: number;
  /**
   * Runs a batch of `n` samples, `n` × (input elements per sample) values. Float32 input is
   * quantized by the engine if the model takes int8/uint8; Int8Array input is passed through raw
   * and needs an int8 input tensor. Returns the raw values of the output tensor for all n samples
   * (Float32Array for float32 outputs, Int8Array for int8, …).
   */
  run(input: Float32Array | Int8Array, n: number): OutputArray;
  dispose(): void;
}

/** Values per sample: the product of all dims after the batch dim. */
export function elementsPerSample(info: TensorInfo): number {
  return info.shape.slice(1).reduce((a, b) => a * b, 1);
}

const RANGES: Partial<Record<TensorDtype, [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

/**
 * Quantizes float values the way TFLite's QUANTIZE kernel does: x / scale in float32, round half
 * away from zero, add the zero point, clamp to the type's range. Writes into `out` from `outOffset`.
 */
export function quantizeInto(
  values: Float32Array,
  info: TensorInfo,
  out: Int8Array | Uint8Array,
  outOffset = 0,
): void {
  const range = RANGES[info.dtype];
  if (!range || info.scale === undefined || !(info.scale > 0)) {
    throw new EdgeqatError('E_UNSUPPORTED', `tensor ${info.name}: ${info.dtype} without a positive scale cannot take float input`);
  }
  const [lo, hi] = range;
  const scale = Math.fround(info.scale);
  const zp = info.zeroPoint ?? 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(values[i] / scale);
    const r = v < 0 ? -Math.round(-v) : Math.round(v); // Math.round alone rounds -2.5 to -2
    const q = r + zp;
    out[outOffset + i] = q < lo ? lo : q > hi ? hi : q;
  }
}

export function quantize(values: Float32Array, info: TensorInfo): Int8Array | Uint8Array {
  const out = info.dtype === 'uint8' ? new Uint8Array(values.length) : new Int8Array(values.length);
  quantizeInto(values, info, out);
  return out;
}

/** real = scale * (q - zeroPoint); float32 outputs are returned as they are. */
export function dequantize(values: OutputArray, info: TensorInfo): Float32Array {
  if (values instanceof Float32Array) return values;
  const scale = info.scale ?? 1;
  const zp = info.zeroPoint ?? 0;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = scale * (values[i] - zp);
  return out;
}

/** A new typed array of `length` values of an engine tensor's dtype. */
export function allocateOutput(dtype: TensorDtype, length: number): OutputArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
      return new Uint8Array(length);
    case 'int32':
      return new Int32Array(length);
  }
}
