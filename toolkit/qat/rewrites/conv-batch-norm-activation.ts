// Conv2D / DepthwiseConv2D (+ BatchNormalization) (+ ReLU / ReLU6) -> one CONV_2D or
// DEPTHWISE_CONV_2D: the batch norm is folded into the wrapper (see layers/batch-norm-fold.ts),
// the activation fused. The convolution must have a linear activation and its output (and the
// batch norm's) no other consumer, since the deployed model has neither intermediate tensor.
import type { QatGraph } from './graph.js';
import { currentActivation, fuseFollowingActivation } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';

const CONV_BUILTINS = ['CONV_2D', 'DEPTHWISE_CONV_2D'];

export class ConvBatchNormActivation implements GraphRewrite {
  readonly name = 'conv-batch-norm-activation';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (!CONV_BUILTINS.includes(node.builtin ?? '') || !graph.nodes.includes(node)) continue;
      let changed = false;
      const next = graph.soleConsumer(node.name);
      if (next?.layer.getClassName() === 'BatchNormalization' && !node.batchNorm && currentActivation(node) === 'linear') {
        node.batchNorm = next.layer;
        node.merged.push(next.name);
        graph.bypass(next.name);
        changed = true;
      }
      if (fuseFollowingActivation(graph, node)) changed = true;
      if (changed) count++;
    }
    return count;
  }
}
