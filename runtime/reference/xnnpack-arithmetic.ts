// XNNPACK's int8 requantization, which the WebAssembly engines (tfjs-tflite, LiteRT.js) run for the
// convolutions and fully-connected layers they delegate to it: float32 arithmetic and round half to
// even ("fp32" requantization in XNNPACK's qs8 gemm/igemm/dwconv micro-kernels), where TFLite's
// reference kernels use a 31-bit fixed-point multiplier and gemmlowp's double rounding.
//
// Why they differ: the reference first rounds acc·M₀/2³¹ to an integer, which keeps only e bits
// below the output's step (M = M₀·2^-e·2^-31), then rounds that to the step; a value in
// [k + ½ − 2^-(e+1), k + ½) therefore rounds up to k + 1, where float32 rounds it to k. With e ≈ 8
// that is ~0.2 % of a uniform spread of values, each one step apart.
//
// Float32 in JS: Math.fround after every operation. For + − × ÷ of float32 operands the double result
// rounded to float32 equals the float32 operation (53 ≥ 2·24 + 2), so this is C's float arithmetic.

const fround = Math.fround;

/** Nearest integer, ties to even (C lrintf in the default rounding mode, XNNPACK's magic-bias trick). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +∞
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The per-channel requantization scale XNNPACK derives: input_scale · kernel_scale / output_scale in float32. */
export function xnnpackConvScale(inputScale: number, kernelScale: number, outputScale: number): number {
  return fround(fround(fround(inputScale) * fround(kernelScale)) / fround(outputScale));
}

/**
 * xnn_qs8_quantize: an activation bound (0 for RELU, 6 for RELU6, ±∞ for none) as an int8 value:
 * val / scale + zero_point in float32, clamped to [−128, 127], rounded half to even.
 */
export function xnnpackQuantizeBound(value: number, scale: number, zeroPoint: number): number {
  const v = fround(fround(value / fround(scale)) + zeroPoint);
  return roundHalfEven(Math.min(Math.max(v, -128), 127));
}

/**
 * One int32 accumulator to int8 the way XNNPACK's fp32 requantization does: (float) acc · scale in
 * float32, rounded half to even, plus the output zero point, clamped to [min, max]. Clamping before
 * or after rounding is the same here because the bounds are integers.
 */
export function xnnpackRequantize(acc: number, scale: number, outputZeroPoint: number, min: number, max: number): number {
  const q = roundHalfEven(fround(fround(acc) * scale)) + outputZeroPoint;
  return q < min ? min : q > max ? max : q;
}
