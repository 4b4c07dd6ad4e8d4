// JsAdam (SIMD kernel, state in WebAssembly memory) follows TF.js's own Adam step for step, and
// its state survives export/import (what checkpoints do) and memory growth (many variables).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { isKernel, JsAdam } from '../toolkit/engine/optim/adam.js';
import { AdamMemory } from '../toolkit/engine/optim/adam-memory.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';

function problem(seed: number) {
  const rand = mulberry32(seed);
  const x = tf.tensor2d(Array.from({ length: 64 * 7 }, () => rand() - 0.5), [64, 7]);
  const y = tf.tensor2d(Array.from({ length: 64 * 3 }, () => rand() - 0.5), [64, 3]);
  const init = Array.from({ length: 7 * 3 }, () => rand() - 0.5);
  return { x, y, init };
}

/** Least squares in w, plus (optionally) a large second variable pulled towards 1. */
function train(opt: tf.Optimizer, w: tf.Variable, x: tf.Tensor2D, y: tf.Tensor2D, steps: number, big?: tf.Variable): void {
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const loss = () => {
        const fit = tf.mean(tf.square(tf.sub(tf.matMul(x, w), y)));
        return (big ? tf.add(fit, tf.mean(tf.square(tf.sub(big, 1)))) : fit) as tf.Scalar;
      };
      opt.minimize(loss, false, big ? [w, big] : [w]);
    });
  }
}

describe('AdamMemory kernel', () => {
  it('treats gradients below 2^-55 as zero and keeps moments out of the subnormal range (no 10x slow float path)', () => {
    const mem = new AdamMemory();
    const b = mem.allocate(6);
    mem.params(b).set([1, 1, 1, 1, 1, 1]);
    mem.grad(b).set([1e-22, -1e-20, 2 ** -56, 1e-3, NaN, 0]);
    mem.step(b, 0.9, 0.999, 1e-3, Math.sqrt(0.001), 1e-8);
    expect(Array.from(mem.m(b).subarray(0, 4))).toEqual([0, 0, 0, Math.fround(Math.fround(0.1) * Math.fround(1e-3))]);
    expect(Array.from(mem.v(b).subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(mem.params(b).subarray(0, 3))).toEqual([1, 1, 1]);
    expect(mem.params(b)[3]).toBeLessThan(1); // a real gradient still moves the weight
    expect(Number.isNaN(mem.params(b)[4])).toBe(true); // a NaN gradient is not hidden
    mem.grad(b).fill(0);
    for (let i = 0; i < 2000; i++) mem.step(b, 0.9, 0.999, 1e-3, 1, 1e-8);
    for (const x of [...mem.m(b), ...mem.v(b)]) expect(x === 0 || Number.isNaN(x) || Math.abs(x) >= 2 ** -100).toBe(true);
  });
});

describe('JsAdam', () => {
  it.each(['wasm', 'cpu'])('matches tf.train.adam over 200 steps on a least-squares problem (%s backend)', async (backend) => {
    await initBackend(backend);
    const { x, y, init } = problem(1);
    const a = tf.variable(tf.tensor2d(init, [7, 3]), true, `adam-test-a-${backend}`);
    const b = tf.variable(tf.tensor2d(init, [7, 3]), true, `adam-test-b-${backend}`);
    // A second variable large enough that its slot grows the optimizer's memory after the first
    // variable's update was handed to the backend (the cpu backend keeps arrays without copying).
    const bigA = tf.variable(tf.zeros([40_000]), true, `adam-test-bigA-${backend}`);
    const bigB = tf.variable(tf.zeros([40_000]), true, `adam-test-bigB-${backend}`);
    train(new JsAdam({ learningRate: 0.01, epsilon: 1e-8 }), a, x, y, 200, bigA);
    train(tf.train.adam(0.01, 0.9, 0.999, 1e-8), b, x, y, 200, bigB);
    expect(bigA.dataSync()[123]).toBeCloseTo(bigB.dataSync()[123], 4);
    const da = a.dataSync();
    const db = b.dataSync();
    const moved = Math.max(...init.map((v, i) => Math.abs(da[i] - v)));
    expect(moved).toBeGreaterThan(0.1); // it really trained
    for (let i = 0; i < da.length; i++) expect(Math.abs(da[i] - db[i])).toBeLessThan(1e-4);
    tf.dispose([a, b, bigA, bigB, x, y]);
  });

  it('kernelL2 λ is tf.train.adam on the loss + λ·Σw² of the kernels; biases are left alone', async () => {
    await initBackend('wasm');
    const { x, y, init } = problem(3);
    const lambda = 0.05;
    const k1 = tf.variable(tf.tensor2d(init, [7, 3]), true, 'l2-test-a/kernel');
    const b1 = tf.variable(tf.ones([3]), true, 'l2-test-a/bias');
    const k2 = tf.variable(tf.tensor2d(init, [7, 3]), true, 'l2-test-b/kernel');
    const b2 = tf.variable(tf.ones([3]), true, 'l2-test-b/bias');
    const fit = (k: tf.Variable, b: tf.Variable) => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, k), b), y)));
    const ours = new JsAdam({ learningRate: 0.01, kernelL2: lambda });
    const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 100; i++) {
      tf.tidy(() => { ours.minimize(() => fit(k1, b1) as tf.Scalar, false, [k1, b1]); });
      tf.tidy(() => { theirs.minimize(() => tf.add(fit(k2, b2), tf.mul(lambda, tf.sum(tf.square(k2)))) as tf.Scalar, false, [k2, b2]); });
    }
    const [d1, d2] = [k1.dataSync(), k2.dataSync()];
    for (let i = 0; i < d1.length; i++) expect(Math.abs(d1[i] - d2[i])).toBeLessThan(1e-4);
    const [c1, c2] = [b1.dataSync(), b2.dataSync()];
    for (let i = 0; i < c1.length; i++) expect(Math.abs(c1[i] - c2[i])).toBeLessThan(1e-4);
    // Without the penalty the kernels end elsewhere: the test can tell.
    const k3 = tf.variable(tf.tensor2d(init, [7, 3]), true, 'l2-test-c/kernel');
    const b3 = tf.variable(tf.ones([3]), true, 'l2-test-c/bias');
    const plain = new JsAdam({ learningRate: 0.01 });
    for (let i = 0; i < 100; i++) tf.tidy(() => { plain.minimize(() => fit(k3, b3) as tf.Scalar, false, [k3, b3]); });
    const d3 = k3.dataSync();
    expect(Math.max(...Array.from(d1, (v, i) => Math.abs(v - d3[i])))).toBeGreaterThan(0.01);
    tf.dispose([k1, b1, k2, b2, k3, b3, x, y]);
    // The names a QAT model's variables have.
    for (const name of ['quant_conv/kernel', 'quant_block1_dw/depthwise_kernel', 'quant_sep/pointwise_kernel', 'dense_Dense1/kernel_1']) expect(isKernel(name), name).toBe(true);
    for (const name of ['quant_logits/bias', 'quant_conv/gamma', 'quant_conv/beta', 'kernel_size']) expect(isKernel(name), name).toBe(false);
  });

  it('keeps its moments across export/import and when its memory grows', async () => {
    await initBackend('wasm');
    const { x, y, init } = problem(2);
    const w1 = tf.variable(tf.tensor2d(init, [7, 3]), true, 'adam-test-c');
    const w2 = tf.variable(tf.tensor2d(init, [7, 3]), true, 'adam-test-d');
    const opt1 = new JsAdam({ learningRate: 0.01 });
    train(opt1, w1, x, y, 30);
    // A second optimizer takes over from the first's state, as a resumed checkpoint does.
    const opt2 = new JsAdam({ learningRate: 0.01 });
    w2.assign(w1);
    const big = tf.variable(tf.zeros([300_000]), true, 'adam-test-big'); // forces a memory grow
    opt2.applyGradients([{ name: big.name, tensor: tf.onesLike(big) }]);
    const { m, v } = opt1.exportSlot(w1);
    opt2.importSlot(w2, m, v);
    opt2.steps = opt1.steps;
    train(opt1, w1, x, y, 20);
    train(opt2, w2, x, y, 20);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(big.dataSync()[0]).toBeCloseTo(-0.01, 6); // a first step moves each value by lr
    tf.dispose([w1, w2, big, x, y]);
  });
});
