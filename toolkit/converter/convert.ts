// QAT model -> full-integer TFLite FlatBuffer. Walks the prepared model's layers in topological
// order (QuantizeStub, QuantizeWrappers and identity layers, DequantizeStub), hands each layer's
// emitter the int8 tensors its inbound layers produced, and records the tensor it produces.
// Sequential and functional (residual, concatenating) models go through the same walk.
// With `float: true` the same walk writes a float32 model (convertFloatToTflite prepares a plain
// float model for it): the graph rewrites fold batch norms and fuse activations as for int8.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { prepareQat } from '../qat/prepare.js';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { TensorType } from '../../schemas/tflite.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { encodePreprocessing, PREPROCESSING_METADATA, type ModelPreprocessing } from '../../runtime/model-metadata.js';
import { DequantizeStub } from '../qat/layers/dequantize-stub.js';
import { QuantizeStub } from '../qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../qat/layers/quantize-wrapper.js';
import { ruleFor } from '../qat/quantize-registry.js';
import { CONVERTER_EMITTERS } from './emitters/index.js';
import { batchShape, type ActivationTensor, type EmitOptions, type LayerEmitter } from './emitters/emitter.js';
import { TfliteGraph } from './tflite-graph.js';

export interface ConvertOptions extends Partial<EmitOptions> {
  /** Preprocessing the model expects, stored as metadata so `eval` can apply it. */
  preprocessing?: ModelPreprocessing;
  description?: string;
}

function emitterFor(layer: Layer): LayerEmitter | 'identity' {
  if (layer instanceof QuantizeStub) return CONVERTER_EMITTERS.QUANTIZE;
  if (layer instanceof DequantizeStub) return CONVERTER_EMITTERS.DEQUANTIZE;
  if (layer instanceof QuantizeWrapper) {
    const emitter = CONVERTER_EMITTERS[layer.spec.builtin];
    if (!emitter) throw new EdgeqatError('E_UNSUPPORTED', `${layer.name}: the converter has no emitter for ${layer.spec.builtin}`);
    return emitter;
  }
  const rule = ruleFor(layer.getClassName());
  if (rule?.supported && rule.role === 'identity') return 'identity';
  throw new EdgeqatError('E_UNSUPPORTED', `${layer.name} (${layer.getClassName()}): the converter cannot export this layer`);
}

function isInputLayer(layer: Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

export function convertToTflite(model: LayersModel, opts: ConvertOptions = {}): Uint8Array {
  if (opts.float && opts.int8Io) throw new EdgeqatError('E_OPTION', 'a float32 model has float32 input and output (--int8-io applies to int8 models)');
  const emitOpts: EmitOptions = { int8Io: opts.int8Io ?? false, float: opts.float ?? false };
  const graph = new TfliteGraph();
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const layers = model.layers.filter((l) => !isInputLayer(l));
  const outputLayer = model.outputs[0].sourceLayer as Layer;
  if (!layers.some((l) => l instanceof QuantizeStub) || !(outputLayer instanceof DequantizeStub)) {
    throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' is not a prepared QAT model (expected QuantizeStub ... DequantizeStub; a --float-only run is QAT-trained with 'edgeqat train --model <run>/model.json')`);
  }

  // The float input tensor exists only with float I/O; with --int8-io QUANTIZE's output is the input.
  const modelInput: ActivationTensor = { index: -1, shape: inputShape, params: { scale: 1, zeroPoint: 0 } };
  if (!emitOpts.int8Io) modelInput.index = graph.addTensor({ name: 'input', type: TensorType.FLOAT32, ...batchShape(inputShape) });
  let inputIndex = modelInput.index;
  const produced = new Map<string, ActivationTensor>();
  for (const layer of layers) {
    const inbound = layer.inboundNodes[0].inboundLayers.map((l) => {
      if (isInputLayer(l)) return modelInput;
      const t = produced.get(l.name);
      if (!t) throw new Error(`${layer.name}: input ${l.name} was not emitted before it`);
      return t;
    });
    const emitter = emitterFor(layer);
    const out = emitter === 'identity' ? inbound[0] : emitter.emit(graph, layer, inbound, emitOpts);
    if (layer instanceof QuantizeStub && inputIndex < 0) inputIndex = out.index;
    produced.set(layer.name, out);
  }
  if (opts.preprocessing) {
    graph.addMetadata(PREPROCESSING_METADATA, encodePreprocessing(opts.preprocessing));
  }
  return graph.finish([inputIndex], [produced.get(outputLayer.name)!.index], opts.description ?? 'edgeqat');
}

/**
 * Float TF.js model -> float32 TFLite FlatBuffer: the model is prepared as for QAT (registry check,
 * batch norm folded into its convolution, ReLUs fused, softmax split) and written with float32
 * tensors; the float weights are the model's own (the fold uses the moving statistics).
 */
export function convertFloatToTflite(model: LayersModel, opts: Omit<ConvertOptions, 'float' | 'int8Io'> = {}): Uint8Array {
  const prepared = prepareQat(model);
  try {
    return convertToTflite(prepared, { ...opts, float: true });
  } finally {
    prepared.dispose();
  }
}
