// Fake quantization (quantize -> clamp -> dequantize, in float32) with the straight-through
// estimator: the gradient passes unchanged where the value is inside the representable range and
// is zero where it was clamped. Rounding is C `round` (half away from zero), as TFLite's reference
// QUANTIZE kernel does, so the simulation agrees with the deployed model.
import * as tf from '@tensorflow/tfjs-core';

/** Exact half-away-from-zero rounding: floor(|v|) + (frac >= 0.5), with v's sign. */
export function roundHalfAwayTensor(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(v);
    const fl = tf.floor(a);
    const up = tf.cast(tf.greaterEqual(tf.sub(a, fl), 0.5), 'float32');
    return tf.mul(tf.sign(v), tf.add(fl, up));
  });
}

/**
 * y = (clamp(round(x / scale) + zp, qmin, qmax) - zp) * scale.
 * `scale` and `zeroPoint` are scalars or tensors broadcastable to x (per-channel on the last axis).
 */
export function fakeQuant(
  x: tf.Tensor,
  scale: tf.Tensor,
  zeroPoint: tf.Tensor,
  qmin: number,
  qmax: number,
): tf.Tensor {
  const op = tf.customGrad((xIn, s, z, save) => {
    const xt = xIn as tf.Tensor;
    const st = s as tf.Tensor;
    const zt = z as tf.Tensor;
    const q = tf.add(roundHalfAwayTensor(tf.div(xt, st)), zt);
    const inRange = tf.logicalAnd(tf.greaterEqual(q, qmin), tf.lessEqual(q, qmax));
    (save as tf.GradSaveFunc)([inRange]);
    const value = tf.mul(tf.sub(tf.clipByValue(q, qmin, qmax), zt), st);
    return {
      value,
      // Straight-through estimator; scale and zero-point come from observers, not gradients. Zeros
      // from their shapes: the tensors themselves may be disposed by the time the gradient runs
      // (they are made inside the caller's tidy), which only this composite path (tfjs-node) meets.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.cast(saved[0], 'float32')), tf.zeros(st.shape), tf.zeros(zt.shape)],
    };
  });
  return op(x, scale, zeroPoint) as tf.Tensor;
}
