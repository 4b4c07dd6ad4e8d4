// The bring-your-own-model figures of docs/bring-your-own-model.md: each Keras fixture model
// (test/fixtures/keras/) in each format, QAT fine-tuned for one MNIST epoch, exported to int8 and
// evaluated on the 10,000 test images with the TFLite interpreter (tfjs-tflite); the fake-quant
// model's labels are compared with the int8 model's. Writes runs/byom/<file>/ and
// runs/byom/figures.json (then test/fixtures/keras/check-int8-with-tflite.py checks the same
// .tflite files with the official TFLite interpreter).
//   npx tsx bench/byom-qat.ts [--limit n] [file ...]      (default: every fixture model file)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../runtime/atomic-write.js';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { runEval } from '../toolkit/cli/commands/eval.js';
import { runExport } from '../toolkit/cli/commands/export.js';
import { runTrain } from '../toolkit/cli/commands/train.js';

const FIXTURES = 'test/fixtures/keras';
const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : undefined;
const files = args.length ? args : ['mlp', 'cnn-bn', 'residual', 'dsconv'].flatMap((m) => [`${m}.keras`, `${m}.h5`, `${m}.tflite`]);
const kerasFigures = JSON.parse(readFileSync(join(FIXTURES, 'keras-fixtures.json'), 'utf8')) as { models: Record<string, { accuracy: number }> };
const test = loadDataset('mnist', { split: 'test', normalization: { mean: [0], std: [1] } }).test!;
const figures: Record<string, unknown>[] = [];

for (const file of files) {
  const out = join('runs', 'byom', file);
  const t = await runTrain({ model: join(FIXTURES, file), inputScale: '1/255', dataset: 'mnist', epochs: 1, batchSize: 128, lr: 2e-4, lrSchedule: 'cosine', seed: 0, out, backend: 'wasm', limit, quiet: true });
  const tflite = join(out, 'model.tflite');
  await runExport(out, { out: tflite, quiet: true });
  const predictions = join(out, 'int8-predictions.json');
  const ev = await runEval(tflite, { engine: 'tfjs-tflite', predictions, quiet: true });
  const int8 = JSON.parse(readFileSync(predictions, 'utf8')) as number[];
  let agree = 0;
  for (let i = 0; i < test.count; i++) if (t.qatPredictions[i] === int8[i]) agree++;
  const floatAccuracy = kerasFigures.models[file.split('.')[0]!]!.accuracy;
  const row = {
    file,
    steps: t.steps,
    trainSeconds: Number(t.trainSeconds.toFixed(1)),
    kerasFloat: floatAccuracy,
    fakeQuant: t.qatAccuracy,
    int8: ev.accuracy,
    int8MinusFloatPoints: Number(((ev.accuracy - floatAccuracy) * 100).toFixed(2)),
    fakeQuantVsInt8Agreement: agree / test.count,
  };
  figures.push(row);
  console.log(JSON.stringify(row));
  t.model.dispose();
  writeJsonAtomic(join('runs', 'byom', 'figures.json'), figures);
}
