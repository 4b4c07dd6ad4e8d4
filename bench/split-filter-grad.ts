// Bench-only experiment (edgeqat does not ship it): on the threaded wasm build the backend's heap is
// a shared memory, so a worker can run edgeqat's conv-filter-grad SIMD kernel in place on the
// tensors, with no copies (the copying version: docs/benchmarks.md "Threads"). The filter rows are
// split: the main thread computes rows [0, ⌈fH/2⌉), one worker the rest, each into its own rows of
// dW, so every element is summed by the same code in the same order as on one thread.
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropConvInfo, validOutRange, type BackpropAttrs } from '../toolkit/engine/kernels/wasm-backprop/conv-geometry.js';
import { backendMemory, heapModule, heapOffset, heapViews, withScratch } from '../toolkit/engine/kernels/wasm-backprop/heap-module.js';
import { convFilterGradSharedWasm, convFilterGradWasm } from '../toolkit/engine/kernels/simd/generated/conv-filter-grad-wasm.js';
import { FILTER_GRAD_WORKER } from './threads-probe.js';

interface Kernel {
  conv_filter_grad(...args: number[]): void;
}

/** Replaces the wasm backend's Conv2DBackpropFilter with the split one (threaded build only). */
export function installSplitFilterGrad(): void {
  const backend = tf.backend() as BackendWasm;
  const memory = backendMemory(backend);
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('the split filter gradient needs the threaded build (EDGEQAT_WASM_THREADS)');
  const control = new Int32Array(new SharedArrayBuffer(32 * 4));
  const worker = new Worker(FILTER_GRAD_WORKER, { eval: true, workerData: { module: new WebAssembly.Module(Buffer.from(convFilterGradSharedWasm, 'base64')), memory, control } });
  worker.unref();
  worker.on('error', (e) => console.error('split Conv2DBackpropFilter worker:', e));
  const oneThread = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')!;
  let seq = 0;
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as BackpropAttrs & { filterShape: [number, number, number, number] };
    const info = backpropConvInfo(tf.Conv2DBackpropFilter, x.shape, attrs.filterShape, attrs, false, dy, [x, dy]);
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
    const { top: padT, left: padL } = info.padInfo;
    const kernel = heapModule<Kernel>(backend, convFilterGradWasm, convFilterGradSharedWasm);
    if (!kernel || co % 8 !== 0 || fH < 2 || outHeight * outWidth === 0) return oneThread.kernelFunc(args);
    const rowBytes = fW * ci * co * 4;
    const split = Math.ceil(fH / 2);
    const dw = backend.makeOutput(info.filterShape, 'float32');
    const rangeBytes = 8 * (fH + fW);
    withScratch(backend, 2 * rangeBytes, (ranges) => {
      const writeRanges = (at: number, h0: number, h1: number) => {
        const r = new Int32Array(heapViews(backend).f32.buffer, at, 2 * (h1 - h0 + fW));
        for (let k = h0; k < h1; k++) r.set(validOutRange(k, sH, padT, inHeight, outHeight), 2 * (k - h0));
        for (let k = 0; k < fW; k++) r.set(validOutRange(k, sW, padL, inWidth, outWidth), 2 * (h1 - h0 + k));
      };
      const callArgs = (rangesAt: number, h0: number, h1: number) =>
        [heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw) + h0 * rowBytes, batchSize, inHeight, inWidth, ci, outHeight, outWidth, co, sH, sW, h1 - h0, fW, padT - h0, padL, rangesAt];
      writeRanges(ranges + rangeBytes, split, fH);
      control.set(callArgs(ranges + rangeBytes, split, fH), 8);
      Atomics.store(control, 0, ++seq);
      Atomics.notify(control, 0);
      writeRanges(ranges, 0, split);
      kernel.conv_filter_grad(...callArgs(ranges, 0, split));
      // Wait on the value just compared: reading it again for the wait could see the worker's
      // `done` already and wait for a change that never comes (it hung so in a first version).
      // A worker that died cannot report it while this thread waits: give up rather than hang.
      const deadline = performance.now() + 10_000;
      for (let done = Atomics.load(control, 1); done !== seq; done = Atomics.load(control, 1)) {
        if (performance.now() > deadline) throw new Error('split Conv2DBackpropFilter: the worker did not answer in 10 s');
        Atomics.wait(control, 1, done, 100);
      }
    });
    return dw;
  };
  tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
  tf.registerKernel({ ...oneThread, kernelFunc });
}
