// Small helpers over TF.js layer weights, by their short name (`dense_1/kernel` -> `kernel`).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';

export function shortWeightName(v: tfl.LayerVariable): string {
  const name = v.originalName;
  return name.slice(name.lastIndexOf('/') + 1);
}

export function findWeight(layer: Layer, shortName: string): tfl.LayerVariable | undefined {
  return layer.weights.find((w) => shortWeightName(w) === shortName);
}

/** Adds an observer's non-trainable state [min, max, seen], initially zeros. */
export function addObserverState(layer: Layer, name: string): tfl.LayerVariable {
  // addWeight is protected; a quant layer adds its own observer state through it.
  const add = (layer as unknown as { addWeight: Layer['addWeight'] }).addWeight.bind(layer);
  return add(name, [3], 'float32', tfl.initializers.zeros(), undefined, false);
}

const nameCounters = new Map<string, number>();

/**
 * A unique default layer name. TF.js derives one from the class name, and ours ('Edgeqat>...')
 * contain '>', which is not valid in tensor names.
 */
export function defaultLayerName(base: string): string {
  const n = (nameCounters.get(base) ?? 0) + 1;
  nameCounters.set(base, n);
  return `${base}_${n}`;
}
