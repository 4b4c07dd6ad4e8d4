// Converter emitter for DEPTHWISE_CONV_2D: TF.js's [kh, kw, in, mult] kernel is TFLite's
// [1, kh, kw, in·mult] as it is (channel ic·mult + m in both, no transpose), quantized per output
// channel on dimension 3 (or per tensor, on dimension 0); int32 bias per channel (dimension 0).
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, DepthwiseConv2DOptionsT } from '../../../schemas/tflite.js';
import { DEPTHWISE_CONV_2D as DEPTHWISE_CONV_2D_SPEC } from '../../qat/ops/depthwise-conv-2d.js';
import { paddingEnum } from './conv-2d.js';
import { addBias, addKernel, addOutputTensor, fusedActivationOf, opEmitter, opVersion, outputShapeOf } from './emitter.js';

/** TF converter's DEPTHWISE_CONV_2D version for int8 (docs/int8-semantics.md §5). */
const DEPTHWISE_CONV_2D_VERSION = 3;

export const DEPTHWISE_CONV_2D = opEmitter(DEPTHWISE_CONV_2D_SPEC, (graph, wrapper, [input], opts) => {
  const s = wrapper.settings;
  const fused = fusedActivationOf(wrapper);
  const { weights, bias } = wrapper.inferenceWeights();
  const [kh, kw, inC, mult] = weights.depthwise_kernel.shape;
  const outC = inC * mult;
  const shape = [1, kh, kw, outC];
  const kernel = weights.depthwise_kernel.dataSync() as Float32Array;
  const w = addKernel(graph, `${wrapper.layer.name}/depthwise_kernel`, shape, kernel, 3, wrapper.perChannel, opts);
  const biasFloat = bias ? (bias.dataSync() as Float32Array) : new Float32Array(outC);
  const biasTensor = addBias(graph, `${wrapper.layer.name}/bias`, biasFloat, input.params.scale, w.scales, opts);
  weights.depthwise_kernel.dispose();
  bias?.dispose();

  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  const options = new DepthwiseConv2DOptionsT(paddingEnum(s.padding), s.strides[1], s.strides[0], mult, ActivationFunctionType[fused], 1, 1);
  graph.addOperator(BuiltinOperator.DEPTHWISE_CONV_2D, opVersion(DEPTHWISE_CONV_2D_VERSION, opts), [input.index, w.index, biasTensor], [output.index], BuiltinOptions.DepthwiseConv2DOptions, options);
  return output;
});
