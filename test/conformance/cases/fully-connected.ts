// FULLY_CONNECTED: per-tensor and per-channel weights, bias or none, zero points, fused
// RELU/RELU6, saturating outputs, several rows per invocation.
import { ActivationFunctionType as Act, BuiltinOperator, BuiltinOptions, FullyConnectedOptionsT } from '../../../schemas/tflite.js';
import { constBias, constWeights, int8Activation, int8Case, randomQuant, randomWeights, Rng, type ConformanceCase, type Quant } from '../build.js';

interface Spec {
  name: string;
  rows: number;
  depth: number;
  units: number;
  perChannel: boolean;
  bias: boolean;
  act: Act;
  input: Quant;
  output: Quant;
}

function fcCase(rng: Rng, s: Spec): ConformanceCase {
  return int8Case('FULLY_CONNECTED', s.name, rng, [s.rows, s.depth], s.input, 48, (g, x) => {
    const w = randomWeights(rng, [s.units, s.depth], 0, s.perChannel);
    const weights = constWeights(g, 'weights', [s.units, s.depth], w, 0);
    const bias = s.bias ? constBias(g, rng, 'bias', s.units, s.input.scale, w.scales) : -1;
    const y = int8Activation(g, 'output', [s.rows, s.units], s.output);
    return {
      code: BuiltinOperator.FULLY_CONNECTED,
      version: 4,
      inputs: [x, weights, bias],
      output: y,
      optionsType: BuiltinOptions.FullyConnectedOptions,
      options: new FullyConnectedOptionsT(s.act),
    };
  });
}

export function fullyConnectedCases(): ConformanceCase[] {
  const rng = new Rng(9);
  const specs: Spec[] = [
    { name: 'per-tensor, zp 5 → −3, NONE, 37→11', rows: 1, depth: 37, units: 11, perChannel: false, bias: true, act: Act.NONE, input: { scale: 0.02, zeroPoint: 5 }, output: { scale: 0.15, zeroPoint: -3 } },
    { name: 'per-channel, RELU, zp −128', rows: 1, depth: 64, units: 16, perChannel: true, bias: true, act: Act.RELU, input: { scale: 0.05, zeroPoint: -128 }, output: { scale: 0.1, zeroPoint: -128 } },
    { name: 'per-channel, RELU6, saturating', rows: 1, depth: 50, units: 10, perChannel: true, bias: true, act: Act.RELU6, input: { scale: 0.1, zeroPoint: 10 }, output: { scale: 0.03, zeroPoint: -100 } },
    { name: 'per-tensor, no bias, 3 rows, saturating', rows: 3, depth: 20, units: 7, perChannel: false, bias: false, act: Act.NONE, input: { scale: 0.1, zeroPoint: -20 }, output: { scale: 0.02, zeroPoint: 0 } },
    { name: 'per-tensor, RELU, 784→100 (MLP layer)', rows: 1, depth: 784, units: 100, perChannel: false, bias: true, act: Act.RELU, input: { scale: 0.0127, zeroPoint: -95 }, output: { scale: 0.078, zeroPoint: -128 } },
  ];
  for (let i = 0; i < 3; i++) {
    const perChannel = i % 2 === 0;
    specs.push({
      name: `random params #${i + 1} (${perChannel ? 'per-channel' : 'per-tensor'})`,
      rows: rng.int(1, 2),
      depth: rng.int(5, 90),
      units: rng.int(1, 24),
      perChannel,
      bias: true,
      act: [Act.NONE, Act.RELU, Act.RELU6][i],
      input: randomQuant(rng),
      output: randomQuant(rng, 0.01, 0.5),
    });
  }
  return specs.map((s) => fcCase(rng, s));
}
