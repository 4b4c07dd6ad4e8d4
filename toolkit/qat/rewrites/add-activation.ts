// Add (+ ReLU / ReLU6 layer) -> ADD with the activation fused (the residual block's output ReLU).
import type { QatGraph } from './graph.js';
import { fuseFollowingActivation } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';

export class AddActivation implements GraphRewrite {
  readonly name = 'add-activation';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (node.builtin === 'ADD' && graph.nodes.includes(node) && fuseFollowingActivation(graph, node)) count++;
    }
    return count;
  }
}
