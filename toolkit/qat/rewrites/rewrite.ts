// The rewrite contract (tfmot's transforms): a pattern over the graph and its replacement.
import type { QatGraph } from './graph.js';

export interface GraphRewrite {
  readonly name: string;
  /** Rewrites every match of the pattern in place; returns the number of matches rewritten. */
  apply(graph: QatGraph): number;
}
