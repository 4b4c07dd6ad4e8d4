// DEQUANTIZE: int8 → float32 for several scales and zero points, every int8 value.
import { BuiltinOperator, TensorType } from '../../../schemas/tflite.js';
import { everyInt8, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export function dequantizeCases(): ConformanceCase[] {
  const rng = new Rng(17);
  const make = (name: string, q: Quant) =>
    everyInt8(
      int8Case('DEQUANTIZE', name, rng, [1, 256], q, 1, (g, x) => ({
        code: BuiltinOperator.DEQUANTIZE,
        version: 2,
        inputs: [x],
        output: g.addTensor({ name: 'output', type: TensorType.FLOAT32, shape: [1, 256] }),
      })),
    );
  return [make('scale 0.125, zp 42', { scale: 0.125, zeroPoint: 42 }), make('scale 0.0127282, zp −95', { scale: 0.0127282, zeroPoint: -95 }), make('scale 3.3e-5, zp 127', { scale: 3.3e-5, zeroPoint: 127 })];
}
