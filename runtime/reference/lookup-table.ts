// 256-entry int8 lookup tables for element-wise activations (kernels/activations.cc
// PopulateLookupTable / LUTPopulate): d = f32(s_in · (q − zp_in)), t = transform(d) in float32,
// y = round_half_away(f32(t · f32(1 / s_out))) + zp_out, clamped to int8. Table index is q + 128.
import { f32, roundHalfAway } from '../quant/rounding.js';
import { elementCount, input, opError, output, perTensor, type KernelContext, type EvalStep } from './kernel.js';

export function buildLookupTable(inScale: number, inZeroPoint: number, outScale: number, outZeroPoint: number, transform: (d: number) => number): Int8Array {
  const inverse = f32(1 / f32(outScale));
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) {
    const d = f32(f32(inScale) * (q - inZeroPoint));
    const t = transform(d);
    const r = roundHalfAway(f32(t * inverse)) + outZeroPoint;
    table[q + 128] = r < -128 ? -128 : r > 127 ? 127 : r;
  }
  return table;
}

export function lookup(table: Int8Array, x: Int8Array, y: Int8Array): void {
  for (let i = 0; i < x.length; i++) y[i] = table[x[i] + 128];
}

/** y[q + 128] = value(q) for every int8 q. */
export function int8Table(value: (q: number) => number): Int8Array {
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) table[q + 128] = value(q);
  return table;
}

/**
 * Prepare for an int8 element-wise op whose result depends on the input value alone: `makeTable`
 * gives the 256-entry table from the input's and output's parameters.
 */
export function prepareTable(ctx: KernelContext, makeTable: (inQ: Quant, outQ: Quant) => Int8Array): EvalStep {
  const x = input(ctx, 0, 'int8');
  const y = output(ctx, 0, 'int8');
  if (elementCount(x.shape) !== elementCount(y.shape)) throw opError(ctx, 'input and output sizes differ', 'E_MODEL_FILE');
  const table = makeTable(perTensor(ctx, x), perTensor(ctx, y));
  const xd = x.data as Int8Array;
  const yd = y.data as Int8Array;
  return () => lookup(table, xd, yd);
}

interface Quant {
  scale: number;
  zeroPoint: number;
}

/** Prepare for an int8 element-wise op computed through a float32 lookup table (LOGISTIC, TANH). */
export function prepareLookup(ctx: KernelContext, transform: (d: number) => number, check?: (outScale: number, outZeroPoint: number) => string | null): EvalStep {
  return prepareTable(ctx, (inQ, outQ) => {
    const problem = check?.(outQ.scale, outQ.zeroPoint);
    if (problem) throw opError(ctx, problem);
    return buildLookupTable(inQ.scale, inQ.zeroPoint, outQ.scale, outQ.zeroPoint, transform);
  });
}
