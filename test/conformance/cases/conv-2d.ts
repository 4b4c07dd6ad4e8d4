// CONV_2D: SAME/VALID, strides 1-2, dilation, non-square windows, per-tensor and per-channel
// filters (quantized dimension 0), fused RELU/RELU6, saturating outputs.
import { ActivationFunctionType as Act, BuiltinOperator, BuiltinOptions, Conv2DOptionsT, Padding } from '../../../schemas/tflite.js';
import { outputSize } from '../../../runtime/reference/padding.js';
import { constBias, constWeights, int8Activation, int8Case, Rng, type ConformanceCase, type Quant, randomWeights } from '../build.js';

export interface WindowSpec {
  name: string;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilation: number;
  padding: Padding;
  perChannel: boolean;
  act: Act;
  input: Quant;
  output: Quant;
}

export function windowOut(s: WindowSpec): [number, number] {
  const mode = s.padding === Padding.SAME ? 'SAME' : 'VALID';
  return [outputSize(mode, s.inH, s.kH, s.strideH, s.dilation), outputSize(mode, s.inW, s.kW, s.strideW, s.dilation)];
}

function convCase(rng: Rng, s: WindowSpec & { outC: number }): ConformanceCase {
  return int8Case('CONV_2D', s.name, rng, [1, s.inH, s.inW, s.inC], s.input, 12, (g, x) => {
    const w = randomWeights(rng, [s.outC, s.kH, s.kW, s.inC], 0, s.perChannel);
    const filter = constWeights(g, 'filter', [s.outC, s.kH, s.kW, s.inC], w, 0);
    const bias = constBias(g, rng, 'bias', s.outC, s.input.scale, w.scales);
    const [outH, outW] = windowOut(s);
    const y = int8Activation(g, 'output', [1, outH, outW, s.outC], s.output);
    return {
      code: BuiltinOperator.CONV_2D,
      version: 3,
      inputs: [x, filter, bias],
      output: y,
      optionsType: BuiltinOptions.Conv2DOptions,
      options: new Conv2DOptionsT(s.padding, s.strideW, s.strideH, s.act, s.dilation, s.dilation),
    };
  });
}

export function conv2dCases(): ConformanceCase[] {
  const rng = new Rng(3);
  const base = { inH: 9, inW: 8, inC: 3, dilation: 1, input: { scale: 0.02, zeroPoint: -10 }, output: { scale: 0.05, zeroPoint: 3 } };
  const specs: (WindowSpec & { outC: number })[] = [
    { ...base, name: '3x3 SAME s1 per-channel RELU', kH: 3, kW: 3, strideH: 1, strideW: 1, padding: Padding.SAME, perChannel: true, act: Act.RELU, outC: 4 },
    { ...base, name: '3x3 VALID s2 per-tensor NONE, odd out channels', kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.VALID, perChannel: false, act: Act.NONE, outC: 5 },
    { ...base, name: '5x5 SAME s2 per-channel RELU6, saturating', kH: 5, kW: 5, strideH: 2, strideW: 2, padding: Padding.SAME, perChannel: true, act: Act.RELU6, outC: 6, output: { scale: 0.01, zeroPoint: -128 } },
    { ...base, name: '3x3 VALID dilation 2, zp −128 input', kH: 3, kW: 3, strideH: 1, strideW: 1, dilation: 2, padding: Padding.VALID, perChannel: true, act: Act.NONE, outC: 3, input: { scale: 0.03, zeroPoint: -128 } },
    { ...base, name: '1x1 s1 per-channel, 8 channels in', inC: 8, kH: 1, kW: 1, strideH: 1, strideW: 1, padding: Padding.VALID, perChannel: true, act: Act.NONE, outC: 8 },
    { ...base, name: '3x2 SAME s(2,1) non-square', kH: 3, kW: 2, strideH: 2, strideW: 1, padding: Padding.SAME, perChannel: true, act: Act.RELU, outC: 4 },
    { ...base, name: '2x2 SAME s2 even input, per-tensor', inH: 8, kH: 2, kW: 2, strideH: 2, strideW: 2, padding: Padding.SAME, perChannel: false, act: Act.NONE, outC: 2, output: { scale: 0.2, zeroPoint: 127 } },
  ];
  return specs.map((s) => convCase(rng, s));
}
