// What the trainer needs to know about one TFLite builtin: which float layers map to it, which of
// their weights are fake-quantized (and on which channel axis), and how to run the layer's forward
// pass with those quantized weights. One file per builtin, listed in ./index.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';

export interface QuantizedWeightSpec {
  /** The weight's short name in the float layer (`kernel`, `depthwise_kernel`). */
  name: string;
  /** Output-channel axis in the TF.js layout, for per-channel quantization. */
  channelAxis: number;
}

/** Per-layer constants (activation name, strides, padding, ...) as plain data. */
export type OpSettings = Record<string, unknown> & { activation: string };

export interface TrainerOpSpec {
  builtin: string;
  /** Serialized class names (getClassName()) this spec handles. */
  layerClassNames: string[];
  quantizedWeights: QuantizedWeightSpec[];
  defaultPerChannel: boolean;
  /** Fixed per-layer settings the forward pass needs, read once from the layer's config. */
  settings(layer: Layer): OpSettings;
  /** Float forward pass with the quantized weights substituted; bias stays float (int32 at export). */
  call(input: tf.Tensor, weights: Record<string, tf.Tensor>, bias: tf.Tensor | null, settings: OpSettings): tf.Tensor;
}

/** Activations TFLite can fuse into the op (name in TF.js -> TFLite ActivationFunctionType name). */
export const FUSABLE_ACTIVATIONS: Record<string, 'NONE' | 'RELU' | 'RELU6'> = {
  linear: 'NONE',
  relu: 'RELU',
  relu6: 'RELU6',
};

export function applyFusedActivation(name: string, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    default:
      throw new EdgeqatError('E_UNSUPPORTED', `activation '${name}' cannot be fused (supported: ${Object.keys(FUSABLE_ACTIVATIONS).join(', ')})`);
  }
}
