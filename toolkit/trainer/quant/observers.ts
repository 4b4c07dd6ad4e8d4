// Observers: running statistics of a tensor's range, turned into scale/zero-point. The state lives
// in non-trainable layer weights, so it is saved with the checkpoint and read by the converter.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { INT8_ACTIVATION, MIN_SCALE, asymmetricParams, type QuantParams } from './quant-params.js';
import { roundHalfAwayTensor } from './fake-quant.js';

export type ObserverKind = 'minmax' | 'moving-average';
export const OBSERVER_KINDS: readonly ObserverKind[] = ['minmax', 'moving-average'];

export interface ObserverConfig {
  kind: ObserverKind;
  /** EMA weight of a new batch for 'moving-average' (PyTorch's averaging_constant). */
  averagingConstant: number;
}

export const DEFAULT_ACTIVATION_OBSERVER: ObserverConfig = { kind: 'moving-average', averagingConstant: 0.01 };

/** The three weights of an observer: running min, running max, and whether it has seen data. */
export interface ObserverState {
  min: LayerVariable;
  max: LayerVariable;
  seen: LayerVariable;
}

type AddWeight = (name: string, init: number) => LayerVariable;

export function createObserverState(prefix: string, addWeight: AddWeight): ObserverState {
  return {
    min: addWeight(`${prefix}_min`, 0),
    max: addWeight(`${prefix}_max`, 0),
    seen: addWeight(`${prefix}_seen`, 0),
  };
}

/** Updates the running range with a batch (call inside the training step, before fake-quant). */
export function observe(state: ObserverState, config: ObserverConfig, x: tf.Tensor): void {
  tf.tidy(() => {
    const bMin = tf.min(x);
    const bMax = tf.max(x);
    const seen = state.seen.read();
    const first = tf.equal(seen, 0);
    let newMin: tf.Tensor;
    let newMax: tf.Tensor;
    if (config.kind === 'minmax') {
      newMin = tf.where(first, bMin, tf.minimum(state.min.read(), bMin));
      newMax = tf.where(first, bMax, tf.maximum(state.max.read(), bMax));
    } else {
      const c = config.averagingConstant;
      const ema = (old: tf.Tensor, v: tf.Tensor) => tf.add(old, tf.mul(tf.sub(v, old), c));
      newMin = tf.where(first, bMin, ema(state.min.read(), bMin));
      newMax = tf.where(first, bMax, ema(state.max.read(), bMax));
    }
    state.min.write(newMin);
    state.max.write(newMax);
    state.seen.write(tf.onesLike(seen));
  });
}

/** In-graph scale and zero-point, identical in float32 to `asymmetricParams` of the same range. */
export function observedParamsTensors(state: ObserverState): { scale: tf.Tensor; zeroPoint: tf.Tensor } {
  return tf.tidy(() => {
    const { qmin, qmax } = INT8_ACTIVATION;
    const lo = tf.minimum(state.min.read(), 0);
    const hi = tf.maximum(state.max.read(), 0);
    const scale = tf.maximum(tf.div(tf.sub(hi, lo), qmax - qmin), MIN_SCALE);
    const zeroPoint = tf.clipByValue(roundHalfAwayTensor(tf.sub(qmin, tf.div(lo, scale))), qmin, qmax);
    return { scale, zeroPoint };
  });
}

export interface ObservedRange {
  min: number;
  max: number;
  params: QuantParams;
}

/** Reads the observed range back to JS (converter, reports). */
export function readObservedRange(state: ObserverState): ObservedRange {
  const min = state.min.read().dataSync()[0];
  const max = state.max.read().dataSync()[0];
  return { min, max, params: asymmetricParams(min, max) };
}
