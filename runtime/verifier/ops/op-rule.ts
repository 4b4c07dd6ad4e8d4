// One operator's rule: the options table TFLite reads for it (null: none), and the checks that
// keep its kernels inside their tensors (types, ranks, shapes, options). The registry (index.ts)
// lists one rule per builtin op edgeqat runs; an op without a rule is not run by any engine.
import type { TableName } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';

export interface OpRule {
  options: TableName | null;
  check(c: OpContext): void;
}
