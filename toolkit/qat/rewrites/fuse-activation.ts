// Op (+ ReLU / ReLU6 / Activation('relu') layer) -> the op with that activation fused, for every op
// whose spec says TFLite fuses an activation into it (fusesActivation). The op must have a linear
// activation and its output no other consumer: the deployed model has no pre-activation tensor.
import { trainerOp } from '../ops/index.js';
import { fusedActivation, type TrainerOpSpec } from '../ops/trainer-op-spec.js';
import { activationOf, type QatGraph, type QatNode } from './graph.js';
import type { GraphRewrite } from './rewrite.js';

export function specOf(node: QatNode): TrainerOpSpec | undefined {
  return node.op ? trainerOp(node.op) : undefined;
}

/** The node's own activation (a fused one, or the layer's config). */
export function currentActivation(node: QatNode): string {
  if (node.activation) return node.activation;
  return specOf(node)?.settings(node.layer).activation ?? 'linear';
}

export class FuseActivation implements GraphRewrite {
  readonly name = 'fuse-activation';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (!graph.nodes.includes(node) || !specOf(node)?.fusesActivation || currentActivation(node) !== 'linear') continue;
      const next = graph.soleConsumer(node.name);
      if (next?.role !== 'fuse') continue;
      const fn = activationOf(next.layer);
      if (fn === 'linear' || !fusedActivation(fn)) continue;
      node.activation = fn;
      node.merged.push(next.name);
      graph.bypass(next.name);
      count++;
    }
    return count;
  }
}
