// LEAKY_RELU int8: alpha 0.2 (what LeakyReLU layers export) and 0.01, 0.3 and 0 (a ReLU), output
// params observed (any scale and zero point), multipliers below and above 1, every input value.
import { BuiltinOperator, BuiltinOptions, LeakyReluOptionsT } from '../../../schemas/tflite.js';
import { everyInt8, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export function leakyReluCases(): ConformanceCase[] {
  const rng = new Rng(18);
  const make = (name: string, alpha: number, input: Quant, output: Quant) =>
    everyInt8(int8Case('LEAKY_RELU', name, rng, [1, 256], input, 2, (g, x) => ({
      code: BuiltinOperator.LEAKY_RELU,
      version: 1,
      inputs: [x],
      output: int8Activation(g, 'output', [1, 256], output),
      optionsType: BuiltinOptions.LeakyReluOptions,
      options: new LeakyReluOptionsT(alpha),
    })));
  return [
    make('alpha 0.2, output narrower (as TF converts it)', 0.2, { scale: 0.0094489, zeroPoint: -8 }, { scale: 0.0058841, zeroPoint: -89 }),
    make('alpha 0.01, same scale', 0.01, { scale: 0.03, zeroPoint: 5 }, { scale: 0.03, zeroPoint: -100 }),
    make('alpha 0.3, output wider', 0.3, { scale: 0.02, zeroPoint: -128 }, { scale: 0.05, zeroPoint: -40 }),
    make('alpha 0.2, multiplier > 1 (saturating)', 0.2, { scale: 0.1, zeroPoint: 30 }, { scale: 0.04, zeroPoint: 0 }),
    make('alpha 0 (ReLU)', 0, { scale: 0.05, zeroPoint: -20 }, { scale: 0.05, zeroPoint: -128 }),
    make('alpha 0.2, tiny negative multiplier (XNNPACK refuses)', 0.002, { scale: 0.01, zeroPoint: 0 }, { scale: 0.05, zeroPoint: 0 }),
  ];
}
