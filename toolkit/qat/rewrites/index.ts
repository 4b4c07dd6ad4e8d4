// The prepare rewrites, in the order they are applied. Splits come before fusions (a split-off
// softmax must not be fused), folds before activation fusion (Conv -> BN -> ReLU).
import type { QatGraph } from './graph.js';
import { AddActivation } from './add-activation.js';
import { ConvBatchNormActivation } from './conv-batch-norm-activation.js';
import { DenseActivation } from './dense-activation.js';
import { DenseSoftmaxSplit } from './dense-softmax-split.js';
import type { GraphRewrite } from './rewrite.js';

export const REWRITES: readonly GraphRewrite[] = [new DenseSoftmaxSplit(), new ConvBatchNormActivation(), new DenseActivation(), new AddActivation()];

/** Applies each rewrite in order; returns the number of matches per rewrite. */
export function applyRewrites(graph: QatGraph, rewrites: readonly GraphRewrite[] = REWRITES): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rewrites) counts[r.name] = r.apply(graph);
  return counts;
}
