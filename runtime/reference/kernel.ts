// What a reference kernel is: `prepare` runs once per model (checks types and shapes, turns scales
// into integer multipliers/shifts and clamps, allocates scratch) and returns the op's eval step, a
// closure over typed arrays that does integer arithmetic only. Each kernel file exports its eval
// loop as a pure function over typed arrays and a parameter struct, the way TFLite's reference
// kernels are written (tensorflow/lite/kernels/internal/reference/integer_ops/*.h).
import { EdgeqatError } from '../errors.js';
import type { OperatorSummary, QuantizationSummary } from '../model-reader.js';

export type RefDtype = 'int8' | 'int32' | 'float32';
export type RefData = Int8Array | Int32Array | Float32Array;

/** One tensor of the graph with the memory it lives in (allocated once; every tensor has its own). */
export interface RefTensor {
  readonly index: number;
  readonly name: string;
  readonly dtype: RefDtype;
  /** The static shape the engine runs with (the file's `shape`; a -1 batch in shape_signature runs as that). */
  readonly shape: readonly number[];
  readonly data: RefData;
  /** Holds constant data from the model's buffers (weights, biases, shape/axis operands). */
  readonly constant: boolean;
  readonly quantization: QuantizationSummary | null;
  /** Per-tensor parameters (the first entry); 0/0 when the tensor has none. */
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Whose integer arithmetic the kernels reproduce. `tflite-reference`: TFLite's reference kernels
 * (BUILTIN_REF). `xnnpack`: what the WebAssembly engines (tfjs-tflite, LiteRT.js) compute — the
 * XNNPACK kernels they delegate int8 ops to (float32 requantization rounded half to even for
 * convolutions and fully-connected layers, XNNPACK's own formulas for ADD, MUL, MEAN, QUANTIZE), and
 * TFLite's kernels for what XNNPACK does not take. Why they differ: xnnpack-arithmetic.ts.
 */
export type Arithmetic = 'tflite-reference' | 'xnnpack';

export interface KernelContext {
  /** Names the model in messages. */
  readonly label: string;
  readonly arithmetic: Arithmetic;
  readonly op: OperatorSummary;
  /** Inputs in operator order; undefined for an omitted optional input (index -1). */
  readonly inputs: readonly (RefTensor | undefined)[];
  readonly outputs: readonly RefTensor[];
}

/**
 * The same op with TFLite's own arithmetic: what the WebAssembly engines compute for ops or cases
 * the XNNPACK delegate does not take (they run on TFLite's kernels, reference-exact for these ops).
 */
export function tfliteArithmetic(ctx: KernelContext): KernelContext {
  return ctx.arithmetic === 'tflite-reference' ? ctx : { ...ctx, arithmetic: 'tflite-reference' };
}

/** An op's evaluation: reads its input tensors' data, writes its output tensors' data. */
export type EvalStep = () => void;

export interface ReferenceKernel {
  /** TFLite BuiltinOperator name, e.g. "CONV_2D". */
  readonly builtin: string;
  prepare(ctx: KernelContext): EvalStep;
}

/** A one-line error about this op: "<model>: op #3 CONV_2D: <problem>". */
export function opError(ctx: KernelContext, problem: string, code: 'E_UNSUPPORTED' | 'E_MODEL_FILE' = 'E_UNSUPPORTED'): EdgeqatError {
  return new EdgeqatError(code, `${ctx.label}: op #${ctx.op.index} ${ctx.op.op}: ${problem}`);
}

/** Input `i`, required, of one of the given dtypes. */
export function input(ctx: KernelContext, i: number, ...dtypes: RefDtype[]): RefTensor {
  const t = ctx.inputs[i];
  if (!t) throw opError(ctx, `input ${i} is missing`, 'E_MODEL_FILE');
  checkDtype(ctx, t, `input ${i}`, dtypes);
  return t;
}

export function output(ctx: KernelContext, i: number, ...dtypes: RefDtype[]): RefTensor {
  const t = ctx.outputs[i];
  if (!t) throw opError(ctx, `output ${i} is missing`, 'E_MODEL_FILE');
  checkDtype(ctx, t, `output ${i}`, dtypes);
  return t;
}

function checkDtype(ctx: KernelContext, t: RefTensor, what: string, dtypes: RefDtype[]): void {
  if (dtypes.length > 0 && !dtypes.includes(t.dtype)) {
    throw opError(ctx, `${what} (${t.name}) is ${t.dtype}; the reference engine runs this op on ${dtypes.join(' or ')}`);
  }
}

/** Per-tensor scale/zero-point of an int8 activation tensor; rejects per-channel or missing params. */
export function perTensor(ctx: KernelContext, t: RefTensor): { scale: number; zeroPoint: number } {
  const q = t.quantization;
  if (!q || q.scale.length === 0) throw opError(ctx, `${t.name} has no quantization parameters`, 'E_MODEL_FILE');
  if (q.scale.length !== 1) throw opError(ctx, `${t.name} is quantized per channel; this op needs per-tensor parameters`);
  if (!(q.scale[0] > 0)) throw opError(ctx, `${t.name} has scale ${q.scale[0]}`, 'E_MODEL_FILE');
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function expectShape(ctx: KernelContext, t: RefTensor, expected: readonly number[]): void {
  if (!sameShape(t.shape, expected)) {
    throw opError(ctx, `${t.name} has shape [${t.shape.join(',')}], expected [${expected.join(',')}]`, 'E_MODEL_FILE');
  }
}

/** Reads an option from the op's builtin options (plain fields from the model reader), with a default. */
export function option<T>(ctx: KernelContext, name: string, fallback: T): T {
  const v = ctx.op.options?.[name];
  return v === undefined || v === null ? fallback : (v as T);
}
