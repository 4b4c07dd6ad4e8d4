// TRANSPOSE_CONV: SAME/VALID, strides 1-2, non-square windows and strides, odd output sizes (the
// "output_padding" a SAME transposed convolution allows), per-tensor and per-channel weights
// (quantized dimension 0), with and without bias (versions 2 and 3), fused RELU/RELU6 (version 4,
// what the TF 2.21 converter writes for Conv2DTranspose(activation='relu')), saturating outputs.
import { ActivationFunctionType as Act, BuiltinOperator, BuiltinOptions, Padding, TransposeConvOptionsT } from '../../../schemas/tflite.js';
import { constBias, constInt32, constWeights, int8Activation, int8Case, randomWeights, Rng, type ConformanceCase, type Quant } from '../build.js';

interface TransposeSpec {
  name: string;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padding: Padding;
  perChannel: boolean;
  bias: boolean;
  act: Act;
  input: Quant;
  output: Quant;
}

/** The version the TF converter writes: 4 with a fused activation, 3 with a bias, else 2 (int8). */
export function transposeConvVersion(act: Act, bias: boolean): number {
  return act !== Act.NONE ? 4 : bias ? 3 : 2;
}

function transposeCase(rng: Rng, s: TransposeSpec): ConformanceCase {
  return int8Case('TRANSPOSE_CONV', s.name, rng, [1, s.inH, s.inW, s.inC], s.input, 12, (g, x) => {
    const shape = constInt32(g, 'output_shape', [1, s.outH, s.outW, s.outC]);
    const w = randomWeights(rng, [s.outC, s.kH, s.kW, s.inC], 0, s.perChannel);
    const weights = constWeights(g, 'weights', [s.outC, s.kH, s.kW, s.inC], w, 0);
    const inputs = [shape, weights, x];
    if (s.bias) inputs.push(constBias(g, rng, 'bias', s.outC, s.input.scale, w.scales));
    return {
      code: BuiltinOperator.TRANSPOSE_CONV,
      version: transposeConvVersion(s.act, s.bias),
      inputs,
      output: int8Activation(g, 'output', [1, s.outH, s.outW, s.outC], s.output),
      optionsType: BuiltinOptions.TransposeConvOptions,
      options: new TransposeConvOptionsT(s.padding, s.strideW, s.strideH, s.act),
    };
  });
}

export function transposeConvCases(): ConformanceCase[] {
  const rng = new Rng(21);
  const base = { inH: 5, inW: 4, inC: 3, bias: true, perChannel: true, act: Act.NONE, input: { scale: 0.03, zeroPoint: -7 }, output: { scale: 0.06, zeroPoint: 4 } };
  const specs: TransposeSpec[] = [
    { ...base, name: '3x3 SAME s2 per-channel', outH: 10, outW: 8, outC: 4, kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.SAME },
    { ...base, name: '3x3 SAME s2 odd output 9x7', outH: 9, outW: 7, outC: 4, kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.SAME },
    { ...base, name: '2x2 VALID s2 per-tensor, zp −128 input', outH: 10, outW: 8, outC: 5, kH: 2, kW: 2, strideH: 2, strideW: 2, padding: Padding.VALID, perChannel: false, input: { scale: 0.02, zeroPoint: -128 } },
    { ...base, name: '3x2 VALID s(2,1) non-square', outH: 11, outW: 5, outC: 2, kH: 3, kW: 2, strideH: 2, strideW: 1, padding: Padding.VALID },
    { ...base, name: '4x4 SAME s2 no bias (version 2)', outH: 10, outW: 8, outC: 3, kH: 4, kW: 4, strideH: 2, strideW: 2, padding: Padding.SAME, bias: false },
    { ...base, name: '3x3 SAME s1, 8 channels in, saturating', inC: 8, outH: 5, outW: 4, outC: 6, kH: 3, kW: 3, strideH: 1, strideW: 1, padding: Padding.SAME, output: { scale: 0.01, zeroPoint: 0 } },
    { ...base, name: '3x3 SAME s2 RELU (version 4)', outH: 10, outW: 8, outC: 4, kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.SAME, act: Act.RELU, output: { scale: 0.03, zeroPoint: -20 } },
    { ...base, name: '3x3 VALID s2 RELU6 (version 4)', outH: 11, outW: 9, outC: 3, kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.VALID, act: Act.RELU6, output: { scale: 0.02, zeroPoint: -128 } },
  ];
  return specs.map((s) => transposeCase(rng, s));
}
