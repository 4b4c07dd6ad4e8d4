// MEAN: spatial (global average) with and without keep_dims, equal and different scales, other axes.
import { BuiltinOperator, BuiltinOptions, ReducerOptionsT } from '../../../schemas/tflite.js';
import { constInt32, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

interface Spec {
  name: string;
  shape: number[];
  axes: number[];
  keepDims: boolean;
  input: Quant;
  output: Quant;
}

function meanCase(rng: Rng, s: Spec): ConformanceCase {
  return int8Case('MEAN', s.name, rng, s.shape, s.input, 16, (g, x) => {
    const axes = constInt32(g, 'axes', s.axes);
    const reduced = new Set(s.axes.map((a) => (a < 0 ? a + s.shape.length : a)));
    const outShape = s.keepDims ? s.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : s.shape.filter((_, i) => !reduced.has(i));
    const y = int8Activation(g, 'output', outShape, s.output);
    return { code: BuiltinOperator.MEAN, version: 2, inputs: [x, axes], output: y, optionsType: BuiltinOptions.ReducerOptions, options: new ReducerOptionsT(s.keepDims) };
  });
}

export function meanCases(): ConformanceCase[] {
  const rng = new Rng(10);
  const q = { scale: 0.04, zeroPoint: -12 };
  const specs: Spec[] = [
    { name: 'axes [1,2] keep_dims, equal scales', shape: [1, 5, 6, 3], axes: [1, 2], keepDims: true, input: q, output: q },
    { name: 'axes [1,2] no keep_dims, equal scales', shape: [1, 5, 6, 3], axes: [1, 2], keepDims: false, input: q, output: q },
    { name: 'axes [1,2] different scales', shape: [1, 4, 4, 8], axes: [1, 2], keepDims: false, input: { scale: 0.05, zeroPoint: 10 }, output: { scale: 0.02, zeroPoint: -30 } },
    { name: 'axis [-1], different scales, saturating', shape: [1, 6, 7], axes: [-1], keepDims: false, input: { scale: 0.1, zeroPoint: 0 }, output: { scale: 0.01, zeroPoint: 5 } },
    { name: 'axis [1] of rank 3, 13 elements', shape: [1, 13, 4], axes: [1], keepDims: true, input: { scale: 0.03, zeroPoint: -100 }, output: { scale: 0.07, zeroPoint: 40 } },
  ];
  return specs.map((s) => meanCase(rng, s));
}
