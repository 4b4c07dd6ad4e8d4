// The reference MLP of PyTorch's eager-mode QAT tutorial: 784 -> 100 ReLU -> 100 ReLU -> 10,
// initialised like torch.nn.Linear (uniform in +-1/sqrt(fan_in)), seeded.
import * as tfl from '@tensorflow/tfjs-layers';

export function buildMlp(seed: number, inputSize = 784, numClasses = 10): tfl.LayersModel {
  const dense = (units: number, fanIn: number, activation: 'relu' | 'linear', name: string, k: number) => {
    const bound = 1 / Math.sqrt(fanIn);
    const init = (s: number) => tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: seed * 1000 + s });
    return tfl.layers.dense({ units, activation, name, kernelInitializer: init(2 * k), biasInitializer: init(2 * k + 1) });
  };
  const model = tfl.sequential({ name: 'mlp' });
  model.add(tfl.layers.inputLayer({ inputShape: [inputSize], name: 'input' }));
  model.add(dense(100, inputSize, 'relu', 'fc1', 1));
  model.add(dense(100, 100, 'relu', 'fc2', 2));
  model.add(dense(numClasses, 100, 'linear', 'fc3', 3));
  return model;
}
