// One benchmark measurement in its own process (clean backend state and a per-config peak RSS):
// trains `model` on `images` MNIST images with QAT or float, prints one JSON line.
//   tsx bench/train-one.ts <model> <backend> <batch> <qat|float> <images> [no-simd]
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { builtinModel } from '../toolkit/models/index.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { trainModel } from '../toolkit/engine/train.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { setSimdEnabled } from '../toolkit/qat/kernels/fake-quant-math.js';

const [modelName, backendName, batchArg, mode, imagesArg, simdArg] = process.argv.slice(2);
setSimdEnabled(simdArg !== 'no-simd'); // the JS loops, to measure what the SIMD kernels save
const batchSize = Number(batchArg);
const images = Number(imagesArg);
const backend = await initBackend(backendName);
const data = loadDataset('mnist', { split: 'train' });
const train = data.train!;
const float = builtinModel(modelName).build(0, [28, 28, 1], 10);
const model = mode === 'qat' ? prepareQat(float) : float;
const opts = { epochs: 1, batchSize, lr: 1e-3, seed: 0, numClasses: 10 };
// Warm-up (kernel compilation, first allocations), then the measured run.
const warmupSteps = backend === 'cpu' ? 2 : 20; // the cpu backend needs no kernel compilation, and is slow
await trainModel(model, { inputs: train.inputs, labels: train.labels, count: Math.min(images, batchSize * warmupSteps), featureSize: 784 }, opts);
const r = await trainModel(model, { inputs: train.inputs, labels: train.labels, count: images, featureSize: 784 }, opts);
let exportMs: number | null = null;
if (mode === 'qat') {
  const t0 = performance.now();
  convertToTflite(model);
  exportMs = performance.now() - t0;
}
console.log(
  JSON.stringify({
    model: modelName,
    backend,
    batch: batchSize,
    mode,
    images,
    seconds: r.seconds,
    images_per_s: images / r.seconds,
    epoch_s: (60000 * r.seconds) / images,
    export_ms: exportMs,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
