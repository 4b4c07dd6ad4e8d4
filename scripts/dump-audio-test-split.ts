// Writes the test split an audio model is evaluated on, for checks outside edgeqat (e.g.
// scripts/check-kws-tflite.py with the official TFLite interpreter): the clips as edgeqat loaded
// them (float32, mono, 16 kHz, padded/cut), the features edgeqat's front end made, the labels.
//   npx tsx scripts/dump-audio-test-split.ts <model.tflite> <out-dir> [--dataset <spec>]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { readPreprocessing } from '../runtime/model-metadata.js';
import { readTfliteFile } from '../runtime/model-reader.js';

const [modelPath, out, flag, spec] = process.argv.slice(2);
if (!modelPath || !out) throw new Error('usage: npx tsx scripts/dump-audio-test-split.ts <model.tflite> <out-dir> [--dataset <spec>]');
const recorded = readPreprocessing(readTfliteFile(modelPath), modelPath);
if (!recorded?.audio) throw new Error(`${modelPath}: not an audio model`);
const dataset = flag === '--dataset' && spec ? spec : recorded.dataset;
const test = loadDataset(dataset, { split: 'test', audioFrontEnd: recorded.audio }).test!;
mkdirSync(out, { recursive: true });
const bytes = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
writeFileSync(join(out, 'clips.f32'), bytes(test.clips!));
writeFileSync(join(out, 'features.f32'), bytes(test.inputs));
writeFileSync(join(out, 'labels.u8'), bytes(test.labels));
writeFileSync(join(out, 'meta.json'), JSON.stringify({ dataset, count: test.count, frontEnd: recorded.audio, classNames: recorded.classNames, sources: test.sources }, null, 2));
console.log(`wrote ${test.count} test samples of ${dataset} to ${out}`);
