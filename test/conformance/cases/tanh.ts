// TANH int8 (output (1/128, 0) as converters write it, and other output parameters).
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { everyInt8, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export function tanhCases(): ConformanceCase[] {
  const rng = new Rng(15);
  const make = (name: string, input: Quant, output: Quant) =>
    everyInt8(int8Case('TANH', name, rng, [1, 256], input, 2, (g, x) => ({
      code: BuiltinOperator.TANH,
      version: 2,
      inputs: [x],
      output: int8Activation(g, 'output', [1, 256], output),
    })));
  return [
    make('scale 0.02 → (1/128, 0)', { scale: 0.02, zeroPoint: 0 }, { scale: 1 / 128, zeroPoint: 0 }),
    make('scale 0.05, zp −20 → (1/128, 0)', { scale: 0.05, zeroPoint: -20 }, { scale: 1 / 128, zeroPoint: 0 }),
    make('scale 0.01 → (0.01, 3)', { scale: 0.01, zeroPoint: 0 }, { scale: 0.01, zeroPoint: 3 }),
  ];
}
