// Output dequantize stub: identity in training (the previous layer's output is already
// fake-quantized); marks where the converter emits DEQUANTIZE (int8 -> float32).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { defaultLayerName } from './weights.js';

export class DequantizeStub extends tfl.layers.Layer {
  static readonly className = 'Edgeqat>DequantizeStub';

  constructor(args: { name?: string } = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('dequantize_stub') });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.clone(x);
  }
}
tf.serialization.registerClass(DequantizeStub);
