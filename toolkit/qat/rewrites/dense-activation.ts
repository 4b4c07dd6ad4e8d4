// Dense (+ ReLU / ReLU6 layer) -> FULLY_CONNECTED with the activation fused.
import type { QatGraph } from './graph.js';
import { fuseFollowingActivation } from './fuse-activation.js';
import type { GraphRewrite } from './rewrite.js';

export class DenseActivation implements GraphRewrite {
  readonly name = 'dense-activation';

  apply(graph: QatGraph): number {
    let count = 0;
    for (const node of [...graph.nodes]) {
      if (node.builtin === 'FULLY_CONNECTED' && graph.nodes.includes(node) && fuseFollowingActivation(graph, node)) count++;
    }
    return count;
  }
}
