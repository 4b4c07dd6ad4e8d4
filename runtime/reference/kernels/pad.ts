// PAD (kernels/pad.cc EvalInt, reference/pad.h): the input copied into the output at offsets
// `left` per dimension, every other cell the pad value: the output's zero point for quantized int8
// (the real value 0), 0 for int32 and float32. Paddings come from the constant int32 [rank, 2]
// operand; rank at most 5 (PadKernelMaxDimensionCount). The same bytes on every engine: XNNPACK's
// constant pad (which the WebAssembly engines may delegate it to) pads with the zero point too.
import { elementCount, expectShape, input, opError, output, type ReferenceKernel } from '../kernel.js';

type Data = Int8Array | Int32Array | Float32Array;

/** Strides of a row-major shape. */
export function rowStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** For every input element, its flat index in the padded output. */
export function padTargets(inShape: readonly number[], outShape: readonly number[], before: readonly number[]): Int32Array {
  const inStrides = rowStrides(inShape);
  const outStrides = rowStrides(outShape);
  const targets = new Int32Array(elementCount(inShape));
  for (let i = 0; i < targets.length; i++) {
    let o = 0;
    let rest = i;
    for (let d = 0; d < inShape.length; d++) {
      const k = Math.floor(rest / inStrides[d]);
      rest -= k * inStrides[d];
      o += (k + before[d]) * outStrides[d];
    }
    targets[i] = o;
  }
  return targets;
}

export function pad(targets: Int32Array, padValue: number, x: Data, y: Data): void {
  y.fill(padValue);
  for (let i = 0; i < targets.length; i++) y[targets[i]] = x[i];
}

export const PAD: ReferenceKernel = {
  builtin: 'PAD',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8', 'int32', 'float32');
    const paddings = input(ctx, 1, 'int32');
    const y = output(ctx, 0, x.dtype);
    const rank = x.shape.length;
    if (rank > 5) throw opError(ctx, `input of rank ${rank}; PAD pads at most 5 dimensions`);
    if (!paddings.constant) throw opError(ctx, 'paddings are not a constant tensor');
    expectShape(ctx, paddings, [rank, 2]);
    const values = Array.from(paddings.data as Int32Array);
    if (values.some((v) => v < 0)) throw opError(ctx, `negative padding in [${values.join(',')}]`, 'E_MODEL_FILE');
    const before = values.filter((_, i) => i % 2 === 0);
    const outShape = x.shape.map((d, i) => d + values[2 * i] + values[2 * i + 1]);
    expectShape(ctx, y, outShape);
    const padValue = x.dtype === 'int8' ? y.zeroPoint : 0;
    const targets = padTargets(x.shape, outShape, before);
    const xd = x.data;
    const yd = y.data;
    return () => pad(targets, padValue, xd, yd);
  },
};
