// BUILTIN_REF golden outputs: for every conformance case, the SHA-256 of the outputs of TFLite's
// reference kernels (TF 2.21, `experimental_op_resolver_type=BUILTIN_REF`), made once with
// check-builtin-ref.py and stored in builtin-ref.json. A case is identified by the SHA-256 of its
// model and input, so a changed case is reported as stale instead of silently compared.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConformanceCase } from './build.js';

export interface GoldenEntry {
  op: string;
  name: string;
  /** SHA-256 of the BUILTIN_REF output bytes. */
  output: string;
}

/** SHA-256 (hex) of the model bytes followed by the input bytes. */
export function caseKey(c: ConformanceCase): string {
  return createHash('sha256')
    .update(c.model)
    .update(new Uint8Array(c.input.buffer, c.input.byteOffset, c.input.byteLength))
    .digest('hex');
}

export function outputHash(values: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

export function loadGolden(): Record<string, GoldenEntry> {
  return JSON.parse(readFileSync(new URL('./builtin-ref.json', import.meta.url), 'utf8')) as Record<string, GoldenEntry>;
}
