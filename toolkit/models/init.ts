// Seeded initializers for the built-in models: every layer gets its own seed from (model seed, k).
import * as tfl from '@tensorflow/tfjs-layers';

/** He-normal (ReLU nets) kernel initializer with a seed derived from the model seed. */
export function heNormal(seed: number, k: number) {
  return tfl.initializers.heNormal({ seed: seed * 1000 + k });
}

/** Glorot-uniform initializer (the Keras default) with a derived seed. */
export function glorotUniform(seed: number, k: number) {
  return tfl.initializers.glorotUniform({ seed: seed * 1000 + k });
}
