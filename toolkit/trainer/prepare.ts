// The prepare step: float TF.js model -> QAT model. The input gets a QuantizeStub, every layer a
// QuantizeWrapper (per the quantize registry) that keeps the float weights, the output a
// DequantizeStub. The result is an ordinary LayersModel: model.fit and custom loops work on it.
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { DequantizeStub } from './layers/dequantize-stub.js';
import { QuantizeStub } from './layers/quantize-stub.js';
import { QuantizeWrapper } from './layers/quantize-wrapper.js';
import { DEFAULT_ACTIVATION_OBSERVER, type ObserverConfig } from './quant/observers.js';
import { ruleFor, supportedClassNames } from './quantize-registry.js';

export interface PrepareOptions {
  /** Per-output-channel weight scales for layers that default to per-tensor. */
  perChannel?: boolean;
  observer?: ObserverConfig;
}

function cloneLayer(layer: Layer): Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  return fromConfig(cls, layer.getConfig()) as unknown as Layer;
}

/** Checks every layer against the registry before anything is built or trained. */
export function checkQuantizable(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    const rule = ruleFor(layer.getClassName());
    const why = rule && !rule.supported ? rule.reason : 'no quantization rule';
    if (!rule || !rule.supported) {
      throw new EdgeqatError(
        'E_UNSUPPORTED',
        `layer '${layer.name}' (${layer.getClassName()}) cannot be quantized: ${why} (supported: ${supportedClassNames().join(', ')})`,
      );
    }
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs (one of each is supported)`);
  }
}

export function prepareQat(model: tfl.LayersModel, opts: PrepareOptions = {}): tfl.LayersModel {
  checkQuantizable(model);
  const observer = opts.observer ?? DEFAULT_ACTIVATION_OBSERVER;
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const qat = tfl.sequential({ name: `${model.name}_qat` });
  qat.add(new QuantizeStub({ name: 'quant_input', inputShape, observer }));
  const copies: [Layer, Layer][] = [];
  for (const layer of model.layers) {
    const rule = ruleFor(layer.getClassName());
    if (!rule?.supported || rule.role === 'input') continue;
    const inner = cloneLayer(layer);
    qat.add(new QuantizeWrapper({ layer: inner, builtin: rule.builtin!, perChannel: opts.perChannel, observer }));
    copies.push([layer, inner]);
  }
  qat.add(new DequantizeStub({ name: 'dequant_output' }));
  for (const [from, to] of copies) to.setWeights(from.getWeights());
  return qat;
}

/** Turns observer updates on or off (e.g. freeze ranges for the last steps of fine-tuning). */
export function setObserving(model: tfl.LayersModel, on: boolean): void {
  for (const layer of model.layers) {
    if (layer instanceof QuantizeStub || layer instanceof QuantizeWrapper) layer.observing = on;
  }
}
