// Shared step of the activation patterns: an op node with a linear activation whose only consumer
// is a ReLU / ReLU6 layer takes that activation (TFLite's fused activation) and the ReLU goes.
import { FUSABLE_ACTIVATIONS } from '../ops/trainer-op-spec.js';
import { trainerOp } from '../ops/index.js';
import { activationOf, type QatGraph, type QatNode } from './graph.js';

/** The node's own activation (a fused one, or the layer's config). */
export function currentActivation(node: QatNode): string {
  if (node.activation) return node.activation;
  const spec = node.builtin ? trainerOp(node.builtin) : undefined;
  return spec ? spec.settings(node.layer).activation : 'linear';
}

/** Fuses the ReLU/ReLU6 layer that follows `node`, if there is one it can take; true if it did. */
export function fuseFollowingActivation(graph: QatGraph, node: QatNode): boolean {
  const next = graph.soleConsumer(node.name);
  if (!next || next.role !== 'fuse' || currentActivation(node) !== 'linear') return false;
  const fn = activationOf(next.layer);
  if (fn === 'linear' || !FUSABLE_ACTIVATIONS[fn]) return false;
  node.activation = fn;
  node.merged.push(next.name);
  graph.bypass(next.name);
  return true;
}
