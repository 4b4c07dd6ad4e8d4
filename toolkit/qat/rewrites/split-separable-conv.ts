// SeparableConv2D -> DepthwiseConv2D (its depthwise kernel, linear, no bias) + 1x1 Conv2D (its
// pointwise kernel, bias and activation): the two ops TFLite's converter writes for it
// (DEPTHWISE_CONV_2D with a zero bias, then CONV_2D), each fake-quantized in training with the
// intermediate activation observed and quantized between them, as the deployed model has it. The new
// layers carry the separable layer's weights; a BatchNormalization or ReLU after it then folds or
// fuses into the pointwise convolution (this rewrite runs first).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { layerConfig, pair } from '../ops/trainer-op-spec.js';
import type { QatGraph, QatNode } from './graph.js';
import type { GraphRewrite } from './rewrite.js';

/** The separable layer's two halves, built and holding its weights. */
function halves(layer: Layer): { depthwise: Layer; pointwise: Layer } {
  const c = layerConfig(layer);
  const name = layer.name;
  if (pair(c.dilationRate, [1, 1]).some((d) => d !== 1)) {
    throw new EdgeqatError('E_UNSUPPORTED', `layer '${name}' (SeparableConv2D): dilationRate ${String(c.dilationRate)} is not supported (TF.js cannot train dilated convolutions)`);
  }
  const [depthwiseKernel, pointwiseKernel, bias] = layer.getWeights();
  const depthwise = tfl.layers.depthwiseConv2d({
    kernelSize: pair(c.kernelSize),
    strides: pair(c.strides, [1, 1]),
    padding: c.padding as 'same' | 'valid',
    // From the kernel [kh, kw, in, multiplier]: TF.js's SeparableConv2D config leaves depthMultiplier out.
    depthMultiplier: depthwiseKernel.shape[3],
    useBias: false,
    name: `${name}_depthwise`,
  });
  const useBias = c.useBias !== false;
  const pointwise = tfl.layers.conv2d({
    filters: Number(c.filters),
    kernelSize: 1,
    useBias,
    activation: (c.activation ?? 'linear') as 'linear',
    name: `${name}_pointwise`,
  });
  const inputShape = layer.inboundNodes[0]!.inputShapes as (number | null)[];
  depthwise.build(inputShape);
  pointwise.build(depthwise.computeOutputShape(inputShape) as (number | null)[]);
  depthwise.setWeights([depthwiseKernel]);
  pointwise.setWeights(useBias ? [pointwiseKernel, bias] : [pointwiseKernel]);
  return { depthwise, pointwise };
}

export class SplitSeparableConv implements GraphRewrite {
  readonly name = 'split-separable-conv';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (node.role !== 'split' || node.layer.getClassName() !== 'SeparableConv2D') continue;
      const { depthwise, pointwise } = halves(node.layer);
      const separable = node.name;
      // The node becomes the depthwise half; its consumers read the pointwise half.
      Object.assign(node, { name: depthwise.name, layer: depthwise, role: 'op', op: 'DEPTHWISE_CONV_2D' } satisfies Partial<QatNode>);
      node.merged.push(separable);
      for (const c of graph.nodes) c.inputs = c.inputs.map((i) => (i === separable ? depthwise.name : i));
      if (graph.outputName === separable) graph.outputName = depthwise.name;
      graph.insertAfter(depthwise.name, { name: pointwise.name, layer: pointwise, role: 'op', op: 'CONV_2D', inputs: [], merged: [] });
      count++;
    }
    return count;
  }
}
