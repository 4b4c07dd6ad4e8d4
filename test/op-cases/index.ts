// Every op's parity cases, one file per trainer op named after it (leaky-relu.ts exports
// LEAKY_RELU_CASES), found by name: adding an op's cases is that file alone.
// test/op-registry.test.ts fails when a trainer op has no cases (or cases name no trainer op).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OpCases } from './op-case.js';

const HELPERS = ['index.ts', 'layers.ts', 'op-case.ts'];

async function loadCases(file: string): Promise<OpCases> {
  const name = `${file.slice(0, -3).replace(/-/g, '_').toUpperCase()}_CASES`;
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as Record<string, OpCases | undefined>;
  const cases = module[name];
  if (!cases) throw new Error(`test/op-cases/${file} does not export ${name}`);
  return cases;
}

export const OP_CASES: readonly OpCases[] = await Promise.all(
  readdirSync(import.meta.dirname)
    .filter((f) => f.endsWith('.ts') && !HELPERS.includes(f))
    .sort()
    .map(loadCases),
);
