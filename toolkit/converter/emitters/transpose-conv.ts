// Converter emitter for TRANSPOSE_CONV, inputs in TFLite's order (schema, kernels/transpose_conv.cc):
// output_shape (constant int32 [1, H, W, O]), weights OHWI int8 (TF.js [kh, kw, O, I] transposed,
// perm [2, 0, 1, 3]) per output channel on quantized dimension 0, the int8 input, and an int32 bias
// (zeros when the layer has none) with scales s_in·s_w[c] — version 3 (4 inputs), what the TF 2.21
// converter writes for Conv2DTranspose with a bias.
// A fused ReLU/ReLU6: the converter writes version 4 with the activation fused, which tfjs-tflite's
// TFLite build cannot load (it registers TRANSPOSE_CONV up to version 3). When the output's int8
// range already is the activation's — a ReLU'd output has the observed range [0, max], i.e. zero point
// −128, and a ReLU6'd one also reaches 6 at or above 127 — the clamp is a no-op and version 3 with no
// activation computes the same values; otherwise version 4 is written (LiteRT.js and TFLite run it).
// A float model writes the activation as its own RELU / RELU6 op.
// The batch is fixed in output_shape: with a dynamic batch TF's converter computes the shape with
// SHAPE/STRIDED_SLICE/PACK; edgeqat's engines run one sample per invocation.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, TransposeConvOptionsT } from '../../../schemas/tflite.js';
import { f32, roundHalfAway } from '../../../runtime/quant/rounding.js';
import type { QuantParams } from '../../qat/quant/quant-params.js';
import { TRANSPOSE_CONV as TRANSPOSE_CONV_SPEC } from '../../qat/ops/transpose-conv.js';
import { paddingEnum } from './conv-2d.js';
import { addActivation, addBias, addInt32Constant, addKernel, addOutputTensor, FLOAT_PARAMS, fusedActivationOf, opEmitter, outputShapeOf } from './emitter.js';

/** op_version.cc: 4 with a fused activation, 3 with a bias input. */
const VERSION_WITH_BIAS = 3;
const VERSION_FUSED = 4;

/** True when the int8 output's own range already clamps as `activation` does (TFLite and XNNPACK alike). */
export function clampIsNoOp(activation: 'NONE' | 'RELU' | 'RELU6', p: QuantParams): boolean {
  if (activation === 'NONE') return true;
  const zeroSaturates = p.zeroPoint === -128;
  if (activation === 'RELU') return zeroSaturates;
  // Q(6) ≥ 127 without a half-step tie (XNNPACK rounds ties to even, TFLite away from zero).
  return zeroSaturates && roundHalfAway(f32(6 / f32(p.scale))) + p.zeroPoint >= 127 && f32(6 / f32(p.scale)) + p.zeroPoint >= 127;
}

export const TRANSPOSE_CONV = opEmitter(TRANSPOSE_CONV_SPEC, (graph, wrapper, [input], opts) => {
  const s = wrapper.settings;
  const name = wrapper.layer.name;
  const fused = fusedActivationOf(wrapper);
  const { weights, bias } = wrapper.inferenceWeights();
  const [kh, kw, outC, inC] = weights.kernel.shape;
  const hwoi = weights.kernel.dataSync() as Float32Array;
  const ohwi = new Float32Array(hwoi.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let o = 0; o < outC; o++) {
        const src = ((y * kw + x) * outC + o) * inC;
        for (let i = 0; i < inC; i++) ohwi[((o * kh + y) * kw + x) * inC + i] = hwoi[src + i];
      }
    }
  }
  const w = addKernel(graph, `${name}/kernel`, [outC, kh, kw, inC], ohwi, 0, wrapper.perChannel, opts);
  const biasFloat = bias ? (bias.dataSync() as Float32Array) : new Float32Array(outC);
  const biasTensor = addBias(graph, `${name}/bias`, biasFloat, input.params.scale, w.scales, opts);
  weights.kernel.dispose();
  bias?.dispose();

  const outShape = outputShapeOf(wrapper);
  const shape = addInt32Constant(graph, `${name}/output_shape`, [1, ...outShape]);
  const inputs = [shape, w.index, input.index, biasTensor];
  const op = (activation: ActivationFunctionType, output: number, version: number) => {
    const options = new TransposeConvOptionsT(paddingEnum(s.padding), s.strides[1], s.strides[0], activation);
    graph.addOperator(BuiltinOperator.TRANSPOSE_CONV, version, inputs, [output], BuiltinOptions.TransposeConvOptions, options);
  };
  if (opts.float) {
    if (fused === 'NONE') {
      const output = addOutputTensor(graph, wrapper, outShape, opts);
      op(ActivationFunctionType.NONE, output.index, VERSION_WITH_BIAS);
      return output;
    }
    const linear = addActivation(graph, `${wrapper.name}/linear`, outShape, FLOAT_PARAMS, opts);
    op(ActivationFunctionType.NONE, linear.index, VERSION_WITH_BIAS);
    const output = addOutputTensor(graph, wrapper, outShape, opts);
    graph.addOperator(fused === 'RELU' ? BuiltinOperator.RELU : BuiltinOperator.RELU6, 1, [linear.index], [output.index]);
    return output;
  }
  const output = addOutputTensor(graph, wrapper, outShape, opts);
  if (clampIsNoOp(fused, output.params)) op(ActivationFunctionType.NONE, output.index, VERSION_WITH_BIAS);
  else op(ActivationFunctionType[fused], output.index, VERSION_FUSED);
  return output;
});
