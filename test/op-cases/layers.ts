// Seeded building blocks for the op cases.
import * as tfl from '@tensorflow/tfjs-layers';

let k = 0;
export const init = () => tfl.initializers.glorotUniform({ seed: 1000 + k++ });

/** Restarts the initializer seeds: a case built after this gets the same weights whatever ran before. */
export function resetInitSeeds(): void {
  k = 0;
}

export const input = () => tfl.input({ shape: [28, 28, 1], name: 'image' });

export function conv(filters: number, kernelSize: number, args: { strides?: number; padding?: 'same' | 'valid'; activation?: 'relu' | 'relu6' | 'linear'; useBias?: boolean; name: string }) {
  return tfl.layers.conv2d({ filters, kernelSize, kernelInitializer: init(), biasInitializer: 'zeros', strides: args.strides ?? 1, padding: args.padding ?? 'valid', activation: args.activation ?? 'linear', useBias: args.useBias ?? true, name: args.name });
}

/** Flatten + Dense(10) logits on top of a feature map. */
export function head(x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const flat = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  return tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }).apply(flat) as tfl.SymbolicTensor;
}

export function apply(layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}

export function model(inputs: tfl.SymbolicTensor, outputs: tfl.SymbolicTensor, name: string): tfl.LayersModel {
  return tfl.model({ inputs, outputs, name });
}
