// Converter emitter for CONV_2D: int8 weights OHWI (TF.js HWIO transposed, perm [3,0,1,2]) with
// per-output-channel scales on quantized dimension 0 (or one per-tensor scale), int32 bias (a
// folded batch norm included) with scales s_in·s_w[c], SAME/VALID padding, strides, fused activation.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Conv2DOptionsT, Padding } from '../../../schemas/tflite.js';
import type { ConvSettings } from '../../qat/ops/conv-2d.js';
import { addBias, addKernel, addOutputTensor, asWrapper, fusedActivationOf, opVersion, outputShapeOf, type LayerEmitter } from './emitter.js';

/** TF converter's CONV_2D version for int8 (docs/int8-semantics.md §5). */
const CONV_2D_VERSION = 3;

export function paddingEnum(padding: 'same' | 'valid'): Padding {
  return padding === 'same' ? Padding.SAME : Padding.VALID;
}

export const CONV_2D: LayerEmitter = {
  builtin: 'CONV_2D',
  emit(graph, layer, [input], opts) {
    const wrapper = asWrapper(layer, 'CONV_2D');
    const s = wrapper.settings as ConvSettings;
    const fused = fusedActivationOf(wrapper);
    const { weights, bias } = wrapper.inferenceWeights();
    const [kh, kw, inC, outC] = weights.kernel.shape;
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

    const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
    const options = new Conv2DOptionsT(paddingEnum(s.padding), s.strides[1], s.strides[0], ActivationFunctionType[fused], 1, 1);
    graph.addOperator(BuiltinOperator.CONV_2D, opVersion(CONV_2D_VERSION, opts), [input.index, w.index, biasTensor], [output.index], BuiltinOptions.Conv2DOptions, options);
    return output;
  },
};
