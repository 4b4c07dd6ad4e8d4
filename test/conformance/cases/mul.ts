// MUL: multipliers below and above 1 (version 3), zero points, broadcasting, RELU/RELU6, saturating.
import { ActivationFunctionType as Act } from '../../../schemas/tflite.js';
import { randomQuant, Rng, type ConformanceCase } from '../build.js';
import { binaryCase, type BinarySpec } from './binary.js';

export function mulCases(): ConformanceCase[] {
  const rng = new Rng(8);
  const specs: BinarySpec[] = [
    { name: 'same shape, multiplier < 1', shape: [1, 4, 4, 3], constShape: [1, 4, 4, 3], act: Act.NONE, input: { scale: 0.02, zeroPoint: 3 }, other: { scale: 0.05, zeroPoint: -7 }, output: { scale: 0.06, zeroPoint: 1 } },
    { name: 'broadcast [1,1,1,C], RELU', shape: [1, 5, 3, 4], constShape: [1, 1, 1, 4], act: Act.RELU, input: { scale: 0.1, zeroPoint: -128 }, other: { scale: 0.03, zeroPoint: 20 }, output: { scale: 0.08, zeroPoint: -128 } },
    { name: 'multiplier > 1 (v3), RELU6, saturating', shape: [1, 16], constShape: [1, 16], act: Act.RELU6, input: { scale: 0.1, zeroPoint: 0 }, other: { scale: 0.2, zeroPoint: 0 }, output: { scale: 0.01, zeroPoint: -128 }, version: 3 },
  ];
  for (let i = 0; i < 4; i++) {
    const input = randomQuant(rng);
    const other = randomQuant(rng);
    const output = randomQuant(rng, 0.0005, 0.05);
    const version = (input.scale * other.scale) / output.scale >= 1 ? 3 : 2;
    specs.push({ name: `random params #${i + 1}`, shape: [1, 3, 3, 2], constShape: i % 2 ? [1, 1, 1, 2] : [1, 3, 3, 2], act: [Act.NONE, Act.RELU, Act.RELU6, Act.NONE][i], input, other, output, version });
  }
  return specs.map((s) => binaryCase('MUL', rng, s));
}
