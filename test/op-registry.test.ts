// Registry completeness: every op is in every stage. The quantize registry (layer rows and
// fixed-range activations) names trainer ops; each trainer op has a converter emitter and parity
// cases (test/op-cases/); every TFLite builtin those cases export has a verifier rule, a reference
// kernel, conformance cases and a fuzz seed holding it. And the generated op lists are what
// `npm run gen:ops` writes from the folders.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeedFiles } from '../bench/fuzz/seeds.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { REFERENCE_KERNELS } from '../runtime/reference/registry.js';
import { OP_RULES } from '../runtime/verifier/ops/index.js';
import { CONVERTER_EMITTERS } from '../toolkit/converter/emitters/index.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { TRAINER_OPS } from '../toolkit/qat/ops/index.js';
import { FIXED_RANGE_ACTIVATIONS, opsOfRule, QUANTIZE_REGISTRY } from '../toolkit/qat/quantize-registry.js';
import { CONFORMANCE_CASES } from './conformance/cases/index.js';
import { OP_CASES } from './op-cases/index.js';

const repoRoot = join(import.meta.dirname, '..');
const STUBS = ['QUANTIZE', 'DEQUANTIZE'];
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

beforeAll(async () => {
  await initBackend('cpu'); // the cases build their layers (weights initialized)
});

/** Every trainer op a registry row or fixed-range activation names. */
function registryOps(): string[] {
  const rows = QUANTIZE_REGISTRY.flatMap(opsOfRule);
  return sorted([...rows, ...Object.values(FIXED_RANGE_ACTIVATIONS).map((a) => a.op)]);
}

/** Every TFLite builtin the parity cases' exported models hold. */
function exportedBuiltins(): string[] {
  return sorted(OP_CASES.flatMap((c) => c.cases.flatMap((x) => x.ops)));
}

describe('op registries: every op in every stage', () => {
  it('the quantize registry names exactly the trainer ops; only supported op rows name an op', () => {
    expect(registryOps()).toEqual(sorted(Object.keys(TRAINER_OPS)));
    for (const r of QUANTIZE_REGISTRY) {
      if (!r.supported) continue;
      expect(r.role === 'op', r.className).toBe((r.op ?? r.opByConfig) !== undefined);
      expect(r.role === 'split', r.className).toBe(r.ops !== undefined);
    }
    for (const [key, spec] of Object.entries(TRAINER_OPS)) expect(spec.builtin, key).toBe(key);
  });

  it('every trainer op has a converter emitter and parity cases, and the reverse', () => {
    const trainer = sorted(Object.keys(TRAINER_OPS));
    expect(sorted(Object.keys(CONVERTER_EMITTERS).filter((b) => !STUBS.includes(b)))).toEqual(trainer);
    expect(sorted(OP_CASES.map((c) => c.builtin))).toEqual(trainer);
    for (const [key, emitter] of Object.entries(CONVERTER_EMITTERS)) expect(emitter.builtin, key).toBe(key);
    for (const c of OP_CASES) expect(c.cases.length, c.builtin).toBeGreaterThan(0);
  });

  it('every supported layer class appears in a parity case', () => {
    const used = new Set<string>();
    for (const { cases } of OP_CASES) for (const c of cases) for (const l of c.build().layers) used.add(l.getClassName());
    expect(QUANTIZE_REGISTRY.filter((r) => r.supported && !used.has(r.className)).map((r) => r.className)).toEqual([]);
  });

  it('every builtin edgeqat exports has a verifier rule, a reference kernel and conformance cases', () => {
    const builtins = exportedBuiltins();
    expect(builtins).toEqual(expect.arrayContaining(STUBS));
    expect(builtins.filter((b) => !OP_RULES[b]), 'no verifier rule (runtime/verifier/ops/index.ts)').toEqual([]);
    expect(builtins.filter((b) => !REFERENCE_KERNELS[b]), 'no reference kernel (runtime/reference/registry.ts)').toEqual([]);
    expect(builtins.filter((b) => !CONFORMANCE_CASES[b]), 'no conformance cases (test/conformance/cases/index.ts)').toEqual([]);
  });

  it('every builtin edgeqat exports is in a fuzz seed (bench/fuzz/seeds.ts)', () => {
    const seeded = new Set(defaultSeedFiles().flatMap((f) => readTfliteModel(new Uint8Array(readFileSync(f)), f, { operators: false }).subgraph.operators.map((op) => op.op)));
    expect(exportedBuiltins().filter((b) => !seeded.has(b))).toEqual([]);
  });
});

describe('generated op lists', () => {
  const freshDir = mkdtempSync(join(tmpdir(), 'edgeqat-gen-ops-'));
  afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

  it('match a fresh run of scripts/gen-ops.mjs (run `npm run gen:ops` if not)', () => {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-ops.mjs'), freshDir], { stdio: 'pipe' });
    const committed = { 'trainer-ops': 'toolkit/qat/ops/generated/registry.ts', emitters: 'toolkit/converter/emitters/generated/registry.ts' };
    for (const [stage, path] of Object.entries(committed)) {
      expect(readFileSync(join(repoRoot, path), 'utf8'), path).toBe(readFileSync(join(freshDir, `${stage}.ts`), 'utf8'));
    }
  });
});
