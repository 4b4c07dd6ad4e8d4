// Puts a Keras file's weights into the TF.js model built from its config. A source lists, per
// layer, the arrays the file holds for it in Keras's variable order (which TF.js shares, see
// keras-layers.ts); every count and shape is checked against the built layer before any value is
// read, so a file whose weights do not match its config is rejected from its metadata alone, each
// mismatch one line.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../../runtime/errors.js';
import type { KerasGraph, KerasLayerSpec } from './keras-graph.js';

export interface StoredArray {
  /** Where the file keeps it, for messages (e.g. 'layers/dense/vars/0'). */
  path: string;
  shape: number[];
  read(): Float32Array;
}

/** The arrays a file holds for one layer, in Keras's variable order ([] for layers without weights). */
export type WeightSource = (spec: KerasLayerSpec) => StoredArray[];

const shapeText = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

export function loadKerasWeights(model: tfl.LayersModel, graph: KerasGraph, source: WeightSource, label: string): void {
  const problems: string[] = [];
  const plan: { layer: tfl.layers.Layer; arrays: StoredArray[] }[] = [];
  for (const spec of graph.layers) {
    if (spec.className === 'InputLayer') continue;
    const layer = model.getLayer(spec.name);
    const arrays = source(spec);
    const wanted = layer.weights;
    const at = `layer '${spec.name}' (${spec.className})`;
    if (arrays.length !== wanted.length) {
      problems.push(`${at}: the file holds ${arrays.length} weight arrays, the config needs ${wanted.length} (${wanted.map((w) => `${w.originalName.split('/').pop()} ${shapeText(w.shape)}`).join(', ') || 'none'})`);
      continue;
    }
    arrays.forEach((a, i) => {
      const w = wanted[i]!;
      if (shapeText(a.shape) !== shapeText(w.shape)) {
        problems.push(`${at}: weights do not match the config's shapes: ${a.path} is ${shapeText(a.shape)}, the config needs ${w.originalName.split('/').pop()} ${shapeText(w.shape)}`);
      }
    });
    if (arrays.length) plan.push({ layer, arrays });
  }
  if (problems.length) throw new EdgeqatError('E_MODEL_FILE', problems.map((p) => `${label}: ${p}`).join('\n'));
  for (const { layer, arrays } of plan) {
    const tensors = arrays.map((a) => tf.tensor(a.read(), a.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}
