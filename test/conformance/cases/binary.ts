// Shared by the ADD and MUL cases: x (graph input) op constant, with broadcasting of the constant.
import { BuiltinOperator, BuiltinOptions, AddOptionsT, MulOptionsT, type ActivationFunctionType } from '../../../schemas/tflite.js';
import { constInt8, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export interface BinarySpec {
  name: string;
  shape: number[];
  constShape: number[];
  act: ActivationFunctionType;
  input: Quant;
  other: Quant;
  output: Quant;
  version?: number;
}

export function binaryCase(op: 'ADD' | 'MUL', rng: Rng, s: BinarySpec): ConformanceCase {
  return int8Case(op, s.name, rng, s.shape, s.input, 16, (g, x) => {
    const n = s.constShape.reduce((a, b) => a * b, 1);
    const c = constInt8(g, 'constant', s.constShape, rng.activations(n), s.other);
    const y = int8Activation(g, 'output', s.shape, s.output);
    return op === 'ADD'
      ? { code: BuiltinOperator.ADD, version: s.version ?? 2, inputs: [x, c], output: y, optionsType: BuiltinOptions.AddOptions, options: new AddOptionsT(s.act) }
      : { code: BuiltinOperator.MUL, version: s.version ?? 2, inputs: [x, c], output: y, optionsType: BuiltinOptions.MulOptions, options: new MulOptionsT(s.act) };
  });
}
