// Op with its own fixed-range activation (Dense(activation 'softmax'), Conv2D(activation 'tanh'))
// -> the op with a linear activation + that activation's op (FIXED_RANGE_ACTIVATIONS): TFLite
// cannot fuse it, and its output has the fixed int8 params while the op's output is observed. The
// new node runs a fresh Activation layer named `<op>_<function>`.
import * as tfl from '@tensorflow/tfjs-layers';
import type { ActivationIdentifier } from '@tensorflow/tfjs-layers/dist/keras_format/activation_config.js';
import { FIXED_RANGE_ACTIVATIONS } from '../quantize-registry.js';
import type { QatGraph } from './graph.js';
import { currentActivation, specOf } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';

export class SplitFixedRangeActivation implements GraphRewrite {
  readonly name = 'split-fixed-range-activation';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (!specOf(node)?.fusesActivation) continue;
      const fn = currentActivation(node);
      const rule = FIXED_RANGE_ACTIVATIONS[fn];
      if (!rule) continue;
      node.activation = 'linear';
      const layer = tfl.layers.activation({ activation: fn as ActivationIdentifier, name: `${node.name}_${fn}` });
      graph.insertAfter(node.name, { name: layer.name, layer, role: 'op', op: rule.op, inputs: [], merged: [] });
      count++;
    }
    return count;
  }
}
