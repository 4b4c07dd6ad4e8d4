// Whole cnn QAT training steps (batch 32, real MNIST batches) with the wasm backend's
// Conv2DBackpropFilter on one thread (the engine's own SIMD kernel) against the same kernel with its
// filter rows split between the main thread and one worker over a shared WebAssembly.Memory (the
// `own` probe of bench/threads-probe.ts, swapped in by this script only; edgeqat does not ship it).
// First checks that both give the same losses and weights bit for bit, then times them in
// alternating rounds: wall, process CPU and main-thread CPU per step. Findings: docs/benchmarks.md
// ("Threads").
//
//   npx tsx bench/threads-step.ts [--steps 40] [--rounds 2]
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { BATCH, cnnQatSteps } from './cnn-qat-steps.js';
import { backpropConvInfo, validOutRange, type BackpropAttrs } from '../toolkit/engine/kernels/wasm-backprop/conv-geometry.js';
import { heapModule, heapOffset, heapViews, withScratch } from '../toolkit/engine/kernels/wasm-backprop/heap-module.js';
import { convFilterGradWasm } from '../toolkit/engine/kernels/simd/generated/conv-filter-grad-wasm.js';
import { FILTER_GRAD_WORKER, filterGradModules, threadCpuMs } from './threads-probe.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '40' }, rounds: { type: 'string', default: '2' } } });
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const MAX_PAGES = 4096; // 256 MB of shared memory at most

interface Kernel {
  conv_filter_grad(...args: number[]): void;
}

await initBackend('wasm');
const oneThread = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!;

const { sharedModule } = await filterGradModules(1, MAX_PAGES);
const memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
const control = new Int32Array(new SharedArrayBuffer(32 * 4));
const worker = new Worker(FILTER_GRAD_WORKER, { eval: true, workerData: { module: sharedModule, memory, control } });
let seq = 0;

const twoThreadsFunc: tf.KernelFunc = (args) => {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropAttrs & { filterShape: [number, number, number, number] };
  const backend = args.backend as BackendWasm;
  const info = backpropConvInfo(tf.Conv2DBackpropFilter, x.shape, attrs.filterShape, attrs, false, dy, [x, dy]);
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const { top: padT, left: padL } = info.padInfo;
  const kernel = heapModule<Kernel>(backend, convFilterGradWasm);
  if (!kernel || co % 8 !== 0 || fH < 2 || outHeight * outWidth === 0) return oneThread.kernelFunc(args);
  const nx = batchSize * inHeight * inWidth * ci;
  const ndy = batchSize * outHeight * outWidth * co;
  const rowFloats = fW * ci * co; // dW floats per filter row
  const split = Math.ceil(fH / 2);
  // Shared memory layout: x, dy, dW, the worker's range table.
  const X = 0;
  const DY = X + nx * 4;
  const DW = DY + ndy * 4;
  const R = DW + fH * rowFloats * 4;
  const need = R + 8 * (fH + fW);
  if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  const callArgs = (xp: number, dyp: number, dwp: number, ranges: number, h0: number, h1: number) =>
    [xp, dyp, dwp + h0 * rowFloats * 4, batchSize, inHeight, inWidth, ci, outHeight, outWidth, co, sH, sW, h1 - h0, fW, padT - h0, padL, ranges];
  const writeRanges = (buffer: ArrayBufferLike, at: number, h0: number, h1: number) => {
    const r = new Int32Array(buffer, at, 2 * (h1 - h0 + fW));
    for (let k = h0; k < h1; k++) r.set(validOutRange(k, sH, padT, inHeight, outHeight), 2 * (k - h0));
    for (let k = 0; k < fW; k++) r.set(validOutRange(k, sW, padL, inWidth, outWidth), 2 * (h1 - h0 + k));
  };
  const dw = backend.makeOutput(info.filterShape, 'float32');
  withScratch(backend, 8 * (fH + fW), (ranges) => {
    const heap = heapViews(backend).f32;
    const sh = new Float32Array(memory.buffer);
    const xo = heapOffset(backend, x) / 4;
    const dyo = heapOffset(backend, dy) / 4;
    sh.set(heap.subarray(xo, xo + nx), X / 4);
    sh.set(heap.subarray(dyo, dyo + ndy), DY / 4);
    writeRanges(memory.buffer, R, split, fH);
    control.set(callArgs(X, DY, DW, R, split, fH), 8);
    Atomics.store(control, 0, ++seq);
    Atomics.notify(control, 0);
    writeRanges(heap.buffer, ranges, 0, split);
    kernel.conv_filter_grad(...callArgs(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), ranges, 0, split));
    // Wait on the value just compared (a second read could see `done` and wait forever).
    for (let done = Atomics.load(control, 1); done !== seq; done = Atomics.load(control, 1)) Atomics.wait(control, 1, done);
    const dwo = heapOffset(backend, dw) / 4;
    heapViews(backend).f32.set(sh.subarray((DW >> 2) + split * rowFloats, (DW >> 2) + fH * rowFloats), dwo + split * rowFloats);
  });
  return dw;
};

function useKernel(kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
  tf.registerKernel({ ...oneThread, kernelFunc });
}

const mnist = loadDataset('mnist', { split: 'train' }).train!;

interface Run {
  losses: number[];
  weights: Float32Array[];
  wallMs: number;
  cpuMs: number;
  mainMs: number;
}

/** `warm` untimed then `timed` timed QAT steps of a fresh cnn (seed 0) on MNIST's first batches. */
function train(warm: number, timed: number): Run {
  const { net, optimizer, varList, losses, step } = cnnQatSteps(mnist);
  for (let k = 0; k < warm; k++) step(k);
  const main = String(process.pid);
  const k0 = threadCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = warm; k < warm + timed; k++) step(k);
  const wallMs = (performance.now() - t0) / Math.max(1, timed);
  const c = process.cpuUsage(c0);
  const k1 = threadCpuMs();
  const weights = varList.map((v) => v.dataSync() as Float32Array);
  optimizer.dispose();
  net.dispose();
  return { losses, weights, wallMs, cpuMs: (c.user + c.system) / 1000 / Math.max(1, timed), mainMs: (k1.get(main)! - k0.get(main)!) / Math.max(1, timed) };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`cnn QAT, batch ${BATCH}, MNIST; load average at start: ${load()}`);
try {
  useKernel(oneThread.kernelFunc);
  const a = train(12, 0);
  useKernel(twoThreadsFunc);
  const b = train(12, 0);
  const sameLoss = a.losses.every((l, i) => Object.is(l, b.losses[i]));
  const sameWeights = a.weights.every((w, i) => w.length === b.weights[i]!.length && w.every((v, j) => Object.is(v, b.weights[i]![j])));
  console.log(`12 steps: losses bit-identical ${sameLoss}, weights bit-identical ${sameWeights} (last loss ${a.losses.at(-1)} / ${b.losses.at(-1)})`);
  for (let r = 0; r < rounds; r++) {
    for (const [label, f] of [['1 thread ', oneThread.kernelFunc], ['2 threads', twoThreadsFunc]] as [string, tf.KernelFunc][]) {
      useKernel(f);
      const t = train(10, steps);
      console.log(`  ${label}: wall ${t.wallMs.toFixed(1)} ms, CPU ${t.cpuMs.toFixed(1)} ms, main thread ${t.mainMs.toFixed(1)} ms per step`);
    }
  }
} finally {
  useKernel(oneThread.kernelFunc);
  Atomics.store(control, 0, -1);
  Atomics.notify(control, 0);
  await worker.terminate();
}
console.log(`load average at end: ${load()}`);
