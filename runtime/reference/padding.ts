// Output sizes and padding as TFLite computes them (tensorflow/lite/kernels/padding.h): SAME pads
// to ceil(in / stride) with the odd pixel at the bottom/right; kernels use the top/left padding
// only and skip taps outside the image.

export type PaddingMode = 'SAME' | 'VALID';

export function outputSize(padding: PaddingMode, inSize: number, filter: number, stride: number, dilation: number): number {
  const effective = (filter - 1) * dilation + 1;
  if (padding === 'SAME') return Math.floor((inSize + stride - 1) / stride);
  return Math.floor((inSize + stride - effective) / stride);
}

/** Padding before (top or left). */
export function paddingBefore(inSize: number, filter: number, stride: number, dilation: number, outSize: number): number {
  const effective = (filter - 1) * dilation + 1;
  const total = Math.max(0, (outSize - 1) * stride + effective - inSize);
  return Math.floor(total / 2);
}
