// Weight fake-quantizer: symmetric int8, narrow range [-127, 127], zero-point 0, scale from the
// current weights (max |w| / 127) per tensor or per output channel. The converter derives the same
// scales from the final weights, so no state is needed.
import * as tf from '@tensorflow/tfjs-core';
import { INT8_WEIGHT, MIN_SCALE } from './quant-params.js';
import { fakeQuant } from './fake-quant.js';

export interface WeightQuantizerConfig {
  perChannel: boolean;
  /** Output-channel axis in the weight's TF.js layout (used when perChannel). */
  channelAxis: number;
}

/** Scale tensor shaped to broadcast against w (scalar, or 1s except on channelAxis). */
export function weightScaleTensor(w: tf.Tensor, config: WeightQuantizerConfig): tf.Tensor {
  return tf.tidy(() => {
    const abs = tf.abs(w);
    let maxAbs: tf.Tensor;
    if (config.perChannel) {
      const axes = w.shape.map((_, i) => i).filter((i) => i !== config.channelAxis);
      maxAbs = tf.max(abs, axes, true);
    } else {
      maxAbs = tf.max(abs);
    }
    return tf.maximum(tf.div(maxAbs, INT8_WEIGHT.qmax), MIN_SCALE);
  });
}

export function fakeQuantWeightComposite(w: tf.Tensor, config: WeightQuantizerConfig): tf.Tensor {
  return tf.tidy(() => {
    const scale = weightScaleTensor(w, config);
    return fakeQuant(w, scale, tf.zerosLike(scale), INT8_WEIGHT.qmin, INT8_WEIGHT.qmax);
  });
}
