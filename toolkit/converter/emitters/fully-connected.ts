// Converter emitter for FULLY_CONNECTED: int8 weights [out, in] (TF.js Dense kernel transposed),
// symmetric per-tensor or per-output-channel scales, int32 bias with scale = s_in x s_w and zp 0,
// fused activation, int8 output with the observer's scale/zero-point.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, FullyConnectedOptionsT, TensorType } from '../../../schemas/tflite.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { QuantizeWrapper } from '../../trainer/layers/quantize-wrapper.js';
import { FUSABLE_ACTIVATIONS } from '../../trainer/ops/trainer-op-spec.js';
import { findWeight } from '../../trainer/layers/weights.js';
import { bytesOf } from '../tflite-graph.js';
import { quantizeBias, quantizeWeightsPerAxis } from '../weight-quantization.js';
import { batchShape, quantOf, type LayerEmitter } from './emitter.js';

/** TF converter's FULLY_CONNECTED version for int8 with a bias input. */
const FC_VERSION = 4;

export const FULLY_CONNECTED: LayerEmitter = {
  builtin: 'FULLY_CONNECTED',
  emit(graph, layer, input) {
    if (!(layer instanceof QuantizeWrapper)) throw new Error('FULLY_CONNECTED expects a QuantizeWrapper');
    const dense = layer.layer;
    const kernelVar = findWeight(dense, 'kernel');
    if (!kernelVar) throw new Error(`${dense.name} has no kernel`);
    const [inUnits, outUnits] = kernelVar.shape as number[];
    const activation = String(dense.getConfig().activation ?? 'linear');
    const fused = FUSABLE_ACTIVATIONS[activation];
    if (!fused) throw new EdgeqatError('E_UNSUPPORTED', `${dense.name}: activation '${activation}' cannot be fused into FULLY_CONNECTED`);

    // TF.js [in, out] -> TFLite [out, in]; quantized per output channel (axis 0) or per tensor.
    const kernel = kernelVar.read().dataSync() as Float32Array;
    const transposed = new Float32Array(kernel.length);
    for (let i = 0; i < inUnits; i++) for (let o = 0; o < outUnits; o++) transposed[o * inUnits + i] = kernel[i * outUnits + o];
    const w = quantizeWeightsPerAxis(transposed, [outUnits, inUnits], 0, layer.perChannel);
    const weights = graph.addTensor({
      name: `${dense.name}/kernel`,
      type: TensorType.INT8,
      shape: [outUnits, inUnits],
      quant: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension: 0 },
      data: bytesOf(w.values),
    });

    const biasVar = findWeight(dense, 'bias');
    const biasFloat = biasVar ? (biasVar.read().dataSync() as Float32Array) : new Float32Array(outUnits);
    const b = quantizeBias(biasFloat, input.params.scale, w.scales);
    const bias = graph.addTensor({
      name: `${dense.name}/bias`,
      type: TensorType.INT32,
      shape: [outUnits],
      quant: { scale: b.scales, zeroPoint: b.scales.map(() => 0), quantizedDimension: 0 },
      data: bytesOf(b.values),
    });

    const params = layer.outputObserver.range().params;
    const outShape = [outUnits];
    const output = graph.addTensor({ name: layer.name, type: TensorType.INT8, ...batchShape(outShape), quant: quantOf(params) });
    const options = new FullyConnectedOptionsT(ActivationFunctionType[fused]);
    graph.addOperator(BuiltinOperator.FULLY_CONNECTED, FC_VERSION, [input.index, weights, bias], [output], BuiltinOptions.FullyConnectedOptions, options);
    return { index: output, shape: outShape, params };
  },
};
