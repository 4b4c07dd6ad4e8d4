// Accuracy recorded while training (metrics.json's accuracy/epochAccuracy for `edgeqat report`):
// about 12 evaluations per epoch on whole progress windows, epoch ends on the whole test set, and
// a resumed run keeps only the points up to its checkpoint.
import { beforeAll, describe, expect, it } from 'vitest';
import { AccuracyRecorder, WINDOW_SAMPLES } from '../toolkit/accuracy-history.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { builtinModel } from '../toolkit/models/index.js';

const test = { inputs: new Float32Array(2000 * 784).map((_, i) => (i % 7) / 7), labels: new Uint8Array(2000).map((_, i) => i % 10), count: 2000 };

describe('AccuracyRecorder', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('evaluates about 12 times per epoch, on progress windows, and at epoch ends', () => {
    const model = builtinModel('mlp').build(0, [28, 28, 1], 10);
    const r = new AccuracyRecorder(model, test);
    const stepsPerEpoch = 6000;
    for (let epoch = 1; epoch <= 2; epoch++) {
      for (let step = 100; step <= stepsPerEpoch; step += 100) r.onProgress({ epoch, step, stepsPerEpoch }, 2);
    }
    r.epochEnd(12000, 2, 0.5);
    const h = r.fields();
    expect(h.accuracySamples).toBe(WINDOW_SAMPLES);
    expect(h.accuracy.map((p) => p.step)).toEqual([...Array.from({ length: 12 }, (_, i) => (i + 1) * 500), ...Array.from({ length: 12 }, (_, i) => 6000 + (i + 1) * 500)]);
    for (const p of h.accuracy) expect(p.accuracy).toBeGreaterThanOrEqual(0);
    // Epoch 1 end on the whole test set; the last epoch's is the run's final accuracy, given.
    expect(h.epochAccuracy.map((p) => [p.step, p.epoch])).toEqual([[6000, 1], [12000, 2]]);
    expect(h.epochAccuracy[1].accuracy).toBe(0.5);
    model.dispose();
  });

  it('a short epoch is evaluated at every window; a resumed run drops points after its checkpoint', () => {
    const model = builtinModel('mlp').build(0, [28, 28, 1], 10);
    const prior = { accuracy: [100, 200, 300].map((step) => ({ step, epoch: 1, accuracy: 0.1 })), epochAccuracy: [] };
    const r = new AccuracyRecorder(model, test, prior, 200);
    r.onProgress({ epoch: 1, step: 250, stepsPerEpoch: 250 }, 1);
    expect(r.fields().accuracy.map((p) => p.step)).toEqual([100, 200, 250]);
    model.dispose();
  });
});
