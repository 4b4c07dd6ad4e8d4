// The prepare rewrites, in the order they are applied. A separable convolution is split into its
// two ops first (a batch norm or ReLU after it then merges into its pointwise half, and a pointwise
// half's fixed-range activation is split off in turn). The split comes before the fusions (a
// split-off softmax must not take a ReLU), the batch-norm fold before activation fusion
// (Conv -> BN -> ReLU). Each is driven by the op specs (fusesActivation, foldsBatchNorm) and the
// quantize registry's tables, with no op named in code.
import type { QatGraph } from './graph.js';
import { FoldBatchNorm } from './fold-batch-norm.js';
import { FuseActivation } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';
import { SplitFixedRangeActivation } from './split-fixed-range-activation.js';
import { SplitSeparableConv } from './split-separable-conv.js';

export const REWRITES: readonly GraphRewrite[] = [new SplitSeparableConv(), new SplitFixedRangeActivation(), new FoldBatchNorm(), new FuseActivation()];

/** Applies each rewrite in order; returns the number of matches per rewrite. */
export function applyRewrites(graph: QatGraph, rewrites: readonly GraphRewrite[] = REWRITES): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rewrites) counts[r.name] = r.apply(graph);
  return counts;
}
