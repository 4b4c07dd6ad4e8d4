// Building blocks for conformance cases: single-op int8 models made with the converter's graph
// builder, deterministic random data (seeded), weights quantized the way the TF converter does it
// (symmetric, narrow range [-127, 127], per tensor or per output channel), int32 biases.
import { TfliteGraph, bytesOf } from '../../toolkit/converter/tflite-graph.js';
import { BuiltinOperator, BuiltinOptions, ByteBuffer, Model, TensorType, type OperatorT } from '../../schemas/tflite.js';

export interface ConformanceCase {
  /** The TFLite builtin under test (a key of the reference engine's registry). */
  op: string;
  /** What the case covers, e.g. "3x3 SAME s2 per-channel RELU". */
  name: string;
  model: Uint8Array;
  /** `samples` × input elements: raw int8 for int8-input models, float32 for QUANTIZE. */
  input: Int8Array | Float32Array;
  samples: number;
}

/** mulberry32: small, fast, deterministic. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Log-uniform in [lo, hi]. */
  logUniform(lo: number, hi: number): number {
    return Math.fround(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }
  /** int8 activations: mostly uniform, with a share of the extremes −128 and 127 (saturating inputs). */
  activations(n: number, extremes = 0.1): Int8Array {
    const out = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const r = this.next();
      out[i] = r < extremes / 2 ? -128 : r < extremes ? 127 : this.int(-128, 127);
    }
    return out;
  }
}

export interface Quant {
  scale: number;
  zeroPoint: number;
}

export function int8Activation(g: TfliteGraph, name: string, shape: number[], q: Quant): number {
  return g.addTensor({ name, type: TensorType.INT8, shape, quant: { scale: [q.scale], zeroPoint: [q.zeroPoint] } });
}

export interface QuantizedWeights {
  values: Int8Array;
  scales: number[];
}

/**
 * Random float weights of `shape`, quantized symmetric narrow-range along `axis` (per channel) or
 * as one tensor: scale = max|w| / 127, q = round(w / scale).
 */
export function randomWeights(rng: Rng, shape: number[], axis: number, perChannel: boolean): QuantizedWeights {
  const n = shape.reduce((a, b) => a * b, 1);
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const floats = new Float32Array(n);
  // Channels of different magnitudes make per-channel scales differ.
  const magnitude = Array.from({ length: channels }, () => rng.logUniform(0.05, 2));
  for (let i = 0; i < n; i++) floats[i] = (rng.next() * 2 - 1) * magnitude[Math.floor(i / inner) % channels];
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Array<number>(perChannel ? channels : 1).fill(0);
  for (let i = 0; i < n; i++) {
    const c = perChannel ? channelOf(i) : 0;
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(floats[i]));
  }
  const scales = maxAbs.map((m) => Math.fround(m / 127));
  const values = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const s = scales[perChannel ? channelOf(i) : 0];
    values[i] = Math.max(-127, Math.min(127, Math.round(floats[i] / s)));
  }
  return { values, scales };
}

export function constWeights(g: TfliteGraph, name: string, shape: number[], w: QuantizedWeights, quantizedDimension: number): number {
  return g.addTensor({
    name,
    type: TensorType.INT8,
    shape,
    quant: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension },
    data: bytesOf(w.values),
  });
}

/**
 * int32 bias with scale f32(s_in · s_w[c]) and values up to ±`range`: one scale per channel for
 * per-channel weights, a single scale for per-tensor weights (as the converter writes it; TFLite
 * reads a per-tensor bias scale only from a 1-entry scale list).
 */
export function constBias(g: TfliteGraph, rng: Rng, name: string, channels: number, inScale: number, weightScales: number[], range = 5000): number {
  const scales = weightScales.map((s) => Math.fround(inScale * s));
  const values = Int32Array.from({ length: channels }, () => rng.int(-range, range));
  return g.addTensor({
    name,
    type: TensorType.INT32,
    shape: [channels],
    quant: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
    data: bytesOf(values),
  });
}

export function constInt8(g: TfliteGraph, name: string, shape: number[], values: Int8Array, q: Quant): number {
  return g.addTensor({ name, type: TensorType.INT8, shape, quant: { scale: [q.scale], zeroPoint: [q.zeroPoint] }, data: bytesOf(values) });
}

export function constInt32(g: TfliteGraph, name: string, values: number[]): number {
  return g.addTensor({ name, type: TensorType.INT32, shape: [values.length], data: bytesOf(Int32Array.from(values)) });
}

export interface SingleOp {
  code: BuiltinOperator;
  version: number;
  /** Operator inputs; the graph input tensor is index 0 of the graph (tensor 0). */
  inputs: number[];
  output: number;
  optionsType?: BuiltinOptions;
  options?: OperatorT['builtinOptions'];
}

/**
 * A model with one operator: `makeInput` adds the graph input (first tensor), `makeOp` the
 * constants, output and the operator itself.
 */
export function singleOpModel(makeInput: (g: TfliteGraph) => number, makeOp: (g: TfliteGraph, x: number) => SingleOp): Uint8Array {
  const g = new TfliteGraph();
  const x = makeInput(g);
  const op = makeOp(g, x);
  g.addOperator(op.code, op.version, op.inputs, [op.output], op.optionsType ?? BuiltinOptions.NONE, op.options ?? null);
  return g.finish([x], [op.output], 'edgeqat conformance case');
}

/** The common case: an int8 input tensor of `shape` with `q`, `samples` random samples. */
export function int8Case(
  op: string,
  name: string,
  rng: Rng,
  shape: number[],
  q: Quant,
  samples: number,
  makeOp: (g: TfliteGraph, x: number) => SingleOp,
  extremes = 0.1,
): ConformanceCase {
  const model = singleOpModel((g) => int8Activation(g, 'input', shape, q), makeOp);
  const perInvocation = shape.reduce((a, b) => a * b, 1);
  const invocations = Math.ceil(samples / shape[0]);
  return { op, name, model, input: rng.activations(invocations * perInvocation, extremes), samples: invocations * shape[0] };
}

/** A random int8 quantization: scale log-uniform in [lo, hi], zero point in [zpLo, zpHi]. */
export function randomQuant(rng: Rng, lo = 0.005, hi = 0.2, zpLo = -128, zpHi = 127): Quant {
  return { scale: rng.logUniform(lo, hi), zeroPoint: rng.int(zpLo, zpHi) };
}

/** Replaces a case's input with every int8 value in order, −128 … 127, repeated per sample. */
export function everyInt8(c: ConformanceCase): ConformanceCase {
  return { ...c, input: Int8Array.from({ length: c.input.length }, (_, i) => (i % 256) - 128) };
}

/**
 * The case's model with float32 input and output: QUANTIZE → the op → DEQUANTIZE, for LiteRT.js
 * (which takes float32, not int8, I/O tensors). Feed it floatInputOf(case) and read the int8 results
 * back with int8OutputOf: both conversions are exact, so outputs compare bit for bit.
 */
export function withFloatIo(model: Uint8Array): Uint8Array {
  const m = Model.getRootAsModel(new ByteBuffer(model)).unpack();
  const sub = m.subgraphs[0]!;
  const g = new TfliteGraph();
  for (const t of sub.tensors) {
    const q = t.quantization;
    const data = m.buffers[t.buffer]?.data ?? [];
    g.addTensor({
      name: String(t.name),
      type: t.type,
      shape: t.shape,
      ...(q && q.scale.length > 0 ? { quant: { scale: q.scale, zeroPoint: q.zeroPoint.map(Number), quantizedDimension: q.quantizedDimension } } : {}),
      ...(data.length > 0 ? { data: Uint8Array.from(data) } : {}),
    });
  }
  const [x] = sub.inputs;
  const [y] = sub.outputs;
  const fx = g.addTensor({ name: 'float_input', type: TensorType.FLOAT32, shape: sub.tensors[x!]!.shape });
  const fy = g.addTensor({ name: 'float_output', type: TensorType.FLOAT32, shape: sub.tensors[y!]!.shape });
  g.addOperator(BuiltinOperator.QUANTIZE, 1, [fx], [x!]);
  for (const op of sub.operators) {
    const code = m.operatorCodes[op.opcodeIndex]!;
    g.addOperator(code.builtinCode, code.version, op.inputs, op.outputs, op.builtinOptionsType, op.builtinOptions);
  }
  g.addOperator(BuiltinOperator.DEQUANTIZE, 2, [y!], [fy]);
  return g.finish([fx], [fy], 'edgeqat conformance case, float I/O');
}

/** Float values that QUANTIZE maps exactly onto the case's int8 input. */
export function floatInputOf(c: ConformanceCase, q: Quant): Float32Array {
  return Float32Array.from(c.input, (v) => Math.fround(q.scale * (v - q.zeroPoint)));
}

/** DEQUANTIZE's outputs back as the int8 values they came from. */
export function int8OutputOf(values: Float32Array, q: Quant): Int8Array {
  return Int8Array.from(values, (v) => Math.round(v / q.scale) + q.zeroPoint);
}
