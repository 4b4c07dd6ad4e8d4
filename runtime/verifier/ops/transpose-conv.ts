// TRANSPOSE_CONV (kernels/transpose_conv.cc): inputs in TFLite's order — output_shape (1-D int32, 4
// values), weights [O, KH, KW, C] (OHWI), data input [N, H, W, C], optional bias [O]. The kernel
// sizes its output from output_shape and scatters every input pixel into a KH×KW window of it;
// the optimized kernel's im2col/col2im buffers are sized from the input and the filter, so the
// output must be the one a CONV_2D of the same window, stride and padding would shrink back to the
// input (the relation tf.nn.conv2d_transpose requires). Per-channel scales run along dim 0.
import { TensorType } from '../../../schemas/tflite.js';
import { elementCount, type OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';
import { convOutSize } from './shapes.js';
import { weightedTypes } from './weighted.js';

export const transposeConv: OpRule = {
  options: 'TransposeConvOptions',
  check(c: OpContext) {
    c.counts(3, 4, 1);
    const outputShape = c.input(0, 'output_shape');
    const weights = c.input(1, 'weights');
    const input = c.input(2, 'input');
    const bias = c.optional(3);
    const output = c.output(0);
    c.activation();
    const padding = c.padding();
    c.positive('strideW', 'strideH');
    weightedTypes(c, input, weights, bias, output, 'weights');
    c.type(outputShape, 'output_shape', [TensorType.INT32]);
    c.shape(outputShape, 'output_shape', [4]);
    c.rank(input, 'input', 4);
    c.rank(weights, 'weights', 4);
    c.channelAxis(weights, 'weights', 0);
    const [n, h, w, channels] = input.shape as [number, number, number, number];
    const [o, kh, kw, fc] = weights.shape as [number, number, number, number];
    if (!(o >= 1 && kh >= 1 && kw >= 1)) c.fail(`weights tensor ${weights.index} has shape [${weights.shape.join(',')}]`);
    if (fc !== channels) c.fail(`weights tensor ${weights.index} has ${fc} input channels, the input has ${channels}`);
    if (weights.scales.length > 1 && weights.scales.length !== o) c.fail(`weights tensor ${weights.index} has ${weights.scales.length} scales for ${o} channels`);
    if (bias && elementCount(bias.shape) !== o) c.fail(`bias tensor ${bias.index} has ${elementCount(bias.shape)} values for ${o} channels`);
    c.rank(output, 'output', 4);
    const dims = c.ints(outputShape, 'output_shape');
    if (dims) c.shape(output, 'output', dims);
    const [on, oh, ow, oc] = output.shape as [number, number, number, number];
    if (on !== n || oc !== o) c.fail(`output tensor ${output.index} has shape [${output.shape.join(',')}], expected [${n},H,W,${o}]`);
    const backH = convOutSize(oh, kh, c.int('strideH'), 1, padding);
    const backW = convOutSize(ow, kw, c.int('strideW'), 1, padding);
    if (backH !== h || backW !== w) {
      c.fail(`output tensor ${output.index} of ${oh}x${ow} does not match input tensor ${input.index} of ${h}x${w} (a ${kh}x${kw} window with stride ${c.int('strideH')}x${c.int('strideW')} maps it to ${backH}x${backW})`);
    }
  },
};
