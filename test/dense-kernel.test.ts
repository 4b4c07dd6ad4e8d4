// The fused dense kernel (EdgeqatDense) and its gradient — explicit transposes on wasm, transposed
// matmul flags elsewhere — give TF.js's own fused matMul values and gradients on wasm and cpu.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { dense, DENSE, type DenseActivation } from '../toolkit/engine/kernels/dense-kernel.js';

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('dense kernel', () => {
  for (const backend of ['wasm', 'cpu']) {
    for (const activation of ['linear', 'relu', 'relu6'] as DenseActivation[]) {
      it(`${activation} on ${backend}: values and gradients equal tf.fused.matMul's`, async () => {
        await initBackend(backend);
        dense(tf.zeros([1, 2]), tf.zeros([2, 1]), null, 'linear').dispose();
        expect(tf.getKernel(DENSE, backend)).toBeDefined(); // our kernel, not the fallback, is under test
        tf.tidy(() => {
          const x = tf.mul(tf.randomNormal([6, 9], 0, 1, 'float32', 3), 4);
          const w = tf.randomNormal([9, 5], 0, 1, 'float32', 4);
          const bias = tf.randomNormal([5], 0, 1, 'float32', 5);
          const dy = tf.randomNormal([6, 5], 0, 1, 'float32', 6);
          const ours = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(dense(a, b, c, activation), dy)));
          const theirs = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.fused.matMul({ a, b, bias: c, activation }), dy)));
          expect(maxDiff(dense(x, w, bias, activation), tf.fused.matMul({ a: x, b: w, bias, activation }))).toBeLessThan(1e-5);
          const [ga, gb, gc] = ours([x, w, bias]);
          const [ta, tb, tc] = theirs([x, w, bias]);
          expect(maxDiff(ga, ta)).toBeLessThan(1e-4);
          expect(maxDiff(gb, tb)).toBeLessThan(1e-4);
          expect(maxDiff(gc, tc)).toBeLessThan(1e-4);
          expect(tf.tidy(() => tf.sum(tf.abs(gb)).dataSync()[0])).toBeGreaterThan(0);
        });
      });
    }
  }
});
