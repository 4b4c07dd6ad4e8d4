// ADD, SUB, MUL (kernels/add.cc, sub.cc, mul.cc): two inputs and the output of one type; shapes
// equal, or broadcast up to rank 4 (the broadcasting kernels are 4-D); output the broadcast shape.
// Quantized ADD and SUB shift inputs left by 20 bits (15 for int16) and rescale the sum to the
// output with a multiplier that must stay below 1 (TFLite aborts otherwise): the input scales may
// be at most 2^19 (2^14) times the output scale.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';
import { broadcastShape } from './shapes.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64 } = TensorType;

export function elementwise(options: 'AddOptions' | 'SubOptions' | 'MulOptions'): OpRule {
  return {
    options,
    check(c: OpContext) {
      c.counts(2, 2, 1);
      const a = c.input(0, 'first input');
      const b = c.input(1, 'second input');
      const output = c.output(0);
      c.activation();
      c.type(a, 'first input', [FLOAT32, INT8, UINT8, INT16, INT32, INT64]);
      c.sameType(b, a, 'second input', 'first input');
      c.sameType(output, a, 'output', 'first input');
      for (const [t, role] of [[a, 'first input'], [b, 'second input'], [output, 'output']] as const) c.quantized(t, role);
      const shape = broadcastShape(a.shape, b.shape);
      if (!shape) c.fail(`input shapes [${a.shape.join(',')}] and [${b.shape.join(',')}] do not broadcast`);
      const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
      if (!same && shape.length > 4) c.fail(`broadcasts at rank ${shape.length}; the kernels broadcast up to rank 4`);
      c.shape(output, 'output', shape);
      if (options !== 'MulOptions' && a.scales.length > 0 && b.scales.length > 0 && output.scales.length > 0) {
        const leftShift = a.type === TensorType.INT16 ? 15 : 20;
        const inScale = Math.max(a.scales[0]!, b.scales[0]!);
        if ((2 * inScale) / (2 ** leftShift * output.scales[0]!) >= 1) {
          c.fail(`input scale ${inScale} is over 2^${leftShift - 1} times output tensor ${output.index}'s scale ${output.scales[0]}; the quantized kernel cannot rescale by that`);
        }
      }
    },
  };
}
