// Bring your own model through QAT: the Keras CNN with batch norm (test/fixtures/keras/cnn-bn.*),
// imported from its .keras file and from TensorFlow's float .tflite conversion, fine-tuned with QAT
// for 100 steps, exported to int8 and run on the TFLite interpreter. The stated preprocessing
// (--input-scale 1/255) is recorded in run.json and the .tflite; the int8 model agrees with the
// fake-quant model on >= 99.5% of the 10,000 test images and keeps Keras's float accuracy; the two
// routes end within half a point of each other. (The one-epoch figures: bench/byom-qat.ts.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfliteFile } from '../runtime/model-reader.js';
import { runEval } from '../toolkit/cli/commands/eval.js';
import { runExport } from '../toolkit/cli/commands/export.js';
import { runTrain } from '../toolkit/cli/commands/train.js';
import { initBackend } from '../toolkit/engine/backend.js';

const FIXTURES = 'test/fixtures/keras';
const KERAS_FLOAT_ACCURACY = (JSON.parse(readFileSync(`${FIXTURES}/keras-fixtures.json`, 'utf8')) as { models: Record<string, { accuracy: number }> }).models['cnn-bn']!.accuracy;
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-byom-'));
const accuracy: Record<string, number> = {};

describe('a Keras model through QAT to int8', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(['cnn-bn.keras', 'cnn-bn.tflite'])('%s: 100 QAT steps, int8 export agrees with fake-quant on >= 99.5%% of 10,000 images', async (file) => {
    const out = join(tmp, file);
    const t = await runTrain({ model: join(FIXTURES, file), inputScale: '1/255', dataset: 'mnist', epochs: 1, batchSize: 32, limit: 3200, lr: 1e-4, lrSchedule: 'cosine', seed: 0, out, backend: 'wasm', quiet: true });
    expect(t.steps).toBe(100);
    expect(t.info.normalization).toEqual({ mean: [0], std: [1] });
    const tflite = join(out, 'model.tflite');
    await runExport(out, { out: tflite, quiet: true });
    const metadata = readTfliteFile(tflite).metadata.find((m) => m.name === 'edgeqat_preprocessing');
    expect(JSON.parse(metadata!.text!)).toMatchObject({ dataset: 'mnist', mean: [0], std: [1] });
    const ev = await runEval(tflite, { engine: 'tfjs-tflite', quiet: true });
    let agree = 0;
    for (let i = 0; i < ev.samples; i++) if (ev.predictions[i] === t.qatPredictions[i]) agree++;
    expect(ev.samples).toBe(10000);
    expect(agree / ev.samples).toBeGreaterThanOrEqual(0.995);
    expect(ev.accuracy).toBeGreaterThanOrEqual(KERAS_FLOAT_ACCURACY - 0.005);
    accuracy[file] = ev.accuracy;
    t.model.dispose();
  });

  it('the float .tflite route ends within half a point of the .keras route', () => {
    expect(Math.abs(accuracy['cnn-bn.keras']! - accuracy['cnn-bn.tflite']!)).toBeLessThanOrEqual(0.005);
  });
});
