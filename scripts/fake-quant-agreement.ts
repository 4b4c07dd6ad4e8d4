// A hand check for accuracy runs: the QAT model of a run folder (its last checkpoint, fake-quant
// in TF.js) predicts the run's test split, loaded as the run recorded it; prints its accuracy and,
// for each predictions file that `edgeqat eval --predictions` wrote for the exported .tflite, that
// engine's accuracy and the share of images where it predicts the same class as the simulation.
//   npx tsx scripts/fake-quant-agreement.ts <run-folder> <preds.json> [more preds.json ...]
// Prints one JSON object. Compares the first n images, n = the length of each predictions file.
import { readFileSync } from 'node:fs';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { predictClasses } from '../toolkit/engine/train.js';
import { loadRun, runLoadOptions } from '../toolkit/run-folder.js';

const [runDir, ...predFiles] = process.argv.slice(2);
if (!runDir || predFiles.length === 0) {
  process.stderr.write('usage: npx tsx scripts/fake-quant-agreement.ts <run-folder> <preds.json> [more ...]\n');
  process.exit(2);
}
await initBackend('auto');
const { model, info } = await loadRun(runDir);
const test = loadDataset(info.dataset, { split: 'test', ...runLoadOptions(info) }).test!;
const t0 = process.cpuUsage();
const fakeQuant = predictClasses(model, test.inputs, test.count, 250);
const cpu = process.cpuUsage(t0);
model.dispose();
const share = (hits: number, n: number) => Number((hits / n).toFixed(6));
let right = 0;
for (let i = 0; i < test.count; i++) if (fakeQuant[i] === test.labels[i]) right++;
const engines = predFiles.map((file) => {
  const preds = JSON.parse(readFileSync(file, 'utf8')) as number[];
  const n = Math.min(preds.length, test.count);
  let correct = 0;
  let same = 0;
  for (let i = 0; i < n; i++) {
    if (preds[i] === test.labels[i]) correct++;
    if (preds[i] === fakeQuant[i]) same++;
  }
  return { file, samples: n, accuracy: share(correct, n), sameAsFakeQuant: share(same, n), differing: n - same };
});
const out = { run: runDir, dataset: info.dataset, samples: test.count, fakeQuantAccuracy: share(right, test.count), fakeQuantCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)), engines };
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
