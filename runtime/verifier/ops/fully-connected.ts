// FULLY_CONNECTED (kernels/fully_connected.cc): weights [units, depth]; the input holds a whole
// number of depth-long rows; bias [units]; output [rows, units] (or the input's shape with its last
// dim replaced by units, with keep_num_dims). Per-channel weight scales run along dim 0.
import { FullyConnectedOptionsWeightsFormat } from '../../../schemas/tflite.js';
import { elementCount, type OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';
import { weightedTypes } from './weighted.js';

export const fullyConnected: OpRule = {
  options: 'FullyConnectedOptions',
  check(c: OpContext) {
    c.counts(2, 3, 1);
    const input = c.input(0, 'input');
    const weights = c.input(1, 'weights');
    const bias = c.optional(2);
    const output = c.output(0);
    c.activation();
    if (c.int('weightsFormat') !== FullyConnectedOptionsWeightsFormat.DEFAULT) c.fail('only the DEFAULT weights format is run');
    weightedTypes(c, input, weights, bias, output, 'weights');
    c.channelAxis(weights, 'weights', 0);

    c.rank(weights, 'weights', 2);
    const [units, depth] = weights.shape as [number, number];
    if (depth === 0) c.fail(`weights tensor ${weights.index} has shape [${weights.shape.join(',')}]`);
    const values = elementCount(input.shape);
    if (input.shape.length === 0 || values % depth !== 0) c.fail(`input tensor ${input.index} of shape [${input.shape.join(',')}] is not rows of ${depth} values`);
    if (bias && elementCount(bias.shape) !== units) c.fail(`bias tensor ${bias.index} has ${elementCount(bias.shape)} values for ${units} units`);
    c.shape(output, 'output', c.int('keepNumDims') ? [...input.shape.slice(0, -1), units] : [values / depth, units]);
  },
};
