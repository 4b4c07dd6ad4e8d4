// What CONV_2D and DEPTHWISE_CONV_2D share (kernels/conv.cc, kernels/depthwise_conv.cc): NHWC
// input, 4-D filter, bias of one value per output channel, strides and dilations ≥ 1, and an
// output of exactly [N, OH, OW, channels] for the padding.
//   CONV_2D           filter [O, KH, KW, C],  output channels O, per-channel scales along dim 0
//   DEPTHWISE_CONV_2D filter [1, KH, KW, O],  O a multiple of C (× depth_multiplier), along dim 3
import { elementCount, type OpContext } from './op-context.js';
import { convOutSize } from './shapes.js';
import { weightedTypes } from './weighted.js';

export function checkConvolution(c: OpContext, depthwise: boolean): void {
  c.counts(2, 3, 1);
  const input = c.input(0, 'input');
  const filter = c.input(1, 'filter');
  const bias = c.optional(2);
  const output = c.output(0);
  c.activation();
  const padding = c.padding();
  c.positive('strideW', 'strideH', 'dilationWFactor', 'dilationHFactor');
  weightedTypes(c, input, filter, bias, output, 'filter');
  c.rank(input, 'input', 4);
  c.rank(filter, 'filter', 4);
  const [n, h, w, channels] = input.shape as [number, number, number, number];
  const [fo, kh, kw, fc] = filter.shape as [number, number, number, number];
  if (!(kh >= 1 && kw >= 1)) c.fail(`filter tensor ${filter.index} has shape [${filter.shape.join(',')}]`);
  let outChannels: number;
  if (depthwise) {
    outChannels = fc;
    if (fo !== 1) c.fail(`filter tensor ${filter.index} has shape [${filter.shape.join(',')}], expected [1,KH,KW,channels]`);
    if (channels === 0 || outChannels % channels !== 0) c.fail(`filter tensor ${filter.index} has ${outChannels} channels for ${channels} input channels`);
    const multiplier = c.int('depthMultiplier');
    if (multiplier !== 0 && multiplier * channels !== outChannels) c.fail(`depth_multiplier ${multiplier} × ${channels} input channels is not ${outChannels}`);
    c.channelAxis(filter, 'filter', 3);
  } else {
    outChannels = fo;
    if (fc !== channels) c.fail(`filter tensor ${filter.index} has ${fc} input channels, the input has ${channels}`);
    c.channelAxis(filter, 'filter', 0);
  }
  if (filter.scales.length > 1 && filter.scales.length !== outChannels) c.fail(`filter tensor ${filter.index} has ${filter.scales.length} scales for ${outChannels} channels`);
  if (bias && elementCount(bias.shape) !== outChannels) c.fail(`bias tensor ${bias.index} has ${elementCount(bias.shape)} values for ${outChannels} channels`);
  const oh = convOutSize(h, kh, c.int('strideH'), c.int('dilationHFactor'), padding);
  const ow = convOutSize(w, kw, c.int('strideW'), c.int('dilationWFactor'), padding);
  c.shape(output, 'output', [n, oh, ow, outChannels]);
}
