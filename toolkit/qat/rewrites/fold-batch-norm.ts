// Op (+ BatchNormalization) -> the op with the batch norm folded into its weights and bias (see
// layers/batch-norm-fold.ts), for every op whose spec folds batch norms (foldsBatchNorm). The op
// must have a linear activation and its output no other consumer: the deployed model has no
// pre-normalization tensor. Runs before fuse-activation (Conv -> BN -> ReLU).
import type { QatGraph } from './graph.js';
import { currentActivation, specOf } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';

export class FoldBatchNorm implements GraphRewrite {
  readonly name = 'fold-batch-norm';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (!graph.nodes.includes(node) || !specOf(node)?.foldsBatchNorm || node.batchNorm || currentActivation(node) !== 'linear') continue;
      const next = graph.soleConsumer(node.name);
      if (next?.role !== 'fold') continue;
      node.batchNorm = next.layer;
      node.merged.push(next.name);
      graph.bypass(next.name);
      count++;
    }
    return count;
  }
}
