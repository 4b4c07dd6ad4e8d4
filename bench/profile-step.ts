// Per-kernel profile of one training step (forward, backward, Adam) of a built-in model: which
// TF.js kernels run, how many times, and how much CPU time each takes, plus the step's CPU time
// outside kernels (JS glue, tape, optimizer). CPU time (process.cpuUsage) rather than wall time,
// so that the figures hold on a shared, loaded machine. Every kernel of the backend is wrapped
// while profiling; a kernel that calls another (ours call XNNPACK's BatchMatMul/Conv2D) is counted
// once, at the outermost call.
//
//   npx tsx bench/profile-step.ts [--models cnn,dscnn] [--mode qat|float] [--batch 32] [--backend wasm]
//                                 [--steps 20] [--json]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../toolkit/engine/backend.js';
import { softmaxCrossEntropy } from '../toolkit/engine/kernels/softmax-cross-entropy-kernel.js';
import { JsAdam } from '../toolkit/engine/optim/adam.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { BUILTIN_MODELS, builtinModel } from '../toolkit/models/index.js';
import { prepareQat } from '../toolkit/qat/prepare.js';

/** Input of each model in the bench: MNIST-sized images unless the model says otherwise. */
export const BENCH_INPUTS: Record<string, { rows: number; cols: number; channels: number; classes: number }> = {
  mlp: { rows: 28, cols: 28, channels: 1, classes: 10 },
  cnn: { rows: 28, cols: 28, channels: 1, classes: 10 },
  dscnn: { rows: 28, cols: 28, channels: 1, classes: 10 },
  resnet8: { rows: 32, cols: 32, channels: 3, classes: 10 },
  'kws-dscnn': { rows: 49, cols: 10, channels: 1, classes: 12 },
};

export function benchInput(model: string) {
  return BENCH_INPUTS[model] ?? BENCH_INPUTS.cnn;
}

/** The built-in model for the bench, float, at its bench input. */
export function buildBenchModel(model: string): tfl.LayersModel {
  const { rows, cols, channels, classes } = benchInput(model);
  return builtinModel(model).build(0, [rows, cols, channels], classes);
}

export interface KernelShare {
  kernel: string;
  calls: number;
  cpu_ms: number;
  share: number;
}

export interface StepProfile {
  model: string;
  mode: string;
  backend: string;
  batch: number;
  /** Mean over the timed steps, without the profiler's wrappers. */
  step_cpu_ms: number;
  step_wall_ms: number;
  kernels_per_step: number;
  /** One profiled step: CPU time inside kernels and outside them. */
  kernel_cpu_ms: number;
  outside_kernels_cpu_ms: number;
  kernels: KernelShare[];
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wraps every kernel of `backend` to count calls and CPU time; returns the tally and an undo. */
function instrument(backend: string): { tally: Map<string, { calls: number; ms: number }>; restore(): void } {
  const tally = new Map<string, { calls: number; ms: number }>();
  const originals = tf.getKernelsForBackend(backend);
  let depth = 0;
  for (const config of originals) {
    const inner = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = (args) => {
      if (depth > 0) return inner(args);
      depth++;
      const t0 = cpuMs();
      try {
        return inner(args);
      } finally {
        depth--;
        const e = tally.get(config.kernelName) ?? { calls: 0, ms: 0 };
        e.calls++;
        e.ms += cpuMs() - t0;
        tally.set(config.kernelName, e);
      }
    };
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({ ...config, kernelFunc });
  }
  return {
    tally,
    restore() {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backend);
        tf.registerKernel(config);
      }
    },
  };
}

export async function profileStep(model: string, opts: { mode: string; batch: number; backend: string; steps: number }): Promise<StepProfile> {
  const backend = await initBackend(opts.backend);
  const float = buildBenchModel(model);
  const net = opts.mode === 'qat' ? prepareQat(float) : float;
  const { classes } = benchInput(model);
  const inputShape = (net.inputs[0].shape as number[]).slice(1);
  const size = inputShape.reduce((a, d) => a * d, 1);
  const random = mulberry32(1);
  // Random inputs in [0, 1) and labels: the arithmetic does not depend on the values.
  const xs = Float32Array.from({ length: opts.batch * size * 4 }, () => random());
  const labels = Float32Array.from({ length: opts.batch * classes * 4 }, (_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : 0));
  const optimizer = new JsAdam({ learningRate: 1e-3 });
  const varList = net.trainableWeights.map((w) => w.read() as tf.Variable);
  let k = 0;
  const step = () => {
    const j = k++ % 4;
    const loss = tf.tidy(() => {
      const x = tf.tensor(xs.subarray(j * opts.batch * size, (j + 1) * opts.batch * size), [opts.batch, ...inputShape]);
      const y = tf.tensor2d(labels.subarray(j * opts.batch * classes, (j + 1) * opts.batch * classes), [opts.batch, classes]);
      return optimizer.minimize(() => softmaxCrossEntropy(y, net.apply(x, { training: true }) as tf.Tensor), true, varList) as tf.Scalar;
    });
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 10; i++) step(); // warm-up: kernel setup, JIT, heap growth
  const c0 = cpuMs();
  const w0 = performance.now();
  for (let i = 0; i < opts.steps; i++) step();
  const stepCpu = (cpuMs() - c0) / opts.steps;
  const stepWall = (performance.now() - w0) / opts.steps;

  const { tally, restore } = instrument(backend);
  // Several profiled steps, averaged: single kernels are short against the clock's microseconds.
  const profiled = Math.max(1, Math.min(opts.steps, 5));
  const p0 = cpuMs();
  for (let i = 0; i < profiled; i++) step();
  const profiledCpu = (cpuMs() - p0) / profiled;
  restore();
  const kernels = [...tally.entries()]
    .map(([kernel, e]) => ({ kernel, calls: e.calls / profiled, cpu_ms: e.ms / profiled, share: 0 }))
    .sort((a, b) => b.cpu_ms - a.cpu_ms);
  const kernelCpu = kernels.reduce((a, e) => a + e.cpu_ms, 0);
  for (const e of kernels) e.share = e.cpu_ms / profiledCpu;
  optimizer.dispose();
  return {
    model,
    mode: opts.mode,
    backend,
    batch: opts.batch,
    step_cpu_ms: stepCpu,
    step_wall_ms: stepWall,
    kernels_per_step: kernels.reduce((a, e) => a + e.calls, 0),
    kernel_cpu_ms: kernelCpu,
    outside_kernels_cpu_ms: profiledCpu - kernelCpu,
    kernels,
  };
}

/** Markdown lines: the step totals and the kernels taking at least 1% (the rest summed). */
export function profileMarkdown(p: StepProfile): string[] {
  const big = p.kernels.filter((k) => k.share >= 0.01);
  const rest = p.kernels.filter((k) => k.share < 0.01);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const total = p.kernel_cpu_ms + p.outside_kernels_cpu_ms;
  return [
    `**${p.model}** ${p.mode} on ${p.backend}, batch ${p.batch}: ${p.step_cpu_ms.toFixed(1)} ms CPU per step (${p.step_wall_ms.toFixed(1)} ms wall), ${p.kernels_per_step.toFixed(0)} kernels per step`,
    ``,
    `| kernel | calls | CPU ms | share |`,
    `|---|---|---|---|`,
    ...big.map((k) => `| ${k.kernel} | ${k.calls.toFixed(0)} | ${k.cpu_ms.toFixed(2)} | ${pct(k.share)} |`),
    ...(rest.length ? [`| ${rest.length} other kernels | ${rest.reduce((a, k) => a + k.calls, 0).toFixed(0)} | ${rest.reduce((a, k) => a + k.cpu_ms, 0).toFixed(2)} | ${pct(rest.reduce((a, k) => a + k.share, 0))} |`] : []),
    `| outside kernels (JS, tape, Adam) | | ${p.outside_kernels_cpu_ms.toFixed(2)} | ${pct(p.outside_kernels_cpu_ms / total)} |`,
    ``,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'cnn,dscnn' },
      mode: { type: 'string', default: 'qat' },
      batch: { type: 'string', default: '32' },
      backend: { type: 'string', default: 'wasm' },
      steps: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  for (const model of values.models.split(',').filter((m) => m in BUILTIN_MODELS)) {
    const p = await profileStep(model, { mode: values.mode, batch: Number(values.batch), backend: values.backend, steps: Number(values.steps) });
    console.log(values.json ? JSON.stringify(p) : profileMarkdown(p).join('\n'));
  }
}
