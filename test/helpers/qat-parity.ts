// Numerical parity of one float model through the whole flow: prepareQat → a few QAT steps on real
// MNIST → convertToTflite → the real TFLite interpreter (tfjs-tflite, WebAssembly), against the
// fake-quant model's own outputs on the same test images; and the other engines on the same file:
// LiteRT.js (the other WebAssembly TFLite) and the reference interpreter with XNNPACK's arithmetic.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Split } from '../../runtime/datasets/datasets.js';
import type { Engine } from '../../runtime/engines/engine.js';
import { createLitertEngine } from '../../runtime/engines/litert.js';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { createTfjsTfliteEngine } from '../../runtime/engines/tfjs-tflite.js';
import { convertToTflite } from '../../toolkit/converter/convert.js';
import { outputParamsOf } from '../../toolkit/qat/layers/output-params.js';
import { prepareQat, type PrepareOptions } from '../../toolkit/qat/prepare.js';
import { trainModel } from '../../toolkit/engine/train.js';

export const FEATURES = 784;

export interface ParityReport {
  samples: number;
  /** Share of output values where |TFLite − fake-quant| ≤ one output quantization step. */
  withinOneStep: number;
  /** Share of output values that are the same int8 value. */
  identical: number;
  maxSteps: number;
  /** Share of samples with the same predicted class. */
  agreement: number;
  outputScale: number;
  /** LiteRT.js: share of samples whose predicted class is the fake-quant model's. */
  litertAgreement: number;
  /** Share of output values LiteRT.js and the reference-xnnpack engine compute exactly as tfjs-tflite. */
  litertIdentical: number;
  referenceXnnpackIdentical: number;
  /** Share of output values the reference-xnnpack engine computes exactly as LiteRT.js (a newer XNNPACK). */
  referenceXnnpackLitertIdentical: number;
}

export interface ParityOptions {
  train: Split;
  test: Split;
  prepare?: PrepareOptions;
  trainImages?: number;
  batchSize?: number;
  lr?: number;
  testImages?: number;
  /** Called once per step before it (freeze schedules). */
  beforeStep?: (step: number, qat: tfl.LayersModel) => void;
}

/** Fake-quant outputs of the QAT model in inference mode, [n, classes] flat. */
export function fakeQuantOutputs(model: tfl.LayersModel, images: Float32Array, n: number): Float32Array {
  const shape = (model.inputs[0].shape as number[]).slice(1);
  return tf.tidy(() => (model.predict(tf.tensor(images.subarray(0, n * FEATURES), [n, ...shape])) as tf.Tensor).dataSync() as Float32Array);
}

async function runOnce(engine: Engine, input: Float32Array, n: number): Promise<Float32Array> {
  try {
    return engine.run(input, n) as Float32Array;
  } finally {
    engine.dispose();
  }
}

function identicalShare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < b.length; i++) if (a[i] === b[i]) same++;
  return same / b.length;
}

function argmax(values: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (values[row * classes + c] > values[row * classes + best]) best = c;
  return best;
}

export async function qatParity(float: tfl.LayersModel, o: ParityOptions): Promise<{ qat: tfl.LayersModel; bytes: Uint8Array; report: ParityReport }> {
  const qat = prepareQat(float, o.prepare);
  const count = o.trainImages ?? 320;
  await trainModel(qat, { inputs: o.train.inputs, labels: o.train.labels, count, featureSize: FEATURES }, {
    epochs: 1,
    batchSize: o.batchSize ?? 32,
    lr: o.lr ?? 2e-3,
    seed: 0,
    numClasses: 10,
    beforeStep: o.beforeStep ? (step) => o.beforeStep!(step, qat) : undefined,
  });
  const bytes = convertToTflite(qat);
  const n = o.testImages ?? 500;
  const engine = await createTfjsTfliteEngine(bytes);
  try {
    const tflite = engine.run(o.test.inputs.subarray(0, n * FEATURES), n) as Float32Array;
    const fq = fakeQuantOutputs(qat, o.test.inputs, n);
    const classes = tflite.length / n;
    const last = (qat.outputs[0].sourceLayer as Layer).inboundNodes[0].inboundLayers[0];
    const { scale, zeroPoint } = outputParamsOf(last);
    let within = 0;
    let identical = 0;
    let maxSteps = 0;
    for (let i = 0; i < tflite.length; i++) {
      const d = Math.abs(tflite[i] - fq[i]) / scale;
      maxSteps = Math.max(maxSteps, d);
      if (d <= 1 + 1e-3) within++;
      if (Math.round(tflite[i] / scale) + zeroPoint === Math.round(fq[i] / scale) + zeroPoint) identical++;
    }
    const agreement = (out: ArrayLike<number>) => {
      let agree = 0;
      for (let r = 0; r < n; r++) if (argmax(out, r, classes) === argmax(fq, r, classes)) agree++;
      return agree / n;
    };
    const input = o.test.inputs.subarray(0, n * FEATURES);
    const litert = await runOnce(await createLitertEngine(bytes), input, n);
    const referenceXnnpack = await runOnce(createReferenceEngine(bytes, { arithmetic: 'xnnpack' }), input, n);
    const report: ParityReport = {
      samples: n,
      withinOneStep: within / tflite.length,
      identical: identical / tflite.length,
      maxSteps,
      agreement: agreement(tflite),
      outputScale: scale,
      litertAgreement: agreement(litert),
      litertIdentical: identicalShare(litert, tflite),
      referenceXnnpackIdentical: identicalShare(referenceXnnpack, tflite),
      referenceXnnpackLitertIdentical: identicalShare(referenceXnnpack, litert),
    };
    return { qat, bytes, report };
  } finally {
    engine.dispose();
  }
}
