// Valid models the fuzzer mutates, each with the map of its structure (every offset, length,
// vtable entry, scalar field and vector the verifier walked), so mutations can aim at structure
// instead of mostly landing in weight bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyTfliteModel, type StructureSite } from '../../runtime/verifier/index.js';

export interface Seed {
  name: string;
  bytes: Uint8Array;
  sites: StructureSite[];
}

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/**
 * Every .tflite under test/fixtures/, test/fixtures/verifier/ (TF converter and edgeqat output) and
 * test/fixtures/op-seeds/ (edgeqat's export of each op's parity case: make-op-seeds.ts).
 */
export function defaultSeedFiles(): string[] {
  return [FIXTURES, join(FIXTURES, 'verifier'), join(FIXTURES, 'op-seeds')].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.tflite'))
      .sort()
      .map((f) => join(dir, f)),
  );
}

export function loadSeed(path: string): Seed {
  const bytes = new Uint8Array(readFileSync(path));
  const sites: StructureSite[] = [];
  verifyTfliteModel(bytes, path, { operators: false, visit: (site) => sites.push(site) }); // a seed must be well-formed
  return { name: basename(path, '.tflite'), bytes, sites };
}
