// RESHAPE: with ReshapeOptions.new_shape and with a constant shape tensor (one −1).
import { BuiltinOperator, BuiltinOptions, ReshapeOptionsT } from '../../../schemas/tflite.js';
import { constInt32, int8Activation, int8Case, Rng, type ConformanceCase } from '../build.js';

export function reshapeCases(): ConformanceCase[] {
  const rng = new Rng(11);
  const q = { scale: 0.1, zeroPoint: 4 };
  return [
    int8Case('RESHAPE', '[1,4,4,2] → [1,32] (new_shape)', rng, [1, 4, 4, 2], q, 8, (g, x) => ({
      code: BuiltinOperator.RESHAPE,
      version: 1,
      inputs: [x],
      output: int8Activation(g, 'output', [1, 32], q),
      optionsType: BuiltinOptions.ReshapeOptions,
      options: new ReshapeOptionsT([1, 32]),
    })),
    int8Case('RESHAPE', '[1,30] → [1,5,3,2] (shape tensor with −1)', rng, [1, 30], q, 8, (g, x) => ({
      code: BuiltinOperator.RESHAPE,
      version: 1,
      inputs: [x, constInt32(g, 'shape', [-1, 5, 3, 2])],
      output: int8Activation(g, 'output', [1, 5, 3, 2], q),
    })),
  ];
}
