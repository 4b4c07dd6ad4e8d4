// CONCATENATION: input and a constant along the channel axis, an inner axis and axis −1; all
// tensors share the output's scale and zero point (TFLite requires it).
import { BuiltinOperator, BuiltinOptions, ConcatenationOptionsT } from '../../../schemas/tflite.js';
import { constInt8, int8Activation, int8Case, Rng, type ConformanceCase } from '../build.js';

export function concatenationCases(): ConformanceCase[] {
  const rng = new Rng(12);
  const q = { scale: 0.07, zeroPoint: -9 };
  const make = (name: string, shape: number[], constShape: number[], axis: number) =>
    int8Case('CONCATENATION', name, rng, shape, q, 8, (g, x) => {
      const c = constInt8(g, 'constant', constShape, rng.activations(constShape.reduce((a, b) => a * b, 1)), q);
      const rank = shape.length;
      const a = axis < 0 ? axis + rank : axis;
      const outShape = shape.map((d, i) => (i === a ? d + constShape[i] : d));
      return {
        code: BuiltinOperator.CONCATENATION,
        version: 2,
        inputs: [x, c],
        output: int8Activation(g, 'output', outShape, q),
        optionsType: BuiltinOptions.ConcatenationOptions,
        options: new ConcatenationOptionsT(axis),
      };
    });
  return [
    make('channels (axis 3)', [1, 3, 4, 2], [1, 3, 4, 5], 3),
    make('rows (axis 1)', [1, 3, 4, 2], [1, 2, 4, 2], 1),
    make('axis −1 of rank 2', [1, 6], [1, 4], -1),
  ];
}
