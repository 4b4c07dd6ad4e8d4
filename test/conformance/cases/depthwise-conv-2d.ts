// DEPTHWISE_CONV_2D: depth multiplier 1 and 2, SAME/VALID, strides 1-2, dilation, per-tensor and
// per-channel filters (quantized dimension 3), fused RELU/RELU6, saturating outputs.
import { ActivationFunctionType as Act, BuiltinOperator, BuiltinOptions, DepthwiseConv2DOptionsT, Padding } from '../../../schemas/tflite.js';
import { constBias, constWeights, int8Activation, int8Case, randomWeights, Rng, type ConformanceCase } from '../build.js';
import { windowOut, type WindowSpec } from './conv-2d.js';

function depthwiseCase(rng: Rng, s: WindowSpec & { multiplier: number }): ConformanceCase {
  return int8Case('DEPTHWISE_CONV_2D', s.name, rng, [1, s.inH, s.inW, s.inC], s.input, 12, (g, x) => {
    const outC = s.inC * s.multiplier;
    const w = randomWeights(rng, [1, s.kH, s.kW, outC], 3, s.perChannel);
    // Per-tensor depthwise filters use quantized dimension 0 (converter output).
    const filter = constWeights(g, 'filter', [1, s.kH, s.kW, outC], w, s.perChannel ? 3 : 0);
    const bias = constBias(g, rng, 'bias', outC, s.input.scale, w.scales);
    const [outH, outW] = windowOut(s);
    const y = int8Activation(g, 'output', [1, outH, outW, outC], s.output);
    return {
      code: BuiltinOperator.DEPTHWISE_CONV_2D,
      version: 3,
      inputs: [x, filter, bias],
      output: y,
      optionsType: BuiltinOptions.DepthwiseConv2DOptions,
      options: new DepthwiseConv2DOptionsT(s.padding, s.strideW, s.strideH, s.multiplier, s.act, s.dilation, s.dilation),
    };
  });
}

export function depthwiseConv2dCases(): ConformanceCase[] {
  const rng = new Rng(4);
  const base = { inH: 9, inW: 8, inC: 4, dilation: 1, input: { scale: 0.02, zeroPoint: 7 }, output: { scale: 0.02, zeroPoint: -5 } };
  const specs: (WindowSpec & { multiplier: number })[] = [
    { ...base, name: '3x3 SAME s1 ×1 per-channel RELU', kH: 3, kW: 3, strideH: 1, strideW: 1, padding: Padding.SAME, perChannel: true, act: Act.RELU, multiplier: 1 },
    { ...base, name: '3x3 VALID s2 ×2 per-tensor', kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.VALID, perChannel: false, act: Act.NONE, multiplier: 2 },
    { ...base, name: '5x5 SAME s2 ×1 RELU6, saturating', kH: 5, kW: 5, strideH: 2, strideW: 2, padding: Padding.SAME, perChannel: true, act: Act.RELU6, multiplier: 1, output: { scale: 0.005, zeroPoint: -128 } },
    { ...base, name: '3x3 SAME dilation 2 ×2', kH: 3, kW: 3, strideH: 1, strideW: 1, dilation: 2, padding: Padding.SAME, perChannel: true, act: Act.NONE, multiplier: 2 },
    { ...base, name: '3x1 SAME s(1,2) non-square, zp −128', kH: 3, kW: 1, strideH: 1, strideW: 2, padding: Padding.SAME, perChannel: true, act: Act.RELU, multiplier: 1, input: { scale: 0.04, zeroPoint: -128 } },
  ];
  return specs.map((s) => depthwiseCase(rng, s));
}
