// Activation and weight fake-quantizers: the fused kernel where the backend has it (cpu, wasm),
// otherwise the equivalent composite TF.js ops (e.g. on tfjs-node).
import * as tf from '@tensorflow/tfjs-core';
import { hasFusedFakeQuant, runFusedFakeQuant } from '../kernels/fake-quant-kernel.js';
import { fakeQuant } from './fake-quant.js';
import { INT8_ACTIVATION, INT8_WEIGHT, type QuantParams } from './quant-params.js';
import { fakeQuantWeightComposite, type WeightQuantizerConfig } from './weight-quantizer.js';

export function fakeQuantActivation(x: tf.Tensor, p: QuantParams): tf.Tensor {
  const { qmin, qmax } = INT8_ACTIVATION;
  if (hasFusedFakeQuant()) {
    return runFusedFakeQuant(x, { mode: 'affine', scale: [p.scale], zeroPoint: [p.zeroPoint], qmin, qmax, axis: -1 });
  }
  return tf.tidy(() => fakeQuant(x, tf.scalar(p.scale), tf.scalar(p.zeroPoint), qmin, qmax));
}

export function fakeQuantWeight(w: tf.Tensor, config: WeightQuantizerConfig): tf.Tensor {
  if (hasFusedFakeQuant()) {
    const { qmin, qmax } = INT8_WEIGHT;
    return runFusedFakeQuant(w, { mode: 'symmetric', scale: [], zeroPoint: [], qmin, qmax, axis: config.perChannel ? config.channelAxis : -1 });
  }
  return fakeQuantWeightComposite(w, config);
}
