// Every TFLite builtin edgeqat trains and exports, through the whole flow on real data: a tiny
// model holding the op (test/op-cases/, one file per builtin) -> prepareQat -> 10 QAT steps on
// 320 MNIST images -> convertToTflite -> the TFLite interpreter (tfjs-tflite, WebAssembly) on 300
// test images, against the fake-quant model's outputs. Bar: ≥ 99% of the float output values
// within one output quantization step of the simulation. And the stages' registries agree: every
// op has a trainer spec, a converter emitter, a reference kernel and a case here.
//
// Measured (wasm backend, seed 0; EDGEQAT_REPORT=1 prints each case): 100% of the output values
// within one step in every case, the same int8 value on 99-100% — 80% after a 3x3 average pool
// and 90% after a requantizing concatenation, whose roundings differ from the float simulation on
// ties (TFLite rounds raw int8 sums; the requantize is fixed-point) — and the same predicted class
// on 99.7-100% of the 300 images.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Split } from '../runtime/datasets/datasets.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { REFERENCE_KERNELS } from '../runtime/reference/registry.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { CONVERTER_EMITTERS } from '../toolkit/converter/emitters/index.js';
import { TRAINER_OPS } from '../toolkit/qat/ops/index.js';
import { QUANTIZE_REGISTRY } from '../toolkit/qat/quantize-registry.js';
import { qatParity } from './helpers/qat-parity.js';
import { OP_CASES } from './op-cases/index.js';

const STUBS = ['QUANTIZE', 'DEQUANTIZE'];
let train: Split;
let test: Split;

beforeAll(async () => {
  await initBackend('wasm');
  const ds = loadDataset('mnist');
  train = ds.train!;
  test = ds.test!;
});

describe('op registries', () => {
  it('every trainer op has a converter emitter, a reference kernel and parity cases, and the reverse', () => {
    const trainer = Object.keys(TRAINER_OPS).sort();
    const emitters = Object.keys(CONVERTER_EMITTERS).filter((b) => !STUBS.includes(b)).sort();
    const cases = OP_CASES.map((c) => c.builtin).sort();
    expect(emitters).toEqual(trainer);
    expect(cases).toEqual(trainer);
    for (const b of [...trainer, ...STUBS]) expect(REFERENCE_KERNELS[b], `reference kernel for ${b}`).toBeDefined();
    for (const [key, spec] of Object.entries(TRAINER_OPS)) expect(spec.builtin).toBe(key);
    for (const [key, emitter] of Object.entries(CONVERTER_EMITTERS)) expect(emitter.builtin).toBe(key);
  });

  it("every registry 'op' row names a trainer op that handles its class; every supported class appears in a case", () => {
    for (const row of QUANTIZE_REGISTRY) {
      if (!row.supported || row.role !== 'op') continue;
      expect(TRAINER_OPS[row.builtin!], row.className).toBeDefined();
      expect(TRAINER_OPS[row.builtin!].layerClassNames).toContain(row.className);
    }
    const used = new Set<string>();
    for (const { cases } of OP_CASES) for (const c of cases) for (const l of c.build().layers) used.add(l.getClassName());
    const missing = QUANTIZE_REGISTRY.filter((r) => r.supported && !used.has(r.className)).map((r) => r.className);
    expect(missing).toEqual([]);
  });
});

describe('QAT -> int8 TFLite parity per op (real MNIST, real interpreter)', () => {
  for (const { builtin, cases } of OP_CASES) {
    for (const c of cases) {
      it(`${builtin}: ${c.name}`, async () => {
        const { bytes, report } = await qatParity(c.build(), { train, test, prepare: c.prepare, trainImages: 320, testImages: 300 });
        const s = readTfliteModel(bytes);
        expect(s.subgraph.operators.map((op) => op.op)).toEqual(c.ops);
        expect(report.withinOneStep, JSON.stringify(report)).toBeGreaterThanOrEqual(0.99);
        if (process.env.EDGEQAT_REPORT) console.log(`${builtin}: ${c.name}: ${JSON.stringify(report)}`);
      });
    }
  }
});
