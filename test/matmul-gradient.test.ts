// The BatchMatMul gradient installed for the wasm backend (explicit transposes) must give the
// same gradients as the textbook formulas for every transpose combination.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';

describe('fast BatchMatMul gradient', () => {
  it('matches dA = dY·op(B)ᵀ, dB = op(A)ᵀ·dY for all transpose flags, on wasm and cpu', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await initBackend(backend);
      const a = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
      const b = tf.randomNormal([4, 5], 0, 1, 'float32', 2);
      const w = tf.reshape(tf.range(0, 15), [3, 5]); // dY
      for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        const A = ta ? tf.transpose(a) : a;
        const B = tb ? tf.transpose(b) : b;
        const [gA, gB] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)))([A, B]);
        // Textbook gradients in the untransposed space, mapped back through the transposes.
        const dA = tf.matMul(w, tf.transpose(b));
        const dB = tf.matMul(tf.transpose(a), w);
        expect(Array.from(gA.dataSync())).toEqual(Array.from((ta ? tf.transpose(dA) : dA).dataSync()));
        expect(Array.from(gB.dataSync())).toEqual(Array.from((tb ? tf.transpose(dB) : dB).dataSync()));
      }
    }
  });
});
