// The two models of issue 14's convolution layers through the whole flow, on MNIST: QAT training
// from scratch, int8 export, and every engine on the test images against the fake-quant model.
//   conv1d:    the built-in 1-D CNN over the image's 28 rows as 28 steps of 28 features.
//   unet-tiny: the encoder–decoder (toolkit/models/unet-tiny.ts) classifying every pixel as
//              background or foreground (runtime/datasets/foreground-masks.ts: 2 classes).
// Used by bench/conv-models/run.ts (full-size figures) and test/conv-models.test.ts (small sizes).
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluateClassifier, evaluatePerPixel } from '../../runtime/accuracy.js';
import type { Dataset, Split } from '../../runtime/datasets/datasets.js';
import { foregroundMasks, MASK_CLASSES } from '../../runtime/datasets/foreground-masks.js';
import type { Engine } from '../../runtime/engines/engine.js';
import { createLitertEngine } from '../../runtime/engines/litert.js';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { createTfjsTfliteEngine } from '../../runtime/engines/tfjs-tflite.js';
import { convertToTflite } from '../../toolkit/converter/convert.js';
import { predictClasses, trainModel } from '../../toolkit/engine/train.js';
import { BUILTIN_MODELS } from '../../toolkit/models/index.js';
import { buildUnetTiny, unetTinyQatSchedule } from '../../toolkit/models/unet-tiny.js';
import { QuantizeWrapper } from '../../toolkit/qat/layers/quantize-wrapper.js';
import { prepareQat, qatScheduleHook, type QatSchedule } from '../../toolkit/qat/prepare.js';

export type ModelName = 'conv1d' | 'unet-tiny';
export const ENGINES = ['tfjs-tflite', 'litert', 'reference', 'reference-xnnpack'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface ExperimentOptions {
  trainImages: number;
  epochs: number;
  batchSize: number;
  lr: number;
  testImages: number;
  seed?: number;
  /** QAT schedule for a run of this many steps (default: unet-tiny's own, none for conv1d). */
  schedule?: (totalSteps: number) => QatSchedule;
  onProgress?: (line: string) => void;
}

export interface EngineFigures {
  /** Classifier: share of test images classified right; unet-tiny: share of pixels. */
  accuracy: number;
  /** unet-tiny: share of the foreground pixels classified right. */
  foregroundAccuracy?: number;
  /** Share of predictions (per image, or per pixel) equal to the fake-quant model's. */
  agreement: number;
  seconds: number;
}

export interface ExperimentResult {
  model: ModelName;
  trainSteps: number;
  trainSeconds: number;
  finalLoss: number;
  /** Observed [min, max] of each op output at the end of training (what the int8 model gets). */
  activationRanges: Record<string, [number, number]>;
  testImages: number;
  bytes: Uint8Array;
  fakeQuant: { accuracy: number; foregroundAccuracy?: number };
  /** unet-tiny: share of background pixels (the accuracy of predicting background everywhere). */
  backgroundShare?: number;
  engines: Partial<Record<EngineName, EngineFigures>>;
  /** Share of output values reference-xnnpack computes exactly as tfjs-tflite (its arithmetic), and as LiteRT.js. */
  referenceXnnpackIdentical: { tfjsTflite: number; litert: number };
  /** Fake-quant predictions (per image or per pixel) and labels, for the TFLite Python check. */
  fakeQuantPredictions: Uint8Array;
  labels: Uint8Array;
  /** The model's input values of the test images. */
  inputs: Float32Array;
  inputShape: number[];
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

function build(name: ModelName, seed: number, data: Dataset): tfl.LayersModel {
  return name === 'conv1d' ? BUILTIN_MODELS.conv1d!.build(seed, data.sampleShape, data.numClasses) : buildUnetTiny(seed, { rows: SIDE, cols: SIDE, channels: 1 }, MASK_CLASSES.length);
}

async function engine(name: EngineName, bytes: Uint8Array): Promise<Engine> {
  if (name === 'tfjs-tflite') return createTfjsTfliteEngine(bytes, { label: name });
  if (name === 'litert') return createLitertEngine(bytes, { label: name });
  return createReferenceEngine(bytes, { label: name, arithmetic: name === 'reference' ? 'tflite-reference' : 'xnnpack' });
}

function share(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : same / a.length;
}

function observedRanges(model: tfl.LayersModel): Record<string, [number, number]> {
  const ranges: Record<string, [number, number]> = {};
  for (const l of model.layers) {
    if (!(l instanceof QuantizeWrapper) || !l.hasObserver) continue;
    const { min, max } = l.outputObserver.range();
    ranges[l.name] = [min, max];
  }
  return ranges;
}

export async function runExperiment(name: ModelName, data: Dataset, o: ExperimentOptions): Promise<ExperimentResult> {
  const train: Split = data.train!;
  const test: Split = data.test!;
  const log = o.onProgress ?? (() => {});
  const perPixel = name === 'unet-tiny';
  const trainLabels = perPixel ? foregroundMasks(train, PIXELS, o.trainImages) : train.labels;
  const testLabels = perPixel ? foregroundMasks(test, PIXELS, o.testImages) : test.labels.subarray(0, o.testImages);
  const numClasses = perPixel ? MASK_CLASSES.length : data.numClasses;

  const qat = prepareQat(build(name, o.seed ?? 0, data));
  try {
    const steps = Math.ceil(o.trainImages / o.batchSize) * o.epochs;
    const schedule = (o.schedule ?? (perPixel ? unetTinyQatSchedule : () => ({})))(steps);
    const trained = await trainModel(
      qat,
      { inputs: train.inputs, labels: trainLabels, count: o.trainImages, featureSize: PIXELS, labelsPerSample: perPixel ? PIXELS : 1 },
      {
        epochs: o.epochs,
        batchSize: o.batchSize,
        lr: o.lr,
        lrSchedule: 'cosine',
        seed: o.seed ?? 0,
        numClasses,
        beforeStep: qatScheduleHook(qat, schedule),
        progressEvery: Math.max(1, Math.round(steps / 10)),
        onProgress: (p) => log(`${name}: epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(4)} (${(p.elapsedMs / 1000).toFixed(0)} s)`),
      },
    );
    const bytes = convertToTflite(qat, { description: `edgeqat: ${name} QAT on mnist` });
    const inputs = test.inputs.subarray(0, o.testImages * PIXELS);
    const fq = predictClasses(qat, inputs, o.testImages, 250);
    const fakeQuantPredictions = Uint8Array.from(fq);
    const result: ExperimentResult = {
      model: name,
      trainSteps: trained.steps,
      trainSeconds: trained.seconds,
      finalLoss: trained.finalLoss,
      activationRanges: observedRanges(qat),
      testImages: o.testImages,
      bytes,
      fakeQuant: { accuracy: share(fakeQuantPredictions, testLabels) },
      engines: {},
      referenceXnnpackIdentical: { tfjsTflite: 0, litert: 0 },
      fakeQuantPredictions,
      labels: testLabels,
      inputs,
      inputShape: (qat.inputs[0].shape as number[]).slice(1),
    };
    if (perPixel) {
      let fg = 0;
      let fgRight = 0;
      for (let i = 0; i < testLabels.length; i++) {
        if (testLabels[i] === 0) continue;
        fg++;
        if (fakeQuantPredictions[i] === testLabels[i]) fgRight++;
      }
      result.fakeQuant.foregroundAccuracy = fgRight / fg;
    }
    const raw: Partial<Record<EngineName, ArrayLike<number>>> = {};
    for (const e of ENGINES) {
      const eng = await engine(e, bytes);
      try {
        const t0 = performance.now();
        if (perPixel) {
          const r = evaluatePerPixel(eng, inputs, testLabels, o.testImages, { batch: 50 });
          result.backgroundShare = r.backgroundShare;
          result.engines[e] = { accuracy: r.pixelAccuracy, foregroundAccuracy: r.foregroundAccuracy, agreement: share(r.predictions, fakeQuantPredictions), seconds: (performance.now() - t0) / 1000 };
        } else {
          const r = evaluateClassifier(eng, inputs, testLabels, o.testImages);
          result.engines[e] = { accuracy: r.accuracy, agreement: share(r.predictions, fakeQuantPredictions), seconds: (performance.now() - t0) / 1000 };
        }
        if (e !== 'reference') raw[e] = eng.run(inputs.subarray(0, Math.min(o.testImages, 200) * PIXELS), Math.min(o.testImages, 200));
        log(`${name}: ${e} ${JSON.stringify(result.engines[e])}`);
      } finally {
        eng.dispose();
      }
    }
    result.referenceXnnpackIdentical = { tfjsTflite: share(raw['reference-xnnpack']!, raw['tfjs-tflite']!), litert: share(raw['reference-xnnpack']!, raw.litert!) };
    return result;
  } finally {
    qat.dispose();
  }
}
