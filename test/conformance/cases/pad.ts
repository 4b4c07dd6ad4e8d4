// PAD int8: spatial padding of NHWC (as ZeroPadding2D exports), asymmetric, every axis, rank 2 and
// 3, and zero points at both ends of the range (the pad value is the output's zero point).
import { BuiltinOperator, BuiltinOptions, PadOptionsT, TensorType } from '../../../schemas/tflite.js';
import { bytesOf } from '../../../toolkit/converter/tflite-graph.js';
import { int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

interface Spec {
  name: string;
  shape: number[];
  /** [before, after] per axis. */
  paddings: [number, number][];
  q: Quant;
}

function padCase(rng: Rng, s: Spec): ConformanceCase {
  return int8Case('PAD', s.name, rng, s.shape, s.q, 8, (g, x) => {
    const paddings = g.addTensor({ name: 'paddings', type: TensorType.INT32, shape: [s.shape.length, 2], data: bytesOf(Int32Array.from(s.paddings.flat())) });
    const outShape = s.shape.map((d, i) => d + s.paddings[i][0] + s.paddings[i][1]);
    return { code: BuiltinOperator.PAD, version: 2, inputs: [x, paddings], output: int8Activation(g, 'output', outShape, s.q), optionsType: BuiltinOptions.PadOptions, options: new PadOptionsT() };
  });
}

export function padCases(): ConformanceCase[] {
  const rng = new Rng(16);
  const specs: Spec[] = [
    { name: 'NHWC spatial 1,1 / 1,1, zp −128', shape: [1, 5, 6, 3], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], q: { scale: 0.02, zeroPoint: -128 } },
    { name: 'NHWC spatial 0,2 / 3,1, zp 17', shape: [1, 4, 4, 2], paddings: [[0, 0], [0, 2], [3, 1], [0, 0]], q: { scale: 0.05, zeroPoint: 17 } },
    { name: 'every axis but the batch, zp 127', shape: [1, 2, 3, 2], paddings: [[0, 0], [0, 1], [2, 0], [1, 2]], q: { scale: 0.1, zeroPoint: 127 } },
    { name: 'rank 3 (a 1-D sequence) 2 / 1, zp −5', shape: [1, 7, 4], paddings: [[0, 0], [2, 1], [0, 0]], q: { scale: 0.03, zeroPoint: -5 } },
    { name: 'rank 2, channels only', shape: [1, 9], paddings: [[0, 0], [3, 2]], q: { scale: 0.04, zeroPoint: 60 } },
  ];
  return specs.map((s) => padCase(rng, s));
}
