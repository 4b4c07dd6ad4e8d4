// Output sizes as TFLite's kernels compute them (kernels/padding.h, kernels/kernel_util.cc).
import { Padding } from '../../../schemas/tflite.js';

/** One spatial output size of a convolution or pooling. */
export function convOutSize(input: number, filter: number, stride: number, dilation: number, padding: Padding): number {
  const effective = (filter - 1) * dilation + 1;
  return padding === Padding.SAME ? Math.floor((input + stride - 1) / stride) : Math.floor((input - effective + stride) / stride);
}

/** NumPy-style broadcast of two shapes, or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}
