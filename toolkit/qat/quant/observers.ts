// Observers: running range of a tensor (min/max or moving average), turned into scale/zero-point.
// The state is one non-trainable layer weight [min, max, seen], so checkpoints carry it and the
// converter reads it; a JS copy avoids a device round trip when computing params every step.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { asymmetricParams, type QuantParams } from './quant-params.js';
import { useSimd } from '../kernels/fake-quant-math.js';
import { heapMinMax, simdMinMax } from '../kernels/simd/simd-kernels.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tensorF32 } from '../../engine/kernels/backend-data.js';

export type ObserverKind = 'minmax' | 'moving-average';
export const OBSERVER_KINDS: readonly ObserverKind[] = ['minmax', 'moving-average'];

export interface ObserverConfig {
  kind: ObserverKind;
  /** EMA weight of a new batch for 'moving-average' (PyTorch's averaging_constant). */
  averagingConstant: number;
}

export const DEFAULT_ACTIVATION_OBSERVER: ObserverConfig = { kind: 'moving-average', averagingConstant: 0.01 };

export interface ObservedRange {
  min: number;
  max: number;
  params: QuantParams;
}

/** [min, max] of a batch, NaNs skipped. */
function batchRange(data: Float32Array): [number, number] {
  if (useSimd(data.length)) return simdMinMax(data);
  let bMin = Infinity;
  let bMax = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < bMin) bMin = v;
    if (v > bMax) bMax = v;
  }
  return [bMin, bMax];
}

export class Observer {
  /** JS copy of the state, valid while the weight still holds the same data (dataId). */
  private cache: { dataId: object; min: number; max: number; seen: boolean } | null = null;

  /** `state` is a float32 weight of shape [3]: [min, max, seen (0 or 1)]. */
  constructor(
    readonly state: LayerVariable,
    readonly config: ObserverConfig,
  ) {}

  private current() {
    const value = this.state.read();
    // A variable keeps its id when written; its dataId changes with every write.
    if (this.cache?.dataId !== value.dataId) {
      // The weight is the source of truth: re-read after build, checkpoint load or setWeights.
      const [min, max, seen] = value.dataSync();
      this.cache = { dataId: value.dataId, min, max, seen: seen !== 0 };
    }
    return this.cache;
  }

  /** Folds a batch into the running range (call in training, before fake-quant). */
  observe(x: tf.Tensor): void {
    // Read in place: no copy of the activation (on wasm not even into the SIMD module's memory).
    const onHeap = tf.getBackend() === 'wasm' && x.dtype === 'float32' && useSimd(x.size) ? heapMinMax(tf.backend() as BackendWasm, x) : null;
    const [bMin, bMax] = onHeap ?? batchRange(tensorF32(x));
    if (!(bMin <= bMax)) return; // empty or all-NaN batch: nothing to learn
    const s = this.current();
    if (!s.seen) {
      s.min = bMin;
      s.max = bMax;
    } else if (this.config.kind === 'minmax') {
      s.min = Math.min(s.min, bMin);
      s.max = Math.max(s.max, bMax);
    } else {
      const c = this.config.averagingConstant;
      s.min = Math.fround(s.min + (bMin - s.min) * c);
      s.max = Math.fround(s.max + (bMax - s.max) * c);
    }
    s.seen = true;
    s.min = Math.fround(s.min);
    s.max = Math.fround(s.max);
    const next = tf.tensor1d([s.min, s.max, 1]);
    this.state.write(next);
    next.dispose(); // the variable keeps its own reference
    s.dataId = this.state.read().dataId;
  }

  /** Sets the range outright (post-training calibration estimates it outside the observer). */
  set(min: number, max: number): void {
    const next = tf.tensor1d([Math.fround(min), Math.fround(max), 1]);
    this.state.write(next);
    next.dispose();
    this.cache = null;
  }

  range(): ObservedRange {
    const { min, max } = this.current();
    return { min, max, params: asymmetricParams(min, max) };
  }
}
