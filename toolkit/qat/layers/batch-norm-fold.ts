// BatchNormalization folded into the convolution before it, so the deployed model has no
// batch-norm op and its int8 weights are exactly the folded weights the simulation quantized.
//
// With s = γ / sqrt(moving_var + ε) per output channel:
//   folded weight  w_f = w · s          (this is what gets fake-quantized, per channel by default)
//   folded bias    b_f = β + (b − moving_mean) · s
// Inference, and training once the statistics are frozen: y = act(conv(x, fq(w_f)) + b_f) — the
// deployed computation. Training before the freeze (PyTorch's ConvBn2d scheme): the weights are
// still quantized folded with the moving statistics, but the output is normalized with the batch
// statistics as float batch norm would, and those update the moving statistics (EMA, the layer's
// momentum, biased variance as TF.js's BatchNormalization does):
//   z = conv(x, fq(w_f));  c = z / s + b;  y = act(γ · (c − μ_c) / sqrt(σ²_c + ε) + β)
// computed without the two full-size ops on c, since μ_c = μ_z / s + b and σ²_c = σ²_z / s²:
//   y = act(|γ| · (z − μ_z) / sqrt(σ²_z + ε·s²) + β)      (s has γ's sign; z carries it)
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { tensorF32 } from '../../engine/kernels/backend-data.js';
import { batchNormFold, foldWeight, hasFusedBatchNormFold, type FoldActivation } from '../kernels/batch-norm-fold-kernels.js';
import type { QuantizedWeightSpec } from '../ops/trainer-op-spec.js';
import { findWeight } from './weights.js';

let fusedEnabled = true;

/** Turns the fused fold kernels off (tests compare them with the composite ops); returns the old setting. */
export function setFusedBatchNormFold(on: boolean): boolean {
  const old = fusedEnabled;
  fusedEnabled = on;
  return old;
}

export class BatchNormFold {
  readonly epsilon: number;
  readonly momentum: number;

  constructor(readonly bn: Layer) {
    const c = bn.getConfig() as Record<string, unknown>;
    const axis = Number(c.axis ?? -1);
    if (axis !== -1 && axis !== 3) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${bn.name}' (BatchNormalization): axis ${axis} is not the channel axis of NHWC (-1 or 3)`);
    }
    this.epsilon = Number(c.epsilon ?? 1e-3);
    this.momentum = Number(c.momentum ?? 0.99);
  }

  private read(name: string): tf.Tensor | null {
    return findWeight(this.bn, name)?.read() ?? null;
  }

  /** s = γ / sqrt(moving_var + ε), one per output channel (γ = 1 when the layer has no scale). */
  scale(): tf.Tensor {
    const inv = tf.rsqrt(tf.add(this.read('moving_variance')!, this.epsilon));
    const gamma = this.read('gamma');
    return gamma ? tf.mul(gamma, inv) : inv;
  }

  /** w · s along the output channels: the last axis of the weight's quantization shape. */
  foldWeight(w: tf.Tensor, spec: QuantizedWeightSpec, s: tf.Tensor): tf.Tensor {
    const shape = spec.quantShape ? spec.quantShape(w.shape) : w.shape;
    if (spec.channelAxis !== shape.length - 1) throw new Error(`${spec.name}: batch-norm folding needs output channels on the last axis`);
    return tf.reshape(tf.mul(tf.reshape(w, shape), s), w.shape);
  }

  /** b_f = β + (b − moving_mean) · s. */
  foldBias(bias: tf.Tensor | null, s: tf.Tensor): tf.Tensor {
    const mean = this.read('moving_mean')!;
    const centered = bias ? tf.sub(bias, mean) : tf.neg(mean);
    const beta = this.read('beta');
    const scaled = tf.mul(centered, s);
    return beta ? tf.add(beta, scaled) : scaled;
  }

  /**
   * Batch norm, with the batch statistics, of c = z / s + bias where z = conv(x, fq(w · s)) (NHWC);
   * updates the moving statistics with c's batch mean and variance.
   */
  normalizeWithBatchStats(z: tf.Tensor, s: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    // Every axis but the channels (NHWC, or [N, steps, C] after a Conv1D).
    const { mean, variance } = tf.moments(z, z.shape.slice(0, -1).map((_, i) => i));
    const meanC = tf.div(mean, s);
    this.updateMoving('moving_mean', bias ? tf.add(meanC, bias) : meanC);
    this.updateMoving('moving_variance', tf.div(variance, tf.square(s)));
    // y = z · a + (β − μ_z · a), a = |γ| / sqrt(σ²_z + ε·s²): two full-size ops (tf.batchNorm's
    // gradient tiles every per-channel tensor to the full size).
    const gamma = this.read('gamma');
    const inv = tf.rsqrt(tf.add(variance, tf.mul(tf.square(s), this.epsilon)));
    const a = gamma ? tf.mul(tf.abs(gamma), inv) : inv;
    const beta = this.read('beta');
    const offset = beta ? tf.sub(beta, tf.mul(mean, a)) : tf.neg(tf.mul(mean, a));
    return tf.add(tf.mul(z, a), offset);
  }

  /** True when training with batch statistics runs as the fused kernels (cpu, wasm). */
  fused(activation: string): boolean {
    return fusedEnabled && (activation === 'linear' || activation === 'relu' || activation === 'relu6') && hasFusedBatchNormFold();
  }

  /**
   * The batch-statistics training forward as two fused kernels around the convolution `conv`:
   * wq = fq(w · s) (per channel or per tensor), z = conv(wq), y = act(normalized z); updates the
   * moving statistics. Same function as foldWeight + fake-quant + normalizeWithBatchStats.
   */
  trainFused(w: tf.Tensor, perChannel: boolean, conv: (wq: tf.Tensor) => tf.Tensor, bias: tf.Tensor | null, activation: FoldActivation): tf.Tensor {
    const movingVar = this.read('moving_variance')!;
    const gamma = this.read('gamma') ?? tf.onesLike(movingVar);
    const beta = this.read('beta') ?? tf.zerosLike(movingVar);
    const wq = foldWeight(w, gamma, movingVar, { epsilon: this.epsilon, perChannel });
    const z = conv(wq);
    const [y, mean, variance] = batchNormFold(z, gamma, beta, movingVar, { epsilon: this.epsilon, activation });
    this.updateMovingFromBatch(tensorF32(mean), tensorF32(variance), tensorF32(gamma), tensorF32(movingVar), bias ? tensorF32(bias) : null);
    return y;
  }

  /** moving ← moving − (moving − batch) · (1 − momentum) with batch mean/s + bias and variance/s², in float32. */
  private updateMovingFromBatch(mean: Float32Array, variance: Float32Array, gamma: Float32Array, movingVar: Float32Array, bias: Float32Array | null): void {
    const f = Math.fround;
    const m = f(1 - this.momentum);
    const oldMean = tensorF32(this.read('moving_mean')!);
    const c = mean.length;
    const nextMean = new Float32Array(c);
    const nextVar = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      const s = f(gamma[i] * f(1 / Math.sqrt(f(movingVar[i] + this.epsilon))));
      const batchMean = f(f(mean[i] / s) + (bias ? bias[i] : 0));
      const batchVar = f(variance[i] / f(s * s));
      nextMean[i] = f(oldMean[i] - f(f(oldMean[i] - batchMean) * m));
      nextVar[i] = f(movingVar[i] - f(f(movingVar[i] - batchVar) * m));
    }
    for (const [name, values] of [['moving_mean', nextMean], ['moving_variance', nextVar]] as const) {
      const v = findWeight(this.bn, name)!;
      const t = tf.tensor1d(values);
      v.write(t);
      t.dispose();
    }
  }

  private updateMoving(name: string, batchValue: tf.Tensor): void {
    const v = findWeight(this.bn, name)!;
    // State, not a parameter: nothing downstream of the write reaches the loss, so no gradient.
    const next = tf.tidy(() => {
      const old = v.read();
      return tf.sub(old, tf.mul(tf.sub(old, batchValue), 1 - this.momentum));
    });
    v.write(next);
    next.dispose();
  }
}
