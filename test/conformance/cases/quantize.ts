// QUANTIZE: float32 → int8 with exact ties (x = (k + ½)·s: the reference rounds them away from
// zero), random and out-of-range values; int8 → int8 requantization with scale ratios below and
// above 1 and different zero points.
import { BuiltinOperator, TensorType } from '../../../schemas/tflite.js';
import { int8Activation, int8Case, Rng, singleOpModel, type ConformanceCase, type Quant } from '../build.js';

function floatCase(rng: Rng, name: string, n: number, out: Quant, values: (i: number) => number): ConformanceCase {
  const model = singleOpModel(
    (g) => g.addTensor({ name: 'input', type: TensorType.FLOAT32, shape: [1, n] }),
    (g, x) => ({ code: BuiltinOperator.QUANTIZE, version: 1, inputs: [x], output: int8Activation(g, 'output', [1, n], out) }),
  );
  const samples = 8;
  return { op: 'QUANTIZE', name, model, input: Float32Array.from({ length: samples * n }, (_, i) => values(i)), samples };
}

export function quantizeCases(): ConformanceCase[] {
  const rng = new Rng(16);
  const out = { scale: 0.25, zeroPoint: -3 };
  const requant = (name: string, input: Quant, output: Quant) =>
    int8Case('QUANTIZE', name, rng, [1, 64], input, 8, (g, x) => ({ code: BuiltinOperator.QUANTIZE, version: 2, inputs: [x], output: int8Activation(g, 'output', [1, 64], output) }));
  return [
    // (k + 0.5) · 0.25 is exact in float32, so x / s is exactly k + 0.5.
    floatCase(rng, 'float → int8, exact ties', 40, out, (i) => ((i % 80) - 40 + 0.5) * 0.25),
    floatCase(rng, 'float → int8, random and out of range', 37, { scale: 0.0127, zeroPoint: -95 }, () => (rng.next() * 2 - 1) * 3),
    requant('int8 → int8, ratio 0.4, zp 5 → −7', { scale: 0.02, zeroPoint: 5 }, { scale: 0.05, zeroPoint: -7 }),
    requant('int8 → int8, ratio 3, saturating', { scale: 0.06, zeroPoint: -10 }, { scale: 0.02, zeroPoint: 20 }),
  ];
}
