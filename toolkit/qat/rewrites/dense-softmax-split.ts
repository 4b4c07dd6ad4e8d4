// Dense(activation 'softmax') -> FULLY_CONNECTED (linear) + SOFTMAX: TFLite has no fused softmax,
// and the softmax output needs its own fixed int8 params (1/256, -128) while the logits are
// observed. The new node is a fresh Softmax layer named `<dense>_softmax`.
import * as tfl from '@tensorflow/tfjs-layers';
import type { QatGraph } from './graph.js';
import type { GraphRewrite } from './rewrite.js';

export class DenseSoftmaxSplit implements GraphRewrite {
  readonly name = 'dense-softmax-split';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (node.builtin !== 'FULLY_CONNECTED' || node.activation || node.layer.getConfig().activation !== 'softmax') continue;
      node.activation = 'linear';
      const softmax = tfl.layers.softmax({ name: `${node.name}_softmax`, axis: -1 });
      graph.insertAfter(node.name, { name: softmax.name, layer: softmax, role: 'op', builtin: 'SOFTMAX', inputs: [], merged: [] });
      count++;
    }
    return count;
  }
}
