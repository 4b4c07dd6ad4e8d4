// Converter emitter for DEQUANTIZE (the output stub): int8 -> float32 model output (nothing in a
// float model, whose last op already writes float32).
import { BuiltinOperator, TensorType } from '../../../schemas/tflite.js';
import { batchShape, type ActivationTensor, type LayerEmitter } from './emitter.js';

const DEQUANTIZE_VERSION = 2;

export const DEQUANTIZE: LayerEmitter = {
  builtin: 'DEQUANTIZE',
  emit(graph, layer, [input], opts): ActivationTensor {
    if (opts.int8Io || opts.float) return input;
    const output = graph.addTensor({ name: layer.name, type: TensorType.FLOAT32, ...batchShape(input.shape) });
    graph.addOperator(BuiltinOperator.DEQUANTIZE, DEQUANTIZE_VERSION, [input.index], [output]);
    return { index: output, shape: input.shape, params: input.params };
  },
};
