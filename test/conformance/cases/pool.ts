// Shared by the AVERAGE_POOL_2D and MAX_POOL_2D cases: a pool over int8 NHWC input whose output
// has the input's scale and zero point (pools pass raw values through).
import { ActivationFunctionType as Act, BuiltinOperator, BuiltinOptions, Padding, Pool2DOptionsT } from '../../../schemas/tflite.js';
import { outputSize } from '../../../runtime/reference/padding.js';
import { int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export interface PoolSpec {
  name: string;
  inH: number;
  inW: number;
  channels: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padding: Padding;
  act: Act;
  q: Quant;
}

export function poolCase(op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', rng: Rng, s: PoolSpec): ConformanceCase {
  return int8Case(op, s.name, rng, [1, s.inH, s.inW, s.channels], s.q, 16, (g, x) => {
    const mode = s.padding === Padding.SAME ? 'SAME' : 'VALID';
    const outH = outputSize(mode, s.inH, s.kH, s.strideH, 1);
    const outW = outputSize(mode, s.inW, s.kW, s.strideW, 1);
    const y = int8Activation(g, 'output', [1, outH, outW, s.channels], s.q);
    return {
      code: op === 'AVERAGE_POOL_2D' ? BuiltinOperator.AVERAGE_POOL_2D : BuiltinOperator.MAX_POOL_2D,
      version: 2,
      inputs: [x],
      output: y,
      optionsType: BuiltinOptions.Pool2DOptions,
      options: new Pool2DOptionsT(s.padding, s.strideW, s.strideH, s.kW, s.kH, s.act),
    };
  });
}

export function poolSpecs(): PoolSpec[] {
  const q = { scale: 0.05, zeroPoint: -20 };
  const base = { inH: 7, inW: 9, channels: 3, q };
  return [
    { ...base, name: '2x2 VALID s2', kH: 2, kW: 2, strideH: 2, strideW: 2, padding: Padding.VALID, act: Act.NONE },
    { ...base, name: '3x3 SAME s1 (edge windows)', kH: 3, kW: 3, strideH: 1, strideW: 1, padding: Padding.SAME, act: Act.NONE },
    { ...base, name: '3x3 SAME s2 RELU', kH: 3, kW: 3, strideH: 2, strideW: 2, padding: Padding.SAME, act: Act.RELU },
    { ...base, name: '2x3 SAME s(1,2) RELU6, zp −128', kH: 2, kW: 3, strideH: 1, strideW: 2, padding: Padding.SAME, act: Act.RELU6, q: { scale: 0.03, zeroPoint: -128 } },
    { ...base, name: 'global 7x9 VALID', kH: 7, kW: 9, strideH: 1, strideW: 1, padding: Padding.VALID, act: Act.NONE, channels: 5 },
  ];
}
