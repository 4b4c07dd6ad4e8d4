// LOGISTIC int8 (output (1/256, −128)): several input scales and zero points, every input value.
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { everyInt8, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export function logisticCases(): ConformanceCase[] {
  const rng = new Rng(14);
  const make = (name: string, input: Quant) =>
    everyInt8(int8Case('LOGISTIC', name, rng, [1, 256], input, 2, (g, x) => ({
      code: BuiltinOperator.LOGISTIC,
      version: 2,
      inputs: [x],
      output: int8Activation(g, 'output', [1, 256], { scale: 1 / 256, zeroPoint: -128 }),
    })));
  return [make('scale 0.05, zp 0', { scale: 0.05, zeroPoint: 0 }), make('scale 0.1, zp −30', { scale: 0.1, zeroPoint: -30 }), make('scale 0.01, zp 100', { scale: 0.01, zeroPoint: 100 })];
}
