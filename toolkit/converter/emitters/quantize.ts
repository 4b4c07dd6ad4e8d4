// Converter emitter for QUANTIZE (the input stub): float32 model input -> int8 with the stub
// observer's scale/zero-point. With --int8-io the int8 tensor itself is the model input; a float
// model has no QUANTIZE (its float input feeds the first op).
import { BuiltinOperator, TensorType } from '../../../schemas/tflite.js';
import { QuantizeStub } from '../../qat/layers/quantize-stub.js';
import { batchShape, quantOf, type ActivationTensor, type LayerEmitter } from './emitter.js';

/** TF converter's QUANTIZE version for float32 -> int8 and int8 -> int8 (op_version.cc). */
export const QUANTIZE_VERSION = 1;

export const QUANTIZE: LayerEmitter = {
  builtin: 'QUANTIZE',
  emit(graph, layer, [input], opts): ActivationTensor {
    if (!(layer instanceof QuantizeStub)) throw new Error('QUANTIZE expects a QuantizeStub');
    if (opts.float) return input;
    const params = layer.inputObserver.range().params;
    const quantized = graph.addTensor({ name: `${layer.name}/int8`, type: TensorType.INT8, ...batchShape(input.shape), quant: quantOf(params) });
    if (!opts.int8Io) graph.addOperator(BuiltinOperator.QUANTIZE, QUANTIZE_VERSION, [input.index], [quantized]);
    return { index: quantized, shape: input.shape, params };
  },
};
