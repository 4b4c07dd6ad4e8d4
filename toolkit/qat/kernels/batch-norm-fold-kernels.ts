// Batch-norm folding during QAT (the scheme of layers/batch-norm-fold.ts) as two fused TF.js kernels
// per convolution, each with one kernel for its gradient, on the cpu and wasm backends, instead of
// ~60 elementwise and reduction kernels per conv block (a dscnn step ran 1,212 kernels, most of its
// time in their dispatch and in full-size temporaries):
//
//   EdgeqatFoldWeight   wq = fq(w · s), s = γ / sqrt(moving_var + ε), symmetric int8 per channel
//                       (or per tensor); gradient (straight-through): dw = dwq · s,
//                       dγ = Σ dwq · w / sqrt(moving_var + ε)
//   EdgeqatBatchNormFold  y = act(|γ| · (z − μ_z) / sqrt(σ²_z + ε·s²) + β) with z = conv(x, wq)
//                       and the batch statistics μ_z, σ²_z (biased), also returned for the moving
//                       averages; gradient: the batch-norm backward through μ_z and σ²_z, plus γ's
//                       share through |γ| and through s in ε·s²
//
// Channels are the last axis (NHWC activations; HWIO / [kh, kw, in·mult] weights). Per-channel
// sums are kept in float64, elements are float32. Backends without these kernels (tfjs-node) use
// the composite ops of layers/batch-norm-fold.ts, which compute the same function.
import * as tf from '@tensorflow/tfjs-core';
import { readF32, writableF32 } from '../../engine/kernels/backend-data.js';
import { fakeQuantForward, resolveParams, symmetricScales } from './fake-quant-math.js';
import { heapFakeQuantChannels } from './simd/simd-kernels.js';
import { INT8_WEIGHT } from '../quant/quant-params.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapModule, heapOffset, heapViews, withScratch } from '../../engine/kernels/wasm-backprop/heap-module.js';
import { batchNormFoldWasm, batchNormFoldSharedWasm } from './simd/generated/batch-norm-fold-wasm.js';

export const FOLD_WEIGHT = 'EdgeqatFoldWeight';
export const FOLD_WEIGHT_GRAD = 'EdgeqatFoldWeightGrad';
export const BATCH_NORM_FOLD = 'EdgeqatBatchNormFold';
export const BATCH_NORM_FOLD_GRAD = 'EdgeqatBatchNormFoldGrad';
const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

export type FoldActivation = 'linear' | 'relu' | 'relu6';

interface FoldWeightAttrs {
  epsilon: number;
  perChannel: boolean;
}

interface BatchNormFoldAttrs {
  epsilon: number;
  activation: FoldActivation;
}

interface KernelArgs<I> {
  inputs: I;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** s = γ · rsqrt(moving_var + ε) in float32 steps, as tf.mul(γ, tf.rsqrt(tf.add(mv, ε))) computes it. */
function foldScales(gamma: Float32Array, movingVar: Float32Array, epsilon: number): { s: Float32Array; inv: Float32Array } {
  const c = movingVar.length;
  const s = new Float32Array(c);
  const inv = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    inv[i] = 1 / Math.sqrt(Math.fround(movingVar[i] + epsilon));
    s[i] = gamma[i] * inv[i];
  }
  return { s, inv };
}

function foldWeightKernel({ inputs, backend, attrs }: KernelArgs<{ w: tf.TensorInfo; gamma: tf.TensorInfo; movingVar: tf.TensorInfo }>): tf.TensorInfo {
  const a = attrs as unknown as FoldWeightAttrs;
  const out = writableF32(backend, inputs.w.shape);
  const w = readF32(backend, inputs.w);
  const { s } = foldScales(readF32(backend, inputs.gamma), readF32(backend, inputs.movingVar), a.epsilon);
  const channels = s.length;
  // Folded into the output, then fake-quantized there in place.
  const folded = out.values();
  for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) folded[i] = w[i] * s[c];
  const { qmin, qmax } = INT8_WEIGHT;
  const fast = a.perChannel ? simd(backend, channels) : null;
  // Max |w·s| per channel and the rounding in SIMD: the same bits as the JS loops below.
  if (fast && heapFakeQuantChannels(fast.b, out.info, out.info, channels, (maxAbs) => symmetricScales(maxAbs, qmax), qmin, qmax)) return out.info;
  const values = out.values(); // a fresh view: loading the SIMD module may have grown the heap
  const attrsFq = { mode: 'symmetric' as const, scale: [], zeroPoint: [], qmin, qmax, axis: a.perChannel ? 1 : -1 };
  fakeQuantForward(values, values, resolveParams(values, [w.length / channels, channels], attrsFq), qmin, qmax);
  return out.info;
}

function foldWeightGradKernel({ inputs, backend, attrs }: KernelArgs<{ dy: tf.TensorInfo; w: tf.TensorInfo; gamma: tf.TensorInfo; movingVar: tf.TensorInfo }>): tf.TensorInfo[] {
  const a = attrs as unknown as FoldWeightAttrs;
  const dwOut = writableF32(backend, inputs.w.shape);
  const dgOut = writableF32(backend, inputs.gamma.shape);
  const dy = readF32(backend, inputs.dy);
  const w = readF32(backend, inputs.w);
  const { s, inv } = foldScales(readF32(backend, inputs.gamma), readF32(backend, inputs.movingVar), a.epsilon);
  const channels = s.length;
  const dw = dwOut.values();
  const sums = new Float64Array(channels);
  for (let i = 0, c = 0; i < w.length; i++, c = c + 1 === channels ? 0 : c + 1) {
    dw[i] = dy[i] * s[c];
    sums[c] += dy[i] * w[i];
  }
  const dg = dgOut.values();
  for (let c = 0; c < channels; c++) dg[c] = sums[c] * inv[c];
  return [dwOut.info, dgOut.info];
}

/** Per-channel coefficients of the normalization: y = act(z · scale + offset). */
interface NormCoefficients {
  /** 1 / sqrt(σ² + ε·s²) */
  inv: Float64Array;
  scale: Float32Array;
  offset: Float32Array;
}

function coefficients(mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, movingVar: Float32Array, epsilon: number): NormCoefficients {
  const { s } = foldScales(gamma, movingVar, epsilon);
  const c = mean.length;
  const inv = new Float64Array(c);
  const scale = new Float32Array(c);
  const offset = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    inv[i] = 1 / Math.sqrt(variance[i] + epsilon * s[i] * s[i]);
    scale[i] = Math.abs(gamma[i]) * inv[i];
    offset[i] = beta[i] - mean[i] * scale[i];
  }
  return { inv, scale, offset };
}

/** The activation as a clamp [lo, hi] and its gradient mask lo < r <= hi (TF.js: relu r > 0, relu6 0 < r <= 6). */
function activationRange(activation: FoldActivation): [number, number] {
  if (activation === 'linear') return [-Infinity, Infinity];
  return [0, activation === 'relu6' ? 6 : Infinity];
}

interface SimdExports {
  channel_sum(z: number, pixels: number, c: number, out: number): void;
  channel_sq_dev(z: number, pixels: number, c: number, mean: number, out: number): void;
  affine_act(z: number, y: number, pixels: number, c: number, scale: number, offset: number, lo: number, hi: number): void;
  grad_sums(dy: number, z: number, pixels: number, c: number, scale: number, offset: number, mean: number, lo: number, hi: number, sums: number): void;
  grad_dz(dy: number, z: number, dz: number, pixels: number, c: number, scale: number, offset: number, mean: number, lo: number, hi: number, coef: number): void;
}

let simdEnabled = true;

/** Turns the SIMD passes off (tests compare them with the JS loops); returns the old setting. */
export function setBatchNormFoldSimd(on: boolean): boolean {
  const old = simdEnabled;
  simdEnabled = on;
  return old;
}

/** The in-place SIMD module on the wasm backend when the channels fill whole vectors, else null. */
function simd(backend: unknown, channels: number): { b: BackendWasm; m: SimdExports } | null {
  if (!simdEnabled || channels % 4 !== 0 || !('typedArrayFromHeap' in (backend as object))) return null;
  const b = backend as BackendWasm;
  const m = heapModule<SimdExports>(b, batchNormFoldWasm, batchNormFoldSharedWasm);
  return m ? { b, m } : null;
}

const f = Math.fround;

function batchNormFoldKernel({
  inputs,
  backend,
  attrs,
}: KernelArgs<{ z: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo; movingVar: tf.TensorInfo }>): tf.TensorInfo[] {
  const a = attrs as unknown as BatchNormFoldAttrs;
  const channels = inputs.gamma.shape[0];
  const yOut = writableF32(backend, inputs.z.shape);
  const meanOut = writableF32(backend, [channels]);
  const varOut = writableF32(backend, [channels]);
  const n = inputs.z.shape.reduce((p, d) => p * d, 1) / channels;
  const [lo, hi] = activationRange(a.activation);
  const fast = simd(backend, channels);
  if (fast) {
    const { b, m } = fast;
    const [z, y, meanPtr] = [inputs.z, yOut.info, meanOut.info].map((t) => heapOffset(b, t));
    withScratch(b, 16 * channels, (scratch) => {
      m.channel_sum(z, n, channels, scratch);
      const mean = meanOut.values();
      let sums = heapViews(b).f64.subarray(scratch / 8, scratch / 8 + channels);
      for (let c = 0; c < channels; c++) mean[c] = sums[c] / n;
      m.channel_sq_dev(z, n, channels, meanPtr, scratch);
      const variance = varOut.values();
      sums = heapViews(b).f64.subarray(scratch / 8, scratch / 8 + channels);
      for (let c = 0; c < channels; c++) variance[c] = sums[c] / n;
      const { scale, offset } = coefficients(mean, variance, readF32(b, inputs.gamma), readF32(b, inputs.beta), readF32(b, inputs.movingVar), a.epsilon);
      const f32 = heapViews(b).f32;
      f32.set(scale, scratch / 4);
      f32.set(offset, scratch / 4 + channels);
      m.affine_act(z, y, n, channels, scratch, scratch + 4 * channels, lo, hi);
    });
    return [yOut.info, meanOut.info, varOut.info];
  }
  const z = readF32(backend, inputs.z);
  // Two passes (mean, then squared deviations), as tf.moments: no cancellation in E[z²] − E[z]².
  const sum = new Float64Array(channels);
  for (let p = 0; p < z.length; p += channels) for (let c = 0; c < channels; c++) sum[c] += z[p + c];
  const mean = meanOut.values();
  for (let c = 0; c < channels; c++) mean[c] = sum[c] / n;
  const sq = new Float64Array(channels);
  for (let p = 0; p < z.length; p += channels) {
    for (let c = 0; c < channels; c++) {
      const d = z[p + c] - mean[c];
      sq[c] += d * d;
    }
  }
  const variance = varOut.values();
  for (let c = 0; c < channels; c++) variance[c] = sq[c] / n;
  const { scale, offset } = coefficients(mean, variance, readF32(backend, inputs.gamma), readF32(backend, inputs.beta), readF32(backend, inputs.movingVar), a.epsilon);
  const y = yOut.values();
  for (let p = 0; p < z.length; p += channels) {
    for (let c = 0; c < channels; c++) y[p + c] = Math.min(hi, Math.max(lo, f(f(z[p + c] * scale[c]) + offset[c])));
  }
  return [yOut.info, meanOut.info, varOut.info];
}

function batchNormFoldGradKernel({
  inputs,
  backend,
  attrs,
}: KernelArgs<{ dy: tf.TensorInfo; z: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo; movingVar: tf.TensorInfo; mean: tf.TensorInfo; variance: tf.TensorInfo }>): tf.TensorInfo[] {
  const a = attrs as unknown as BatchNormFoldAttrs;
  const channels = inputs.gamma.shape[0];
  const dzOut = writableF32(backend, inputs.z.shape);
  const dgOut = writableF32(backend, [channels]);
  const dbOut = writableF32(backend, [channels]);
  const gamma = readF32(backend, inputs.gamma).slice();
  const movingVar = readF32(backend, inputs.movingVar).slice();
  const mean = readF32(backend, inputs.mean).slice();
  const { inv, scale, offset } = coefficients(mean, readF32(backend, inputs.variance), gamma, readF32(backend, inputs.beta), movingVar, a.epsilon);
  const n = inputs.z.shape.reduce((p, d) => p * d, 1) / channels;
  const [lo, hi] = activationRange(a.activation);
  // dz = |γ|·inv·(g − mean(g) − ẑ·mean(g·ẑ)), the batch-norm backward with ε·s² as its epsilon,
  // from the sums Σ g and Σ g·(z − μ) of g = dy · act'(r).
  const k = new Float32Array(channels);
  const meanG = new Float32Array(channels);
  const slope = new Float32Array(channels);
  const sumG = new Float64Array(channels);
  const sumGz = new Float64Array(channels);
  const setCoefficients = () => {
    for (let c = 0; c < channels; c++) {
      k[c] = Math.abs(gamma[c]) * inv[c];
      meanG[c] = sumG[c] / n;
      slope[c] = ((sumGz[c] * inv[c]) / n) * inv[c]; // mean(g·ẑ) · inv: multiplies (z − μ)
    }
  };
  const fast = simd(backend, channels);
  if (fast) {
    const { b, m } = fast;
    const [dy, z, dz, meanPtr] = [inputs.dy, inputs.z, dzOut.info, inputs.mean].map((t) => heapOffset(b, t));
    withScratch(b, 36 * channels, (scratch) => {
      const coef = scratch + 16 * channels; // scale, offset, then k, meanG, slope: 4·C bytes each
      let f32 = heapViews(b).f32;
      f32.set(scale, coef / 4);
      f32.set(offset, coef / 4 + channels);
      m.grad_sums(dy, z, n, channels, coef, coef + 4 * channels, meanPtr, lo, hi, scratch);
      const f64 = heapViews(b).f64;
      sumG.set(f64.subarray(scratch / 8, scratch / 8 + channels));
      sumGz.set(f64.subarray(scratch / 8 + channels, scratch / 8 + 2 * channels));
      setCoefficients();
      f32 = heapViews(b).f32;
      f32.set(k, coef / 4 + 2 * channels);
      f32.set(meanG, coef / 4 + 3 * channels);
      f32.set(slope, coef / 4 + 4 * channels);
      m.grad_dz(dy, z, dz, n, channels, coef, coef + 4 * channels, meanPtr, lo, hi, coef + 8 * channels);
    });
  } else {
    const dy = readF32(backend, inputs.dy);
    const z = readF32(backend, inputs.z);
    for (let p = 0; p < z.length; p += channels) {
      for (let c = 0; c < channels; c++) {
        const r = f(f(z[p + c] * scale[c]) + offset[c]);
        if (!(r > lo && r <= hi)) continue;
        const g = dy[p + c];
        sumG[c] += g;
        sumGz[c] += g * (z[p + c] - mean[c]);
      }
    }
    setCoefficients();
    const dz = dzOut.values();
    for (let p = 0; p < z.length; p += channels) {
      for (let c = 0; c < channels; c++) {
        const zc = z[p + c];
        const r = f(f(zc * scale[c]) + offset[c]);
        const g = r > lo && r <= hi ? dy[p + c] : 0;
        dz[p + c] = f(k[c] * f(f(g - meanG[c]) - f(f(zc - mean[c]) * slope[c])));
      }
    }
  }
  // dβ = Σ g; dγ = sign(γ)·Σ g·ẑ (through |γ|) + ds·∂s/∂γ with ds = −ε·s·inv²·|γ|·Σ g·ẑ (through ε·s²).
  const { s, inv: invMoving } = foldScales(gamma, movingVar, a.epsilon);
  const dg = dgOut.values();
  const db = dbOut.values();
  for (let c = 0; c < channels; c++) {
    const gzHat = sumGz[c] * inv[c];
    const sign = gamma[c] > 0 ? 1 : -1; // TF.js's Abs gradient: step(x, -1)
    const ds = -a.epsilon * s[c] * inv[c] * inv[c] * Math.abs(gamma[c]) * gzHat;
    dg[c] = sign * gzHat + ds * invMoving[c];
    db[c] = sumG[c];
  }
  return [dzOut.info, dgOut.info, dbOut.info];
}

let registered = false;

export function registerBatchNormFoldKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of FUSED_BACKENDS) {
    tf.registerKernel({ kernelName: FOLD_WEIGHT, backendName, kernelFunc: foldWeightKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: FOLD_WEIGHT_GRAD, backendName, kernelFunc: foldWeightGradKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BATCH_NORM_FOLD, backendName, kernelFunc: batchNormFoldKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: BATCH_NORM_FOLD_GRAD, backendName, kernelFunc: batchNormFoldGradKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: FOLD_WEIGHT,
    inputsToSave: ['w', 'gamma', 'movingVar'],
    gradFunc: (dy, saved, attrs) => {
      const [w, gamma, movingVar] = saved;
      // One kernel computes both gradients, run here: the tape runs each closure in its own tidy,
      // which would dispose the outputs a first closure did not return.
      const [dw, dg] = tf.engine().runKernel(FOLD_WEIGHT_GRAD, { dy: dy as tf.Tensor, w, gamma, movingVar }, attrs) as tf.Tensor[];
      return { w: () => dw, gamma: () => dg, movingVar: () => tf.zerosLike(movingVar) };
    },
  });
  tf.registerGradient({
    kernelName: BATCH_NORM_FOLD,
    inputsToSave: ['z', 'gamma', 'beta', 'movingVar'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [z, gamma, beta, movingVar, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const [dz, dg, db] = tf.engine().runKernel(BATCH_NORM_FOLD_GRAD, { dy, z, gamma, beta, movingVar, mean, variance }, attrs) as tf.Tensor[];
      return { z: () => dz, gamma: () => dg, beta: () => db, movingVar: () => tf.zerosLike(movingVar) };
    },
  });
}

/** True when the current backend has the fused fold kernels. */
export function hasFusedBatchNormFold(): boolean {
  registerBatchNormFoldKernels();
  return tf.getKernel(BATCH_NORM_FOLD, tf.getBackend()) !== undefined;
}

/** fq(w · γ / sqrt(moving_var + ε)), w's output channels on its last axis. */
export function foldWeight(w: tf.Tensor, gamma: tf.Tensor, movingVar: tf.Tensor, attrs: FoldWeightAttrs): tf.Tensor {
  registerBatchNormFoldKernels();
  return tf.engine().runKernel(FOLD_WEIGHT, { w, gamma, movingVar }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** [y, batch mean of z, batch variance of z] (see the file comment). */
export function batchNormFold(z: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, movingVar: tf.Tensor, attrs: BatchNormFoldAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  registerBatchNormFoldKernels();
  return tf.engine().runKernel(BATCH_NORM_FOLD, { z, gamma, beta, movingVar }, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
