// Converter emitter for CONV_2D: int8 weights OHWI (TF.js HWIO transposed, perm [3,0,1,2]) with
// per-output-channel scales on quantized dimension 0 (or one per-tensor scale), int32 bias (a
// folded batch norm included) with scales s_in·s_w[c], SAME/VALID padding, strides, fused activation.
// A Conv1D is written as TFLite's converter writes it: its [steps, C] input reshaped to [1, steps, C],
// the CONV_2D with a [O, 1, k, C] filter, and a RESHAPE of the [1, steps', O] result back to
// [steps', O] (every tensor with the op's params; reshapes copy bytes).
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Conv2DOptionsT, Padding } from '../../../schemas/tflite.js';
import { as2dKernel, CONV_2D as CONV_2D_SPEC } from '../../qat/ops/conv-2d.js';
import { addActivation, addBias, addKernel, addOutputTensor, FLOAT_PARAMS, fusedActivationOf, opEmitter, opVersion, outputShapeOf } from './emitter.js';
import { emitReshape } from './reshape.js';

/** TF converter's CONV_2D version for int8 (docs/int8-semantics.md §5). */
const CONV_2D_VERSION = 3;

export function paddingEnum(padding: 'same' | 'valid'): Padding {
  return padding === 'same' ? Padding.SAME : Padding.VALID;
}

export const CONV_2D = opEmitter(CONV_2D_SPEC, (graph, wrapper, [input], opts) => {
  const s = wrapper.settings;
  const fused = fusedActivationOf(wrapper);
  const { weights, bias } = wrapper.inferenceWeights();
  const [kh, kw, inC, outC] = as2dKernel(weights.kernel.shape);
  const hwio = weights.kernel.dataSync() as Float32Array;
  const ohwi = new Float32Array(hwio.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < inC; i++) {
        const src = ((y * kw + x) * inC + i) * outC;
        for (let o = 0; o < outC; o++) ohwi[((o * kh + y) * kw + x) * inC + i] = hwio[src + o];
      }
    }
  }
  const w = addKernel(graph, `${wrapper.layer.name}/kernel`, [outC, kh, kw, inC], ohwi, 0, wrapper.perChannel, opts);
  const biasFloat = bias ? (bias.dataSync() as Float32Array) : new Float32Array(outC);
  const biasTensor = addBias(graph, `${wrapper.layer.name}/bias`, biasFloat, input.params.scale, w.scales, opts);
  weights.kernel.dispose();
  bias?.dispose();

  const options = new Conv2DOptionsT(paddingEnum(s.padding), s.strides[1], s.strides[0], ActivationFunctionType[fused], 1, 1);
  const conv = (x: number, y: number) =>
    graph.addOperator(BuiltinOperator.CONV_2D, opVersion(CONV_2D_VERSION, opts), [x, w.index, biasTensor], [y], BuiltinOptions.Conv2DOptions, options);
  const outShape = outputShapeOf(wrapper);
  if (!s.oneD) {
    const output = addOutputTensor(graph, wrapper, outShape, opts);
    conv(input.index, output.index);
    return output;
  }
  const image = emitReshape(graph, `${wrapper.name}/expand`, input, [1, ...input.shape], opts);
  const params = opts.float ? FLOAT_PARAMS : wrapper.outputQuantParams();
  const conv2d = addActivation(graph, `${wrapper.name}/conv2d`, [1, ...outShape], params, opts);
  conv(image.index, conv2d.index);
  return emitReshape(graph, wrapper.name, conv2d, outShape, opts);
});
