// One benchmark measurement in its own process (clean backend state and a per-config peak RSS):
// trains `model` on `images` MNIST images with QAT or float, prints one JSON line. resnet8 trains
// at its reference input, 32×32×3 (MNIST padded by 2 pixels, gray in all three channels; the
// values do not change the speed), and its epoch is CIFAR-10's 50,000 training images.
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
const colour = modelName === 'resnet8';
const shape = colour ? [32, 32, 3] : [28, 28, 1];
const featureSize = shape[0]! * shape[1]! * shape[2]!;
const epochImages = colour ? 50000 : 60000;
const train = colour ? { ...data.train!, inputs: padToColour(data.train!.inputs, images) } : data.train!;
const float = builtinModel(modelName).build(0, shape, 10);
const model = mode === 'qat' ? prepareQat(float) : float;
const opts = { epochs: 1, batchSize, lr: 1e-3, seed: 0, numClasses: 10 };
// Warm-up (kernel compilation, first allocations), then the measured run.
const warmupSteps = backend === 'cpu' ? 2 : 20; // the cpu backend needs no kernel compilation, and is slow
await trainModel(model, { inputs: train.inputs, labels: train.labels, count: Math.min(images, batchSize * warmupSteps), featureSize }, opts);
const r = await trainModel(model, { inputs: train.inputs, labels: train.labels, count: images, featureSize }, opts);
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
    epoch_s: (epochImages * r.seconds) / images,
    export_ms: exportMs,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);

/** The first `n` 28×28 inputs as 32×32×3: padded with the background value, repeated per channel. */
function padToColour(inputs: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 32 * 32 * 3).fill(inputs[0]!);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = inputs[i * 784 + y * 28 + x]!;
        for (let c = 0; c < 3; c++) out[((i * 32 + y + 2) * 32 + x + 2) * 3 + c] = v;
      }
    }
  }
  return out;
}
