// One training step (forward, backward, Adam) of two small CNNs, side by side in one process:
//   wasm       the wasm backend with the conv backprop kernels it lacks (registerWasmBackpropKernels)
//   wasm+fdx   the same plus the opt-in XNNPACK Conv2DBackpropInput (useFastWasmConv2DBackpropInput)
//   cpu        the pure-JS cpu backend
// The machine is shared and noisy, so the variants alternate in rounds and each reports its median
// and best step. Synthetic data: only time is measured.
//
//   npx tsx bench/wasm-backprop.ts [--batch 32] [--rounds 2] [--wasm-steps 5] [--cpu-steps 1]
//                                  [--models lenet,separable] [--profile]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildCnn } from '../toolkit/models/cnn.js';
import { buildDscnn } from '../toolkit/models/dscnn.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { registerWasmBackpropKernels, useFastWasmConv2DBackpropInput } from '../toolkit/engine/kernels/wasm-backprop/index.js';

const { values: opts } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
    'wasm-steps': { type: 'string', default: '5' },
    'cpu-steps': { type: 'string', default: '1' },
    models: { type: 'string', default: 'lenet,separable' },
    profile: { type: 'boolean', default: false },
  },
});
const batch = Number(opts.batch);
const rounds = Number(opts.rounds);

const VARIANTS = ['wasm', 'wasm+fdx', 'cpu'] as const;
type Variant = (typeof VARIANTS)[number];
const backendOf = (v: Variant) => (v === 'cpu' ? 'cpu' : 'wasm');
const stepsPerRound = (v: Variant) => Number(v === 'cpu' ? opts['cpu-steps'] : opts['wasm-steps']);

let shippedConvInput: tf.KernelConfig | undefined;

/** Selects the variant's backend and its Conv2DBackpropInput on wasm (the shipped one or ours). */
async function select(v: Variant): Promise<void> {
  await initBackend(backendOf(v));
  shippedConvInput ??= tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (v === 'wasm+fdx') {
    useFastWasmConv2DBackpropInput();
  } else if (shippedConvInput && tf.getKernel(tf.Conv2DBackpropInput, 'wasm') !== shippedConvInput) {
    tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
    tf.registerKernel(shippedConvInput);
  }
}

/** LeNet-style: conv 5x5x1x32 SAME, relu, maxpool 2, conv 5x5x32x64 SAME, relu, maxpool 2, dense 3136→128→10. */
function lenet(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

/**
 * MobileNet-style depthwise-separable: conv 3x3x1x32, then depthwise 3x3 (stride 2) + pointwise
 * blocks 32→64 and 64→128 (the second depthwise with multiplier 2), global average pool, dense 10.
 */
function separable(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 1, activation: 'relu' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 1, activation: 'relu' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'relu' }),
      tfl.layers.conv2d({ filters: 128, kernelSize: 1, activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

// The project's own `cnn` and `dscnn` (with batch norm) can be timed too: --models cnn,dscnn.
const MODELS: Record<string, () => tfl.LayersModel> = { lenet, separable, cnn: () => buildCnn(1), dscnn: () => buildDscnn(1) };

interface Trainer {
  step(): number;
  times: number[];
}

/** A model, its Adam optimizer and one synthetic batch, all created on `backend`. */
async function makeTrainer(variant: Variant, build: () => tfl.LayersModel): Promise<Trainer> {
  await select(variant);
  const model = build();
  const optimizer = tf.train.adam(1e-3);
  const random = mulberry32(7);
  const x = tf.tensor4d(Float32Array.from({ length: batch * 28 * 28 }, () => random()), [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const times: number[] = [];
  return {
    times,
    step() {
      const t0 = performance.now();
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
      loss.dataSync();
      loss.dispose();
      return performance.now() - t0;
    },
  };
}

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Kernel time per kernel name over one step, largest first. */
async function profileStep(variant: Variant, trainer: Trainer): Promise<void> {
  await select(variant);
  const info = await tf.profile(() => {
    trainer.step();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs);
    e.calls++;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`  ${variant} kernel time ${total.toFixed(1)} ms in ${info.kernels.length} kernels; largest:`);
  for (const [name, e] of [...byName.entries()].sort((p, q) => q[1].ms - p[1].ms).slice(0, 8)) {
    console.log(`    ${name.padEnd(36)} ${e.ms.toFixed(2).padStart(8)} ms  (${e.calls} calls)`);
  }
}

async function main(): Promise<void> {
  // Kernels first, then the backend: wasm runs kernel setup for what is registered at init.
  console.log(`wasm backprop kernels supplied: ${registerWasmBackpropKernels().join(', ') || '(none: the backend has its own)'}`);
  console.log(`batch ${batch}, ${rounds} rounds of ${stepsPerRound('wasm')} wasm / ${stepsPerRound('cpu')} cpu steps each, after 1 warm-up step\n`);
  for (const name of opts.models.split(',')) {
    const build = MODELS[name];
    if (!build) throw new Error(`unknown model '${name}' (choose from ${Object.keys(MODELS).join(', ')})`);
    // --cpu-steps 0 leaves the (slow) cpu backend out.
    const variants = VARIANTS.filter((v) => stepsPerRound(v) > 0);
    const trainers = {} as Record<Variant, Trainer>;
    for (const v of variants) trainers[v] = await makeTrainer(v, build);
    for (const v of variants) {
      await select(v);
      trainers[v].step(); // warm-up: kernel setup, packed-weight caches, JIT
    }
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        await select(v);
        for (let s = 0; s < stepsPerRound(v); s++) trainers[v].times.push(trainers[v].step());
      }
    }
    const cpuMs = trainers.cpu ? median(trainers.cpu.times) : NaN;
    console.log(`${name} (batch ${batch}), ms per training step:`);
    for (const v of variants) {
      const t = trainers[v].times;
      const ratio = v === 'cpu' || !trainers.cpu ? '' : `  ${(cpuMs / median(t)).toFixed(1)}x faster than cpu`;
      console.log(`  ${v.padEnd(9)} median ${median(t).toFixed(1).padStart(9)}  best ${Math.min(...t).toFixed(1).padStart(9)}  (${t.length} steps)${ratio}`);
    }
    if (opts.profile) for (const v of ['wasm', 'wasm+fdx'] as const) await profileStep(v, trainers[v]);
    console.log('');
  }
}

await main();
