// Full-size figures for the two models of the convolution layers (docs/conv-layers.md): QAT from
// scratch on MNIST, int8 export, every engine on the test set against the fake-quant model. Writes
// each .tflite with its test inputs, labels and fake-quant predictions to --out, for
// bench/conv-models/check-with-tflite.py (the official TFLite interpreter, TF 2.21).
//
//   npx tsx bench/conv-models/run.ts [--out runs/conv-models] [--model conv1d|unet-tiny]
//     [--conv1d-images 60000] [--conv1d-epochs 3] [--unet-images 20000] [--unet-epochs 2]
//     [--conv1d-test 10000] [--unet-test 1000]
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { writeFileAtomic } from '../../runtime/atomic-write.js';
import { loadDataset } from '../../runtime/datasets/datasets.js';
import { initBackend } from '../../toolkit/engine/backend.js';
import { runExperiment, type ExperimentOptions, type ExperimentResult, type ModelName } from './experiment.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

const out = arg('out', 'runs/conv-models');
const only = arg('model', '');
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)} %`);

const backend = await initBackend('wasm');
const data = loadDataset('mnist');
const settings: Record<ModelName, ExperimentOptions> = {
  conv1d: { trainImages: num('conv1d-images', 60000), epochs: num('conv1d-epochs', 3), batchSize: 32, lr: 2e-3, testImages: num('conv1d-test', 10000) },
  'unet-tiny': { trainImages: num('unet-images', 20000), epochs: num('unet-epochs', 2), batchSize: 32, lr: 2e-3, testImages: num('unet-test', 1000) },
};
mkdirSync(out, { recursive: true });
const manifest: object[] = [];
for (const name of (['conv1d', 'unet-tiny'] as const).filter((n) => !only || n === only)) {
  const o = settings[name];
  const cpu0 = process.cpuUsage();
  const r: ExperimentResult = await runExperiment(name, data, { ...o, onProgress: (l) => console.error(l) });
  const cpu = process.cpuUsage(cpu0);
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  const file = (suffix: string) => `${name}.${suffix}`;
  writeFileAtomic(join(out, file('tflite')), r.bytes);
  writeFileAtomic(join(out, file('inputs.bin')), bytesOf(r.inputs));
  writeFileAtomic(join(out, file('labels.bin')), r.labels);
  writeFileAtomic(join(out, file('fake-quant.bin')), r.fakeQuantPredictions);
  manifest.push({ name, samples: r.testImages, inputShape: r.inputShape, tflite: file('tflite'), inputs: file('inputs.bin'), labels: file('labels.bin'), fakeQuantPredictions: file('fake-quant.bin') });
  console.log(`\n${name}: ${o.trainImages} training images x ${o.epochs} epochs, batch ${o.batchSize} (${r.trainSteps} steps, ${r.trainSeconds.toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU, ${backend}, load average at the end ${load}), final loss ${r.finalLoss.toFixed(4)}; ${r.bytes.length} bytes int8`);
  console.log(`  test images: ${r.testImages}${r.backgroundShare !== undefined ? `; all-background baseline ${pct(r.backgroundShare)} of pixels` : ''}`);
  console.log(`  fake-quant (TF.js):  accuracy ${pct(r.fakeQuant.accuracy)}${r.fakeQuant.foregroundAccuracy !== undefined ? `, foreground ${pct(r.fakeQuant.foregroundAccuracy)}` : ''}`);
  for (const [e, f] of Object.entries(r.engines)) {
    console.log(`  ${e.padEnd(18)}  accuracy ${pct(f.accuracy)}${f.foregroundAccuracy !== undefined ? `, foreground ${pct(f.foregroundAccuracy)}` : ''}, same prediction as fake-quant ${pct(f.agreement)} (${f.seconds.toFixed(1)} s)`);
  }
  console.log(`  observed output ranges (max): ${Object.entries(r.activationRanges).map(([n, [, hi]]) => `${n.replace(/^quant_/, '')} ${hi.toFixed(2)}`).join(', ')}`);
  console.log(`  reference-xnnpack equals tfjs-tflite on ${pct(r.referenceXnnpackIdentical.tfjsTflite)}, LiteRT.js on ${pct(r.referenceXnnpackIdentical.litert)} of the output values (first 200 images)`);
}
writeFileAtomic(join(out, 'manifest.json'), new TextEncoder().encode(JSON.stringify({ models: manifest }, null, 1)));
console.log(`\nwrote ${out}/ (check with: python3 bench/conv-models/check-with-tflite.py ${out})`);
