// The training loop: seeded shuffling, mini-batches copied from one typed array (no per-batch
// tensor slicing of the whole data set), Adam, softmax cross-entropy, running loss for progress.
// Resumable: its position (epoch, step) plus the model and optimizer weights are the whole state,
// and the data order of epoch e is a pure function of (seed, e). It yields to the event loop every
// few steps so that SIGINT/SIGTERM handlers can ask it to stop at a step boundary. Dropout
// layers draw a fresh mask every step, seeded by (seed, step, layer): see reseedDropout.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy-kernel.js';
import { JsAdam } from './optim/adam.js';
import { learningRateAt, type LrSchedule } from './optim/lr-schedule.js';
import { mixSeed, mulberry32, permutation } from './seeded-random.js';

export interface TrainData {
  /** count x featureSize values (may be longer: only the first `count` samples are used). */
  inputs: Float32Array;
  labels: Uint8Array;
  count: number;
  featureSize: number;
  /**
   * Writes the model inputs of samples `indices` into `out` (indices.length × featureSize) instead
   * of copying them from `inputs`: seeded training augmentation (noise, shifts, crops, flips). It
   * must be a pure function of (indices, epoch, step) so that --resume repeats it exactly.
   */
  fillBatch?: (indices: Uint32Array, out: Float32Array, at: { epoch: number; step: number }) => void;
  /**
   * Labels per sample (default 1). With more, `labels` holds count × labelsPerSample classes and the
   * model's output is read as labelsPerSample rows of numClasses logits per sample (per-pixel
   * classes of a segmentation model: [H, W, classes] outputs, H·W labels); the loss is the mean
   * over all rows.
   */
  labelsPerSample?: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** How the learning rate moves over the run's steps (constant when not given). */
  lrSchedule?: LrSchedule;
  seed: number;
  numClasses: number;
  /** Called every `progressEvery` steps and at the end of each epoch. */
  onProgress?: (p: TrainProgress) => void;
  progressEvery?: number;
  /** Optimizer to use (e.g. one restored from a checkpoint); a new JsAdam(lr) otherwise. */
  optimizer?: JsAdam;
  /** Where to continue from (a checkpoint's state); the start otherwise. */
  resume?: TrainPosition;
  /** Called after every `checkpointEvery` steps and at the end of every epoch. */
  onCheckpoint?: (position: TrainPosition, history: LossPoint[]) => Promise<void> | void;
  checkpointEvery?: number;
  /** Checked after every step; when it returns true the loop stops (after a checkpoint). */
  shouldStop?: () => boolean;
  /** Called before every step with the global step index (e.g. freeze schedules). */
  beforeStep?: (step: number) => void;
  /**
   * Label smoothing ε (Szegedy et al., "Rethinking the Inception architecture", 2016; Keras's
   * CategoricalCrossentropy(label_smoothing)): targets (1 − ε)·one-hot + ε/classes. 0: off.
   */
  labelSmoothing?: number;
  /**
   * Knowledge distillation (Hinton, Vinyals and Dean, "Distilling the knowledge in a neural
   * network", 2015, at temperature 1): the targets become (1 − weight)·labels + weight·the
   * teacher's class probabilities for the same batch, augmented as the student sees it.
   * Classifiers only (one label per sample).
   */
  teacher?: { probabilities: (x: tf.Tensor) => tf.Tensor; weight: number };
}

/** Position in training: `epoch` (0-based) and `stepInEpoch` steps of it done, `step` in total. */
export interface TrainPosition {
  epoch: number;
  stepInEpoch: number;
  step: number;
}

export interface LossPoint {
  step: number;
  epoch: number;
  loss: number;
  /** Learning rate at this step. */
  lr?: number;
}

export interface TrainProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean loss over the steps since the previous report. */
  loss: number;
  elapsedMs: number;
}

export interface TrainResult {
  steps: number;
  seconds: number;
  /** Mean loss over the last progress window (single-batch losses are noisy). */
  finalLoss: number;
  history: LossPoint[];
  /** Where the loop stopped; equals the end unless `interrupted`. */
  position: TrainPosition;
  interrupted: boolean;
}

/**
 * Yields to the event loop (signal handlers run then) every this many steps, or sooner once this
 * many ms have passed: large models' steps take seconds on a loaded machine, and a loop that holds
 * the event loop for a minute starves timers (vitest's worker RPC times out after 60 s).
 */
const YIELD_EVERY = 50;
const YIELD_AFTER_MS = 500;

export async function trainModel(model: tfl.LayersModel, data: TrainData, opts: TrainOptions, history: LossPoint[] = []): Promise<TrainResult> {
  const { featureSize } = data;
  const { batchSize, numClasses } = opts;
  const rowsPerSample = data.labelsPerSample ?? 1;
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const totalSteps = stepsPerEpoch * opts.epochs;
  const schedule = opts.lrSchedule ?? 'constant';
  const every = opts.progressEvery ?? 100;
  const optimizer = opts.optimizer ?? new JsAdam({ learningRate: opts.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xBuf = new Float32Array(batchSize * featureSize);
  const yBuf = new Float32Array(batchSize * rowsPerSample * numClasses);
  const smoothing = opts.labelSmoothing ?? 0;
  const [offTarget, onTarget] = [smoothing / numClasses, 1 - smoothing + smoothing / numClasses];
  const teacher = opts.teacher;
  if (teacher && rowsPerSample !== 1) throw new EdgeqatError('E_OPTION', '--teacher applies to classifiers (one label per sample), not per-pixel models');
  const start = performance.now();
  const pos: TrainPosition = { ...(opts.resume ?? { epoch: 0, stepInEpoch: 0, step: 0 }) };
  let windowLoss = 0;
  let windowSteps = 0;
  let lastLoss = NaN;
  let interrupted = false;
  let lastYield = performance.now();

  epochs: for (; pos.epoch < opts.epochs; pos.epoch++, pos.stepInEpoch = 0) {
    const order = epochOrder(data.count, opts.seed, pos.epoch);
    for (; pos.stepInEpoch < stepsPerEpoch; ) {
      opts.beforeStep?.(pos.step);
      reseedDropout(model, opts.seed, pos.step);
      optimizer.learningRate = learningRateAt(schedule, opts.lr, pos.step, totalSteps);
      const s = pos.stepInEpoch;
      const n = Math.min(batchSize, data.count - s * batchSize);
      yBuf.fill(offTarget);
      const indices = order.subarray(s * batchSize, s * batchSize + n);
      if (data.fillBatch) data.fillBatch(indices, xBuf.subarray(0, n * featureSize), { epoch: pos.epoch, step: pos.step });
      for (let i = 0; i < n; i++) {
        const k = indices[i];
        if (!data.fillBatch) xBuf.set(data.inputs.subarray(k * featureSize, (k + 1) * featureSize), i * featureSize);
        for (let j = 0; j < rowsPerSample; j++) yBuf[(i * rowsPerSample + j) * numClasses + data.labels[k * rowsPerSample + j]] = onTarget;
      }
      const loss: tf.Scalar = tf.tidy(() => {
        const x = tf.tensor(xBuf.subarray(0, n * featureSize), [n, ...inputShape]);
        const rows = n * rowsPerSample;
        const labels = tf.tensor2d(yBuf.subarray(0, rows * numClasses), [rows, numClasses]);
        const y = teacher ? tf.add(tf.mul(labels, 1 - teacher.weight), tf.mul(teacher.probabilities(x), teacher.weight)) : labels;
        const logits = (out: tf.Tensor) => (rowsPerSample === 1 ? out : tf.reshape(out, [rows, numClasses]));
        return optimizer.minimize(() => softmaxCrossEntropy(y, logits(model.apply(x, { training: true }) as tf.Tensor)), true, varList) as tf.Scalar;
      });
      lastLoss = loss.dataSync()[0];
      loss.dispose();
      if (!Number.isFinite(lastLoss)) {
        throw new EdgeqatError('E_DIVERGED', `training diverged: loss is ${lastLoss} at step ${pos.step + 1} (epoch ${pos.epoch + 1}); try a lower --lr`);
      }
      pos.step++;
      pos.stepInEpoch++;
      windowLoss += lastLoss;
      windowSteps++;
      const epochEnd = pos.stepInEpoch === stepsPerEpoch;
      if (pos.step % every === 0 || epochEnd) {
        const mean = windowLoss / windowSteps;
        history.push({ step: pos.step, epoch: pos.epoch + 1, loss: mean, lr: optimizer.learningRate });
        opts.onProgress?.({ epoch: pos.epoch + 1, step: pos.stepInEpoch, stepsPerEpoch, loss: mean, elapsedMs: performance.now() - start });
        windowLoss = 0;
        windowSteps = 0;
      }
      if (pos.step % YIELD_EVERY === 0 || epochEnd || performance.now() - lastYield > YIELD_AFTER_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      interrupted = opts.shouldStop?.() ?? false;
      const due = epochEnd || interrupted || (opts.checkpointEvery !== undefined && pos.step % opts.checkpointEvery === 0);
      if (due && opts.onCheckpoint) await opts.onCheckpoint(normalized(pos, stepsPerEpoch), history);
      if (interrupted) break epochs;
    }
  }
  if (!opts.optimizer) optimizer.dispose();
  const position = normalized(pos, stepsPerEpoch);
  interrupted &&= position.epoch < opts.epochs;
  return { steps: pos.step, seconds: (performance.now() - start) / 1000, finalLoss: history.at(-1)?.loss ?? lastLoss, history, position, interrupted };
}

/**
 * Gives every Dropout layer of the model the seed of this step. TF.js's Dropout passes its fixed
 * `seed` to tf.dropout, which starts a new generator from it at every call: the same mask at every
 * step (no regularisation); without a seed it draws from Math.random (not reproducible, so
 * --resume would not repeat the run). A seed that is a function of (run seed, step, layer index)
 * gives a new mask each step that a resumed run draws again.
 */
export function reseedDropout(model: tfl.LayersModel, seed: number, step: number): void {
  let index = 0;
  for (const layer of dropoutLayers(model.layers)) {
    // The field tf.dropout reads at call time (tfjs-layers layers/core.ts Dropout.call).
    (layer as unknown as { seed?: number }).seed = mixSeed(seed ^ 0x5bd1e995, step + 1, ++index);
  }
}

/** Turns every Dropout layer off (rate 0: the layer passes its input on, in training too). */
export function dropoutOff(model: tfl.LayersModel): void {
  for (const layer of dropoutLayers(model.layers)) (layer as unknown as { rate: number }).rate = 0; // read by Dropout.call and getConfig
}

/** The Dropout layers of `layers`, those of a model used as a layer included, in model order. */
function* dropoutLayers(layers: tfl.layers.Layer[]): Generator<tfl.layers.Layer> {
  for (const layer of layers) {
    const nested = (layer as unknown as { layers?: tfl.layers.Layer[] }).layers;
    if (nested) yield* dropoutLayers(nested);
    if (layer.getClassName() === 'Dropout') yield layer;
  }
}

/** A finished epoch is stored as the start of the next one. */
function normalized(pos: TrainPosition, stepsPerEpoch: number): TrainPosition {
  return pos.stepInEpoch >= stepsPerEpoch ? { epoch: pos.epoch + 1, stepInEpoch: 0, step: pos.step } : { ...pos };
}

/** Data order of one epoch: depends only on the seed and the epoch, so a resumed run sees the same. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  return permutation(count, mulberry32((seed * 1000003 + epoch * 7919) >>> 0));
}

/**
 * Predicted classes of a (fake-quant or float) model in inference mode, in data order: one per
 * sample for a classifier, one per output row for a per-pixel model ([H, W, classes] outputs give
 * count × H·W classes).
 */
export function predictClasses(model: tfl.LayersModel, images: Float32Array, count: number, batch = 1000): Int32Array {
  const featureSize = images.length / count;
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  let out: Int32Array | null = null;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const pred = tf.tidy(() => {
      const x = tf.tensor(images.subarray(start * featureSize, (start + n) * featureSize), [n, ...inputShape]);
      return tf.argMax(model.apply(x, { training: false }) as tf.Tensor, -1);
    });
    const values = pred.dataSync() as Int32Array;
    const perSample = values.length / n;
    out ??= new Int32Array(count * perSample);
    out.set(values, start * perSample);
    pred.dispose();
  }
  return out ?? new Int32Array(0);
}
