// FULLY_CONNECTED: a ReLU layer fused into Dense, Dropout in between (training only: nothing
// exported), per-tensor and per-channel weights.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const mlp = () => {
  const x = input();
  let y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  y = apply(tfl.layers.dense({ units: 24, kernelInitializer: init(), name: 'fc1' }), y);
  y = apply(tfl.layers.reLU({ name: 'relu' }), y);
  y = apply(tfl.layers.dropout({ rate: 0.2, name: 'dropout' }), y);
  y = apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), y);
  return model(x, y, 'fc');
};

const OPS = ['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'DEQUANTIZE'];

export const FULLY_CONNECTED_CASES: OpCases = {
  builtin: 'FULLY_CONNECTED',
  cases: [
    { name: 'Dense + ReLU layer (fused), Dropout, per-tensor', build: mlp, ops: OPS },
    { name: 'per-channel', build: mlp, prepare: { perChannel: true }, ops: OPS },
  ],
};
