// `conv1d`: a small 1-D convolutional network over sequences: each sample is read as rows of
// features (a 28x28 MNIST image is 28 steps of 28 features; audio frames of MFCCs fit the same way).
// Two Conv1D + ReLU + MaxPooling1D stages, Flatten, a ReLU Dense and the logits.
// Deployed int8 the way TFLite's converter does it: each 1-D op as its 2-D op over an image view of
// the sequence (RESHAPE → CONV_2D / MAX_POOL_2D → RESHAPE), then RESHAPE (flatten) and FC x2.
import * as tfl from '@tensorflow/tfjs-layers';
import { glorotUniform, heNormal } from './init.js';

export interface SequenceInput {
  steps: number;
  features: number;
}

export function buildConv1d(seed: number, input: SequenceInput = { steps: 28, features: 28 }, numClasses = 10): tfl.LayersModel {
  const model = tfl.sequential({ name: 'conv1d' });
  model.add(tfl.layers.inputLayer({ inputShape: [input.steps, input.features], name: 'input' }));
  model.add(tfl.layers.conv1d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: heNormal(seed, 1), name: 'conv1' }));
  model.add(tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool1' }));
  model.add(tfl.layers.conv1d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heNormal(seed, 2), name: 'conv2' }));
  model.add(tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool2' }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: heNormal(seed, 3), name: 'fc1' }));
  model.add(tfl.layers.dense({ units: numClasses, kernelInitializer: glorotUniform(seed, 4), name: 'logits' }));
  return model;
}
