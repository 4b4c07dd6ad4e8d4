// The fused batch-norm fold kernels (toolkit/qat/kernels/batch-norm-fold-kernels.ts): their SIMD
// passes on the wasm heap equal their JS loops bit for bit, and a QAT conv + batch norm trained with
// them computes what the composite TF.js ops compute (output, moving statistics, every gradient),
// for conv and depthwise, relu / relu6 / linear, on wasm and cpu.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { batchNormFold, foldWeight, setBatchNormFoldSimd, type FoldActivation } from '../toolkit/qat/kernels/batch-norm-fold-kernels.js';
import { setFusedBatchNormFold } from '../toolkit/qat/layers/batch-norm-fold.js';
import { prepareQat } from '../toolkit/qat/prepare.js';

const L = tfl.layers;
type Sym = tfl.SymbolicTensor;

function random(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
}

afterEach(() => {
  setBatchNormFoldSimd(true);
  setFusedBatchNormFold(true);
});

/** Forward outputs and the three gradients of the BatchNormFold kernel, plus FoldWeight and its gradients. */
function runKernels(channels: number, activation: FoldActivation, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const z = tf.tensor4d(random(3 * 5 * 4 * channels, seed, -3, 3), [3, 5, 4, channels]);
    const gamma = tf.tensor1d(random(channels, seed + 1, -1.5, 1.5));
    const beta = tf.tensor1d(random(channels, seed + 2, -0.5, 0.5));
    const movingVar = tf.tensor1d(random(channels, seed + 3, 0.2, 2));
    const dy = tf.tensor4d(random(3 * 5 * 4 * channels, seed + 4, -1, 1), [3, 5, 4, channels]);
    const w = tf.tensor4d(random(9 * 2 * channels, seed + 5, -1, 1), [3, 3, 2, channels]);
    const attrs = { epsilon: 1e-3, activation };
    const f = (zz: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormFold(zz, g, b, movingVar, attrs)[0], dy));
    const { value, grads } = tf.valueAndGrads(f)([z, gamma, beta]);
    const [y, mean, variance] = batchNormFold(z, gamma, beta, movingVar, attrs);
    const wf = (ww: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(foldWeight(ww, g, movingVar, { epsilon: 1e-3, perChannel: true }), tf.onesLike(ww)));
    const { grads: wGrads } = tf.valueAndGrads(wf)([w, gamma]);
    return [value, y, mean, variance, ...grads, foldWeight(w, gamma, movingVar, { epsilon: 1e-3, perChannel: true }), ...wGrads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('batch-norm fold kernels', () => {
  it('wasm: the in-place SIMD passes equal the JS loops bit for bit (8, 16 channels; linear, relu, relu6)', async () => {
    await initBackend('wasm');
    for (const channels of [8, 16]) {
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        setBatchNormFoldSimd(true);
        const simd = runKernels(channels, activation, channels * 10);
        setBatchNormFoldSimd(false);
        const js = runKernels(channels, activation, channels * 10);
        for (let i = 0; i < simd.length; i++) expect(Array.from(simd[i]), `${channels} ${activation} output ${i}`).toEqual(Array.from(js[i]));
        // Something was masked and something passed: the activation's gradient mask was exercised.
        if (activation !== 'linear') expect(simd[1].some((v) => v === 0) && simd[1].some((v) => v > 0)).toBe(true);
      }
    }
  });
});

/** conv 3x3 (8 filters) -> BN -> act -> depthwise 3x3 stride 2 -> BN -> act2 -> flatten -> dense. */
function convBnModel(act: string, act2: string): tfl.LayersModel {
  const x = tfl.input({ shape: [7, 7, 3] });
  let y = L.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(x) as Sym;
  y = L.batchNormalization({ momentum: 0.9 }).apply(y) as Sym;
  if (act !== 'linear') y = L.reLU(act === 'relu6' ? { maxValue: 6 } : {}).apply(y) as Sym;
  y = L.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', useBias: false, depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(y) as Sym;
  y = L.batchNormalization({}).apply(y) as Sym;
  if (act2 !== 'linear') y = L.reLU(act2 === 'relu6' ? { maxValue: 6 } : {}).apply(y) as Sym;
  y = L.flatten().apply(y) as Sym;
  y = L.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }).apply(y) as Sym;
  const model = tfl.model({ inputs: x, outputs: y });
  let seed = 20;
  for (const bn of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const c = bn.getWeights()[0].shape[0];
    bn.setWeights([tf.tensor1d(random(c, seed++, -1.5, 1.5)), tf.tensor1d(random(c, seed++, -0.5, 0.5)), tf.tensor1d(random(c, seed++, -0.3, 0.3)), tf.tensor1d(random(c, seed++, 0.2, 2))]);
  }
  return model;
}

/** One training-mode loss and its gradients, then the weights (moving statistics included). */
function trainOnce(fused: boolean, act: string, act2: string): Float32Array[] {
  setFusedBatchNormFold(fused);
  const qat = prepareQat(convBnModel(act, act2));
  const x = tf.tensor4d(random(4 * 7 * 7 * 3, 5, -1, 2), [4, 7, 7, 3]);
  // A first pass so that the observers have ranges; then the measured one.
  tf.dispose(qat.apply(x, { training: true }) as tf.Tensor);
  const vars = qat.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(qat.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
  const out = [value, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  return [...out, ...qat.getWeights().map((w) => w.dataSync() as Float32Array)];
}

function expectClose(a: Float32Array[], b: Float32Array[], what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1e-3, ...Array.from(b[i], Math.abs));
    const diff = Math.max(0, ...Array.from(a[i], (v, j) => Math.abs(v - b[i][j])));
    expect(diff / scale, `${what}: tensor ${i}`).toBeLessThan(2e-4);
  }
}

describe('fused fold vs composite ops', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: same loss, gradients (kernel, γ, β of both convs, dense) and moving statistics`, async () => {
      await initBackend(backend);
      for (const [act, act2] of [['relu6', 'relu'], ['linear', 'relu6']]) {
        const fused = trainOnce(true, act, act2);
        const composite = trainOnce(false, act, act2);
        expectClose(fused, composite, `${act}/${act2}`);
        // The gradients are not all zero (the comparison is not vacuous).
        expect(fused.slice(1, 7).every((g) => g.some((v) => v !== 0))).toBe(true);
      }
    });
  }
});
