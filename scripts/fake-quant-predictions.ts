// The fake-quant (QAT, TF.js) model of a run folder's latest checkpoint on the run's test split:
// writes the predicted class of every test sample as a JSON array, in the order
// `edgeqat eval <model.tflite> --predictions <file>` writes its own, and prints the accuracy and,
// given that file, the share of samples where both predict the same class (the done-when
// "fake-quant vs TFLite agreement" of a run made by `edgeqat train`, which keeps no predictions).
// --dataset <spec> evaluates on another data set's test split than the run's (as eval --dataset).
//   npx tsx scripts/fake-quant-predictions.ts <run> <out.json> [<eval-predictions.json>] [--dataset <spec>]
import { readFileSync, writeFileSync } from 'node:fs';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { countMatches } from '../runtime/accuracy.js';
import { predictClasses } from '../toolkit/engine/train.js';
import { loadRun, runLoadOptions } from '../toolkit/run-folder.js';

const args = process.argv.slice(2);
const at = args.indexOf('--dataset');
const datasetOverride = at >= 0 ? args.splice(at, 2)[1] : undefined;
const [runDir, out, evalPredictions] = args;
if (!runDir || !out) throw new Error('usage: npx tsx scripts/fake-quant-predictions.ts <run> <out.json> [<eval-predictions.json>] [--dataset <spec>]');
await initBackend('auto');
const { model, info } = await loadRun(runDir);
const dataset = datasetOverride ?? info.dataset;
const test = loadDataset(dataset, { split: 'test', ...runLoadOptions(info) }).test!;
const predictions = predictClasses(model, test.inputs, test.count);
model.dispose();
writeFileSync(out, JSON.stringify(Array.from(predictions)));
console.log(`fake-quant accuracy ${(countMatches(predictions, test.labels, test.count) / test.count).toFixed(4)} on ${test.count} test samples of ${dataset}`);
if (evalPredictions) {
  const theirs = JSON.parse(readFileSync(evalPredictions, 'utf8')) as number[];
  const n = Math.min(theirs.length, test.count);
  const same = countMatches(predictions, theirs, n);
  console.log(`same class as ${evalPredictions}: ${same} of ${n} (${((same / n) * 100).toFixed(2)}%)`);
}
