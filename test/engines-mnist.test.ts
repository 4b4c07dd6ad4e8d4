// All engines on two int8 MLPs over the 10,000 real MNIST test images, compared with the reference
// engine (= TFLite's BUILTIN_REF kernels: checked by hand with check-builtin-ref's interpreter on
// all 10,000 images of both models, 0 differing images).
//
// - edgeqat-mlp.tflite: the 784-100-100-10 MLP `edgeqat quickstart` exported (QAT, 1 epoch on the
//   60,000 training images, per-tensor weights; committed so tests do not train).
//   Measured with tfjs-tflite 0.0.1-alpha.10 and @litertjs/core 2.5.3: both identical to the
//   reference on 9,995 images (99.95 %); on the other 5 one output value is one quantization step
//   off; predicted classes agree on all 10,000. Native TFLite with XNNPACK (the default resolver)
//   differs on the same number of images: XNNPACK requantizes FULLY_CONNECTED in float32, the
//   TF 2.21 reference kernel in double.
// - mlp-int8-float-io.tflite: a 784-16-10 MLP from the TF converter (per-channel weights, no bias):
//   identical on all 10,000 images for every engine.
// - edgeqat-dscnn.tflite (below): depthwise-separable CNN; the reference engine and the WebAssembly
//   engines part by up to 4 steps at the output, because depthwise layers amplify the one-step
//   rounding differences of earlier layers.
// The reference interpreter with XNNPACK's arithmetic (engine reference-xnnpack) must equal both
// WebAssembly engines exactly, on every model.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../runtime/accuracy.js';
import { loadDataset, type Split } from '../runtime/datasets/datasets.js';
import type { Engine, OutputArray } from '../runtime/engines/engine.js';
import { createLitertEngine } from '../runtime/engines/litert.js';
import { createReferenceEngine, type ReferenceEngine } from '../runtime/engines/reference.js';
import type { Arithmetic } from '../runtime/reference/kernel.js';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { runInChunks } from './helpers/run-in-chunks.js';

interface Expectation {
  model: string;
  /** Lowest share of images whose 10 outputs equal the reference engine's. */
  identical: number;
  minAccuracy: number;
}

const MODELS: Expectation[] = [
  { model: 'edgeqat-mlp', identical: 0.999, minAccuracy: 0.95 },
  { model: 'mlp-int8-float-io', identical: 1, minAccuracy: 0 },
];

const bytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.tflite`, import.meta.url)));

/** Scale of the int8 tensor the DEQUANTIZE at the end reads: one output quantization step. */
function outputStep(engine: ReferenceEngine): number {
  const graph = engine.interpreter.summary.subgraph;
  const last = graph.operators[graph.operators.length - 1];
  expect(last.op).toBe('DEQUANTIZE');
  return graph.tensors[last.inputs[0]].quantization!.scale[0];
}

function compare(reference: OutputArray, other: OutputArray, count: number, step: number) {
  let identical = 0;
  let samePrediction = 0;
  let maxSteps = 0;
  for (let i = 0; i < count; i++) {
    let same = true;
    for (let j = i * 10; j < i * 10 + 10; j++) {
      const d = Math.abs(reference[j] - other[j]) / step;
      if (d > 0) same = false;
      maxSteps = Math.max(maxSteps, d);
    }
    if (same) identical++;
    if (argmax(reference, i * 10, 10) === argmax(other, i * 10, 10)) samePrediction++;
  }
  return { identical: identical / count, samePrediction: samePrediction / count, maxSteps };
}

describe('engines on int8 MLPs over the 10,000 MNIST test images', () => {
  let test: Split;
  beforeAll(() => {
    test = loadDataset('mnist', { split: 'test' }).test!; // the edgeqat MLP was trained with these constants
  });

  for (const m of MODELS) {
    describe(m.model, () => {
      let reference: ReferenceEngine;
      let referenceOut: OutputArray;
      beforeAll(() => {
        reference = createReferenceEngine(bytes(m.model), { label: m.model });
        referenceOut = reference.run(test.inputs, test.count);
      });

      it('reference engine: accuracy', () => {
        let correct = 0;
        for (let i = 0; i < test.count; i++) if (argmax(referenceOut, i * 10, 10) === test.labels[i]) correct++;
        expect(correct / test.count).toBeGreaterThanOrEqual(m.minAccuracy);
      });

      for (const [name, create] of [
        ['tfjs-tflite', createTfjsTfliteEngine],
        ['litert', createLitertEngine],
      ] as const) {
        it(`${name}: outputs identical to the reference engine on ≥ ${m.identical * 100} % of images, else 1 step off; same predictions on ≥ 99.9 %`, async () => {
          const engine: Engine = await create(bytes(m.model), { label: m.model });
          const out = engine.run(test.inputs, test.count);
          engine.dispose();
          const r = compare(referenceOut, out, test.count, outputStep(reference));
          expect(r.identical).toBeGreaterThanOrEqual(m.identical);
          expect(r.maxSteps).toBeLessThanOrEqual(1.0001);
          expect(r.samePrediction).toBeGreaterThanOrEqual(0.999);
        });
      }

      it('reference-xnnpack: identical to tfjs-tflite and litert on all 10,000 images', async () => {
        await expectXnnpackExact(m.model, test, test.count, 'xnnpack');
      });
    });
  }
});

/** Runs `count` images on reference-xnnpack, tfjs-tflite and litert; all three outputs must be equal. */
async function expectXnnpackExact(model: string, test: Split, count: number, arithmetic: Arithmetic): Promise<void> {
  const images = test.inputs.subarray(0, count * 784);
  const simulated = await runInChunks(createReferenceEngine(bytes(model), { label: model, arithmetic }), images, count);
  for (const create of [createTfjsTfliteEngine, createLitertEngine]) {
    const engine: Engine = await create(bytes(model), { label: model });
    const out = await runInChunks(engine, images, count);
    engine.dispose();
    let differing = 0;
    for (let i = 0; i < out.length; i++) if (out[i] !== simulated[i]) differing++;
    expect(differing, `${engine.name}: output values differing from reference-xnnpack`).toBe(0);
  }
}

describe('edgeqat-dscnn on MNIST test images', () => {
  const COUNT = 2000;
  let test: Split;
  let reference: ReferenceEngine;
  let referenceOut: OutputArray;
  beforeAll(async () => {
    test = loadDataset('mnist', { split: 'test' }).test!;
    reference = createReferenceEngine(bytes('edgeqat-dscnn'), { label: 'edgeqat-dscnn' });
    referenceOut = await runInChunks(reference, test.inputs.subarray(0, COUNT * 784), COUNT);
  });

  it('tfjs-tflite vs the reference engine, first 2,000 images: outputs differ (depthwise layers amplify rounding), predictions agree on ≥ 99.8 %', async () => {
    const engine = await createTfjsTfliteEngine(bytes('edgeqat-dscnn'), { label: 'edgeqat-dscnn' });
    const out = engine.run(test.inputs.subarray(0, COUNT * 784), COUNT);
    engine.dispose();
    const r = compare(referenceOut, out, COUNT, outputStep(reference));
    expect(r.identical).toBeLessThan(0.05); // measured 0.11 % over 10,000 images
    expect(r.maxSteps).toBeGreaterThan(1);
    expect(r.samePrediction).toBeGreaterThanOrEqual(0.998);
  });

  it('reference-xnnpack: identical to tfjs-tflite and litert on all 10,000 images', async () => {
    await expectXnnpackExact('edgeqat-dscnn', test, test.count, 'xnnpack');
  });

  it('with the reference arithmetic instead, the same comparison fails (the test can tell them apart)', async () => {
    await expect(expectXnnpackExact('edgeqat-dscnn', test, 50, 'tflite-reference')).rejects.toThrow(/differing from reference-xnnpack/);
  });
});
