// Keras' Cropping1D, which TF.js lacks (it has Cropping2D only): removes [start, end] steps from a
// [batch, steps, channels] sequence. Registered under Keras' class name, so TF.js model.json files
// holding one load, train and export (as STRIDED_SLICE, like Cropping2D).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface Cropping1DArgs {
  /** Steps removed at the start and the end (one number: both). */
  cropping?: number | [number, number];
  name?: string;
  inputShape?: number[];
  batchInputShape?: (number | null)[];
}

export class Cropping1D extends tfl.layers.Layer {
  static readonly className = 'Cropping1D';
  readonly cropping: [number, number];

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    const c = args.cropping ?? [1, 1];
    this.cropping = typeof c === 'number' ? [c, c] : [c[0], c[1]];
    this.inputSpec = [{ ndim: 3 }];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [batch, steps, channels] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    return [batch, steps === null ? null : steps - this.cropping[0] - this.cropping[1], channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.slice(x, [0, this.cropping[0], 0], [-1, x.shape[1]! - this.cropping[0] - this.cropping[1], -1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
}
tf.serialization.registerClass(Cropping1D);
