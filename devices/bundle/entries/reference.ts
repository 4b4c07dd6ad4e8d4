// esbuild entry of a reference-engine bundle: the runner with edgeqat's TypeScript int8
// interpreter; no WebAssembly, nothing else.
import { createReferenceEngine } from '../../../runtime/engines/reference.js';
import { runnerMain } from '../../runner/run-bundle.js';

export function main(dir: string, argv: string[]): Promise<number> {
  return runnerMain(dir, argv, { name: 'reference', create: (bytes, label) => createReferenceEngine(bytes, { label }) });
}
