// Learning-rate schedules: cosine decays from the base rate to zero over the run's steps, the
// training loop applies it at every step (recorded in the loss history), and constant stays put.
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { learningRateAt } from '../toolkit/engine/optim/lr-schedule.js';
import { JsAdam } from '../toolkit/engine/optim/adam.js';
import { trainModel } from '../toolkit/engine/train.js';

describe('learningRateAt', () => {
  it('cosine starts at the base rate, halves at mid-run, ends at zero and never rises', () => {
    expect(learningRateAt('cosine', 1e-3, 0, 1000)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt('cosine', 1e-3, 500, 1000)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt('cosine', 1e-3, 1000, 1000)).toBeCloseTo(0, 12);
    let prev = Infinity;
    for (let s = 0; s <= 1000; s += 7) {
      const lr = learningRateAt('cosine', 1e-3, s, 1000);
      expect(lr).toBeLessThanOrEqual(prev);
      prev = lr;
    }
  });

  it('constant is the base rate at every step', () => {
    for (const s of [0, 1, 999, 5000]) expect(learningRateAt('constant', 3e-4, s, 1000)).toBe(3e-4);
  });
});

describe('trainModel with a schedule', () => {
  it('sets the optimizer rate at each step: the recorded rates follow the cosine curve', async () => {
    await initBackend('wasm');
    const data = loadDataset('mnist', { split: 'train' }).train!;
    const model = buildMlp(0, 784, 10);
    const optimizer = new JsAdam({ learningRate: 1e-3 });
    const r = await trainModel(
      model,
      { inputs: data.inputs, labels: data.labels, count: 2000, featureSize: 784 },
      { epochs: 2, batchSize: 20, lr: 1e-3, lrSchedule: 'cosine', seed: 0, numClasses: 10, optimizer, progressEvery: 25 },
    );
    const total = 2 * 100;
    expect(r.history.length).toBe(8);
    for (const p of r.history) expect(p.lr).toBeCloseTo(learningRateAt('cosine', 1e-3, p.step - 1, total), 12);
    expect(r.history.at(-1)!.lr).toBeLessThan(1e-6);
    model.dispose();
  });
});
