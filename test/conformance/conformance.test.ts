// The conformance suite: every op of the reference engine's registry, case by case (single-op
// models from ./cases/), on the reference engine and on tfjs-tflite's WebAssembly interpreter.
//
// - Reference engine vs TFLite's reference kernels (BUILTIN_REF, TF 2.21): identical outputs,
//   checked against builtin-ref.json (SHA-256 of BUILTIN_REF's outputs per case, made once with
//   check-builtin-ref.py; see golden.ts).
// - reference-xnnpack (the reference interpreter with XNNPACK's arithmetic) vs tfjs-tflite:
//   identical on every case (except the cases where tfjs-tflite is wrong).
// - tfjs-tflite vs the reference engine: identical, except where its optimized/XNNPACK kernels
//   round differently. Those bounds are data (TFJS_TFLITE_DEVIATIONS), measured on these cases with
//   tfjs-tflite 0.0.1-alpha.10 and confirmed against BUILTIN_REF with check-builtin-ref.py: in every
//   listed case the reference engine equals BUILTIN_REF and tfjs-tflite is the one that differs.
// - reference-xnnpack vs LiteRT.js (@litertjs/core 2.5.3, a newer XNNPACK), on a float-I/O twin of
//   every int8 case (QUANTIZE → op → DEQUANTIZE, exact both ways): identical, except as listed.
//   Where the two WebAssembly engines differ (LiteRT.js's XNNPACK takes per-channel TRANSPOSE_CONV,
//   tfjs-tflite's does not), reference-xnnpack follows tfjs-tflite.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { createLitertEngine } from '../../runtime/engines/litert.js';
import { createTfjsTfliteEngine } from '../../runtime/engines/tfjs-tflite.js';
import { setLitertLogSink, type LitertLogSink } from '../../runtime/litert-node-shim.js';
import { readTfliteModel } from '../../runtime/model-reader.js';
import { REFERENCE_KERNELS } from '../../runtime/reference/registry.js';
import { setTfliteLogSink, type TfliteLogSink } from '../../runtime/tflite-web-shim.js';
import { floatInputOf, int8OutputOf, withFloatIo, type ConformanceCase, type Quant } from './build.js';
import { CONFORMANCE_CASES } from './cases/index.js';
import { caseKey, loadGolden, outputHash } from './golden.js';

interface Deviation {
  /** Largest |difference| in quantization steps. */
  maxStep: number;
  /** Largest share of differing output values in one case. */
  maxShare: number;
  why: string;
}

/** Where tfjs-tflite's wasm build is not bit-exact with BUILTIN_REF (measured share per case in brackets). */
const TFJS_TFLITE_DEVIATIONS: Record<string, Deviation> = {
  ADD: { maxStep: 1, maxShare: 0.05, why: 'XNNPACK add requantizes in its own way [0–4.2 %]' },
  CONV_2D: { maxStep: 1, maxShare: 0.01, why: 'XNNPACK requantization [0–0.14 %]' },
  DEPTHWISE_CONV_2D: { maxStep: 1, maxShare: 0.01, why: 'XNNPACK requantization [0–0.52 %]' },
  LEAKY_RELU: { maxStep: 1, maxShare: 0.4, why: "XNNPACK's leaky ReLU rescales with 8.8 fixed-point multipliers [0–39.5 %]" },
  MEAN: { maxStep: 1, maxShare: 0.1, why: 'the optimized MEAN kernel rounds differently [0–9.4 %]' },
  MUL: { maxStep: 1, maxShare: 0.03, why: 'XNNPACK multiply requantization [0–2.4 %]' },
  QUANTIZE: { maxStep: 1, maxShare: 0.5, why: 'optimized QUANTIZE rounds ties to even (50 % in the ties case); older int8→int8 requantization [25.6 %]' },
  RESIZE_BILINEAR: { maxStep: 1, maxShare: 0.2, why: "XNNPACK's 11-bit interpolation weights [0–15.8 %]" },
  TRANSPOSE_CONV: { maxStep: 1, maxShare: 0.01, why: 'XNNPACK requantization of per-tensor weights [0–0.02 %]' },
};

/** Cases tfjs-tflite cannot load (its TFLite build registers an older version of the op). */
const TFJS_TFLITE_CANNOT_LOAD: Record<string, RegExp> = {
  'TRANSPOSE_CONV: 3x3 SAME s2 RELU (version 4)': /Didn't find op for builtin opcode 'TRANSPOSE_CONV' version '4'/,
  'TRANSPOSE_CONV: 3x3 VALID s2 RELU6 (version 4)': /Didn't find op for builtin opcode 'TRANSPOSE_CONV' version '4'/,
};

/** Cases LiteRT.js cannot run: its XNNPACK delegate fails to prepare and LiteRT does not fall back. */
const LITERT_CANNOT_RUN: Record<string, string> = {
  'RESIZE_BILINEAR: 4x4 → 8x8 half-pixel, output params differ': 'XNNPACK takes int8 RESIZE_BILINEAR only with equal input and output parameters (the converter always writes equal ones)',
};

/** Where LiteRT.js differs from reference-xnnpack (measured share in brackets). */
const LITERT_DEVIATIONS: Record<string, Deviation> = {
  ...Object.fromEntries(
    [
      'TRANSPOSE_CONV: 3x3 SAME s2 per-channel',
      'TRANSPOSE_CONV: 3x3 SAME s2 odd output 9x7',
      'TRANSPOSE_CONV: 3x2 VALID s(2,1) non-square',
      'TRANSPOSE_CONV: 4x4 SAME s2 no bias (version 2)',
      'TRANSPOSE_CONV: 3x3 SAME s1, 8 channels in, saturating',
      'TRANSPOSE_CONV: 3x3 SAME s2 RELU (version 4)',
      'TRANSPOSE_CONV: 3x3 VALID s2 RELU6 (version 4)',
    ].map((c) => [c, { maxStep: 1, maxShare: 0.005, why: "LiteRT.js's XNNPACK takes per-channel int8 TRANSPOSE_CONV (float32 requantization), tfjs-tflite's leaves it to TFLite's kernel [0.03–0.23 %]" }]),
  ),
  'MEAN: axes [1,2] no keep_dims, equal scales': { maxStep: 1, maxShare: 0.03, why: "LiteRT.js's newer XNNPACK mean rounds one value differently from tfjs-tflite's build [1 of 48]; not modelled" },
};

/** Cases where tfjs-tflite is wrong, not just rounded differently (the test checks it still is). */
const TFJS_TFLITE_WRONG: Record<string, string> = {
  'DEPTHWISE_CONV_2D: 3x1 SAME s(1,2) non-square, zp −128':
    'XNNPACK computes SAME-padded depthwise convolutions with non-square windows/strides wrongly (up to 115 steps off; docs/int8-semantics.md §1, google-ai-edge/LiteRT#9256)',
};

const golden = loadGolden();
const cases = Object.keys(CONFORMANCE_CASES)
  .sort()
  .flatMap((op) => CONFORMANCE_CASES[op]());
const label = (c: ConformanceCase) => `${c.op}: ${c.name}`;

describe('conformance suite coverage', () => {
  it('every op in the reference registry has conformance cases, and every case op is in the registry', () => {
    const missing = Object.keys(REFERENCE_KERNELS).filter((op) => (CONFORMANCE_CASES[op]?.() ?? []).length === 0);
    expect(missing, `ops without conformance cases: ${missing.join(', ')}`).toEqual([]);
    const extra = Object.keys(CONFORMANCE_CASES).filter((op) => !REFERENCE_KERNELS[op]);
    expect(extra).toEqual([]);
    for (const c of cases) expect(CONFORMANCE_CASES[c.op], label(c)).toBeDefined();
  });

  it('one kernel file and one case file per op, named after the builtin', () => {
    for (const op of Object.keys(REFERENCE_KERNELS)) {
      const file = op.toLowerCase().replace(/_/g, '-');
      expect(existsSync(new URL(`../../runtime/reference/kernels/${file}.ts`, import.meta.url)), `runtime/reference/kernels/${file}.ts`).toBe(true);
      expect(existsSync(new URL(`./cases/${file}.ts`, import.meta.url)), `test/conformance/cases/${file}.ts`).toBe(true);
    }
  });

  it('every case has a BUILTIN_REF golden output (else rerun dump-cases.ts and check-builtin-ref.py --write-golden)', () => {
    const stale = cases.filter((c) => !golden[caseKey(c)]).map(label);
    expect(stale).toEqual([]);
    expect(Object.keys(golden)).toHaveLength(cases.length);
  });
});

describe('reference engine = BUILTIN_REF (TF 2.21 reference kernels)', () => {
  for (const c of cases) {
    it(label(c), () => {
      const entry = golden[caseKey(c)];
      expect(entry, 'no golden output for this case').toBeDefined();
      const out = createReferenceEngine(c.model, { label: c.name }).run(c.input, c.samples);
      expect(outputHash(out)).toBe(entry.output);
    });
  }
});

describe('reference engine vs tfjs-tflite (WebAssembly TFLite)', () => {
  let previousSink: TfliteLogSink;
  beforeAll(() => {
    previousSink = setTfliteLogSink(null); // XNNPACK's "failed to delegate" lines for some convs
  });
  afterAll(() => {
    setTfliteLogSink(previousSink);
  });

  for (const c of cases) {
    it(label(c), async () => {
      const reference = createReferenceEngine(c.model, { label: c.name }).run(c.input, c.samples);
      const cannotLoad = TFJS_TFLITE_CANNOT_LOAD[label(c)];
      if (cannotLoad) {
        await expect(createTfjsTfliteEngine(c.model, { label: c.name }), 'listed as not loading in tfjs-tflite: remove the entry').rejects.toThrow(cannotLoad);
        return;
      }
      const engine = await createTfjsTfliteEngine(c.model, { label: c.name });
      const tfjs = engine.run(c.input, c.samples);
      engine.dispose();
      expect(tfjs.length).toBe(reference.length);
      let differing = 0;
      let maxDiff = 0;
      const step = tfjs instanceof Float32Array ? 0 : 1; // float outputs (DEQUANTIZE) compare exactly
      for (let i = 0; i < tfjs.length; i++) {
        const d = Math.abs(tfjs[i] - reference[i]);
        if (d > 0) differing++;
        maxDiff = Math.max(maxDiff, d);
      }
      const wrong = TFJS_TFLITE_WRONG[label(c)];
      if (wrong) {
        expect(differing, `listed as wrong in tfjs-tflite (${wrong}), but it now agrees: remove the entry`).toBeGreaterThan(0);
        return;
      }
      const bound = TFJS_TFLITE_DEVIATIONS[c.op] ?? { maxStep: 0, maxShare: 0, why: 'bit-exact' };
      expect(maxDiff, bound.why).toBeLessThanOrEqual(bound.maxStep * step);
      expect(differing / tfjs.length, bound.why).toBeLessThanOrEqual(bound.maxShare);
    });
  }
});

describe('reference-xnnpack = tfjs-tflite (XNNPACK\'s arithmetic, bit for bit)', () => {
  let previousSink: TfliteLogSink;
  beforeAll(() => {
    previousSink = setTfliteLogSink(null);
  });
  afterAll(() => {
    setTfliteLogSink(previousSink);
  });

  for (const c of cases) {
    if (TFJS_TFLITE_WRONG[label(c)] || TFJS_TFLITE_CANNOT_LOAD[label(c)]) continue;
    it(label(c), async () => {
      const simulated = createReferenceEngine(c.model, { label: c.name, arithmetic: 'xnnpack' }).run(c.input, c.samples);
      const engine = await createTfjsTfliteEngine(c.model, { label: c.name });
      const tfjs = engine.run(c.input, c.samples);
      engine.dispose();
      expect(Array.from(simulated)).toEqual(Array.from(tfjs));
    });
  }
});

/** Per-tensor parameters of the model's input or output tensor. */
function ioQuant(model: Uint8Array, which: 'inputs' | 'outputs'): Quant | null {
  const g = readTfliteModel(model).subgraph;
  const q = g.tensors[g[which][0]!]!.quantization;
  return q && q.scale.length === 1 ? { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 } : null;
}

describe("reference-xnnpack = LiteRT.js (XNNPACK's arithmetic, float-I/O twin of each int8 case)", () => {
  let previousSink: LitertLogSink;
  beforeAll(() => {
    previousSink = setLitertLogSink(null); // its "failed to delegate" line for the case it cannot run
  });
  afterAll(() => {
    setLitertLogSink(previousSink);
  });

  for (const c of cases) {
    const inQ = ioQuant(c.model, 'inputs');
    const outQ = ioQuant(c.model, 'outputs');
    if (!inQ || !outQ || !(c.input instanceof Int8Array)) continue; // QUANTIZE / DEQUANTIZE cases: float I/O already
    it(label(c), async () => {
      const twin = withFloatIo(c.model);
      const cannotRun = LITERT_CANNOT_RUN[label(c)];
      if (cannotRun) {
        const run = async () => (await createLitertEngine(twin, { label: c.name })).run(floatInputOf(c, inQ), c.samples);
        await expect(run(), `listed as not running on LiteRT.js (${cannotRun}): remove the entry`).rejects.toThrow(/litert/);
        return;
      }
      const simulated = createReferenceEngine(c.model, { label: c.name, arithmetic: 'xnnpack' }).run(c.input, c.samples);
      const engine = await createLitertEngine(twin, { label: c.name });
      const litert = int8OutputOf(engine.run(floatInputOf(c, inQ), c.samples) as Float32Array, outQ);
      engine.dispose();
      const bound = LITERT_DEVIATIONS[label(c)];
      if (!bound) {
        expect(Array.from(litert)).toEqual(Array.from(simulated));
        return;
      }
      let differing = 0;
      let maxDiff = 0;
      for (let i = 0; i < litert.length; i++) {
        const d = Math.abs(litert[i]! - simulated[i]!);
        if (d > 0) differing++;
        maxDiff = Math.max(maxDiff, d);
      }
      expect(differing, `listed as deviating (${bound.why}), but it now agrees: remove the entry`).toBeGreaterThan(0);
      expect(maxDiff, bound.why).toBeLessThanOrEqual(bound.maxStep);
      expect(differing / litert.length, bound.why).toBeLessThanOrEqual(bound.maxShare);
    });
  }
});
