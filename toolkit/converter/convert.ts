// QAT model -> full-integer TFLite FlatBuffer. Walks the prepared model's layers in order
// (QuantizeStub, QuantizeWrappers, DequantizeStub) and lets each layer's emitter append its ops.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { TensorType } from '../../schemas/tflite.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { DequantizeStub } from '../trainer/layers/dequantize-stub.js';
import { QuantizeStub } from '../trainer/layers/quantize-stub.js';
import { QuantizeWrapper } from '../trainer/layers/quantize-wrapper.js';
import { CONVERTER_EMITTERS } from './emitters/index.js';
import { batchShape, type ActivationTensor, type EmitOptions, type LayerEmitter } from './emitters/emitter.js';
import { TfliteGraph } from './tflite-graph.js';

export interface ConvertOptions extends Partial<EmitOptions> {
  /** Preprocessing the model expects, stored as metadata so `eval` can apply it. */
  preprocessing?: { dataset: string; mean: number; std: number };
  description?: string;
}

export const PREPROCESSING_METADATA = 'edgeqat_preprocessing';

function emitterFor(layer: unknown): LayerEmitter | null {
  if (layer instanceof QuantizeStub) return CONVERTER_EMITTERS.QUANTIZE;
  if (layer instanceof DequantizeStub) return CONVERTER_EMITTERS.DEQUANTIZE;
  if (layer instanceof QuantizeWrapper) {
    const emitter = CONVERTER_EMITTERS[layer.spec.builtin];
    if (!emitter) throw new EdgeqatError('E_UNSUPPORTED', `${layer.name}: the converter has no emitter for ${layer.spec.builtin}`);
    return emitter;
  }
  return null;
}

export function convertToTflite(model: LayersModel, opts: ConvertOptions = {}): Uint8Array {
  const emitOpts: EmitOptions = { int8Io: opts.int8Io ?? false };
  const graph = new TfliteGraph();
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (!(layers[0] instanceof QuantizeStub) || !(layers[layers.length - 1] instanceof DequantizeStub)) {
    throw new EdgeqatError('E_UNSUPPORTED', 'model is not a prepared QAT model (expected QuantizeStub ... DequantizeStub)');
  }

  // The float input tensor exists only with float I/O; with --int8-io QUANTIZE's output is the input.
  let current: ActivationTensor = { index: -1, shape: inputShape, params: { scale: 1, zeroPoint: 0 } };
  if (!emitOpts.int8Io) {
    current.index = graph.addTensor({ name: 'input', type: TensorType.FLOAT32, ...batchShape(inputShape) });
  }
  let modelInput = current.index;
  for (const layer of layers) {
    const emitter = emitterFor(layer);
    if (!emitter) throw new EdgeqatError('E_UNSUPPORTED', `${layer.name} (${layer.getClassName()}): the converter cannot export this layer`);
    current = emitter.emit(graph, layer, current, emitOpts);
    if (modelInput < 0) modelInput = current.index;
  }
  if (opts.preprocessing) {
    graph.addMetadata(PREPROCESSING_METADATA, new TextEncoder().encode(JSON.stringify(opts.preprocessing)));
  }
  return graph.finish([modelInput], [current.index], opts.description ?? 'edgeqat');
}
