// `cnn`: a small LeNet-style network for 28x28x1 images — two conv (5x5 then 3x3, SAME, no bias) + batch
// norm + ReLU + 2x2 max-pool stages, then Flatten, a ReLU Dense and the logits. Seeded init.
// Deployed int8: CONV_2D (batch norm folded, RELU fused) x2, MAX_POOL_2D x2, RESHAPE, FC x2.
import * as tfl from '@tensorflow/tfjs-layers';
import { glorotUniform, heNormal } from './init.js';

export interface ImageInput {
  rows: number;
  cols: number;
  channels?: number;
}

export function buildCnn(seed: number, input: ImageInput = { rows: 28, cols: 28 }, numClasses = 10): tfl.LayersModel {
  const model = tfl.sequential({ name: 'cnn' });
  model.add(tfl.layers.inputLayer({ inputShape: [input.rows, input.cols, input.channels ?? 1], name: 'input' }));
  const stage = (filters: number, k: number, n: number) => {
    model.add(tfl.layers.conv2d({ filters, kernelSize: k, padding: 'same', useBias: false, kernelInitializer: heNormal(seed, n), name: `conv${n}` }));
    model.add(tfl.layers.batchNormalization({ name: `bn${n}` }));
    model.add(tfl.layers.reLU({ name: `relu${n}` }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: `pool${n}` }));
  };
  stage(16, 5, 1);
  stage(32, 3, 2);
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: heNormal(seed, 3), name: 'fc1' }));
  model.add(tfl.layers.dense({ units: numClasses, kernelInitializer: glorotUniform(seed, 4), name: 'logits' }));
  return model;
}
