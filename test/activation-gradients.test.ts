// The one-kernel ReLU / ReLU6 gradients and the Mean gradient (toolkit/engine/kernels/
// activation-gradients.ts) give TF.js's own formulas' values on wasm (SIMD in place, with a tail of
// 1-3 elements) and cpu (JS loop), at the edges (x exactly 0 and 6) too.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';

function data(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 6 : Math.fround((r() - 0.3) * 10)));
}

/** +0 for -0: the composite multiplies by a 0 mask (-0 for a negative dy), the kernel selects 0. */
const values = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);

describe('activation and mean gradients', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: ReLU and ReLU6 gradients equal dy·step(x) and dy·(x <= 6)·step(x); Mean's equals dy / n broadcast`, async () => {
      await initBackend(backend);
      for (const n of [4, 67, 1001]) {
        const x = tf.tensor1d(data(n, n));
        const dy = tf.tensor1d(data(n, n + 1));
        const [reluGrad] = tf.grads((v: tf.Tensor) => tf.mul(tf.relu(v), dy))([x]);
        const [relu6Grad] = tf.grads((v: tf.Tensor) => tf.mul(tf.relu6(v), dy))([x]);
        expect(values(reluGrad), `relu n=${n}`).toEqual(values(tf.mul(dy, tf.step(x))));
        expect(values(relu6Grad), `relu6 n=${n}`).toEqual(values(tf.mul(dy, tf.mul(tf.lessEqual(x, 6), tf.step(x)))));
      }
      const x4 = tf.tensor4d(data(2 * 3 * 5 * 4, 9), [2, 3, 5, 4]);
      const w = tf.tensor2d(data(8, 10), [2, 4]);
      const [meanGrad] = tf.grads((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, [1, 2]), w)))([x4]);
      expect(values(meanGrad)).toEqual(values(tf.tile(tf.div(tf.reshape(w, [2, 1, 1, 4]), 15), [1, 3, 5, 1])));
    });
  }
});
