// SOFTMAX int8 → int8 (output scale 1/256, zero point −128): several input scales and betas,
// rows of different lengths, saturating inputs.
import { BuiltinOperator, BuiltinOptions, SoftmaxOptionsT } from '../../../schemas/tflite.js';
import { int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export function softmaxCases(): ConformanceCase[] {
  const rng = new Rng(13);
  const out = { scale: 1 / 256, zeroPoint: -128 };
  const make = (name: string, shape: number[], input: Quant, beta: number) =>
    int8Case('SOFTMAX', name, rng, shape, input, 32, (g, x) => ({
      code: BuiltinOperator.SOFTMAX,
      version: 2,
      inputs: [x],
      output: int8Activation(g, 'output', shape, out),
      optionsType: BuiltinOptions.SoftmaxOptions,
      options: new SoftmaxOptionsT(beta),
    }));
  const cases = [
    make('10 classes, scale 0.125 (MLP logits)', [1, 10], { scale: 0.125, zeroPoint: 42 }, 1),
    make('3 rows of 7, beta 0.5', [1, 3, 7], { scale: 0.05, zeroPoint: -10 }, 0.5),
    make('small scale 0.01, 32 classes', [1, 32], { scale: 0.01, zeroPoint: 0 }, 1),
  ];
  for (let i = 0; i < 3; i++) {
    cases.push(make(`random scale/beta #${i + 1}`, [1, rng.int(2, 20)], { scale: rng.logUniform(0.005, 0.5), zeroPoint: rng.int(-128, 127) }, Math.fround(rng.logUniform(0.3, 2))));
  }
  return cases;
}
