// One benchmark measurement in its own process (clean backend state and a per-config peak RSS):
// trains `model` on `images` training images with QAT or float, prints one JSON line. MNIST for
// the models with MNIST-sized input; seeded random inputs of the model's input shape otherwise
// (ResNet-8's 32x32x3, the KWS DS-CNN's 49x10: the time does not depend on the values). Reports
// wall seconds and the process's CPU seconds (comparable on a loaded machine).
//   tsx bench/train-one.ts <model> <backend> <batch> <qat|float> <images> [no-simd]
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { wasmThreadsFromEnv } from '../toolkit/engine/wasm-threads.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { trainModel, type TrainData } from '../toolkit/engine/train.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { setSimdEnabled } from '../toolkit/qat/kernels/fake-quant-math.js';
import { benchInput, buildBenchModel } from './profile-step.js';

const [modelName, backendName, batchArg, mode, imagesArg, simdArg] = process.argv.slice(2);
setSimdEnabled(simdArg !== 'no-simd'); // the JS loops, to measure what the SIMD kernels save
const batchSize = Number(batchArg);
const images = Number(imagesArg);
const backend = await initBackend(backendName);
const { rows, cols, channels, classes } = benchInput(modelName);
const featureSize = rows * cols * channels;

function trainData(): TrainData {
  if (featureSize === 784) {
    const train = loadDataset('mnist', { split: 'train' }).train!;
    return { inputs: train.inputs, labels: train.labels, count: images, featureSize };
  }
  const random = mulberry32(3);
  return {
    inputs: Float32Array.from({ length: images * featureSize }, () => random()),
    labels: Uint8Array.from({ length: images }, () => Math.floor(random() * classes)),
    count: images,
    featureSize,
  };
}

const data = trainData();
// An epoch: MNIST's 60,000 training images, CIFAR-10's 50,000 for the 32×32×3 ResNet-8.
const epochImages = modelName === 'resnet8' ? 50000 : 60000;
const float = buildBenchModel(modelName);
const model = mode === 'qat' ? prepareQat(float) : float;
const opts = { epochs: 1, batchSize, lr: 1e-3, seed: 0, numClasses: classes };
// Warm-up (kernel compilation, first allocations), then the measured run.
const warmupSteps = backend === 'cpu' ? 2 : 20; // the cpu backend needs no kernel compilation, and is slow
await trainModel(model, { ...data, count: Math.min(images, batchSize * warmupSteps) }, opts);
const cpu0 = process.cpuUsage();
const r = await trainModel(model, data, opts);
const cpu = process.cpuUsage(cpu0);
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
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    images_per_s: images / r.seconds,
    epoch_s: (epochImages * r.seconds) / images,
    epoch_cpu_s: (epochImages * (cpu.user + cpu.system)) / 1e6 / images,
    threads: backend === 'wasm' ? wasmThreadsFromEnv() || 1 : 1, // EDGEQAT_WASM_THREADS: docs/training-speed.md "Threads"
    export_ms: exportMs,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
