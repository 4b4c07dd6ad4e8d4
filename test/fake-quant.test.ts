// Fake quantization, on every backend that has the fused kernels (cpu, wasm): the fused kernel and
// the composite TF.js ops give the same float32 bits, both equal TFLite's QUANTIZE → DEQUANTIZE as
// runtime/quant/rounding.ts computes it (C `round`, ties away from zero), and the straight-through
// gradient passes dy inside the int8 range and 0 where the value was clamped.
import * as tf from '@tensorflow/tfjs-core';
// Registers the gradients of the core ops (as every trainer entry point does through tfjs-layers).
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { hasFusedFakeQuant, runFusedFakeQuant } from '../toolkit/qat/kernels/fake-quant-kernel.js';
import type { FakeQuantAttrs } from '../toolkit/qat/kernels/fake-quant-math.js';
import { fakeQuant, roundHalfAwayTensor } from '../toolkit/qat/quant/fake-quant.js';
import { INT8_ACTIVATION, INT8_WEIGHT, MIN_SCALE } from '../toolkit/qat/quant/quant-params.js';
import { fakeQuantActivation, fakeQuantWeight } from '../toolkit/qat/quant/quantizers.js';
import { fakeQuantWeightComposite, weightScaleTensor } from '../toolkit/qat/quant/weight-quantizer.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { dequantizeValue, quantizeValue } from '../runtime/quant/rounding.js';

const { qmin, qmax } = INT8_ACTIVATION;

const affine = (scale: number, zeroPoint: number): FakeQuantAttrs => ({ mode: 'affine', scale: [scale], zeroPoint: [zeroPoint], qmin, qmax, axis: -1 });

/** TFLite QUANTIZE then DEQUANTIZE of each value (the reference the trainer must simulate). */
function reference(x: Float32Array, scale: number, zp: number, lo: number = qmin, hi: number = qmax): Float32Array {
  return Float32Array.from(x, (v) => dequantizeValue(quantizeValue(v, scale, zp, lo, hi), scale, zp));
}

function fused(x: tf.Tensor, attrs: FakeQuantAttrs): Float32Array {
  return tf.tidy(() => runFusedFakeQuant(x, attrs)).dataSync() as Float32Array;
}

function composite(x: tf.Tensor, scale: number, zp: number): Float32Array {
  return tf.tidy(() => fakeQuant(x, tf.scalar(scale), tf.scalar(zp), qmin, qmax)).dataSync() as Float32Array;
}

/** Bit patterns, so -0 vs +0 and NaN payloads count as differences. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/**
 * Gradient values with -0 read as 0: the composite STE multiplies dy by a 0/1 mask (dy < 0 gives
 * -0 where clamped), the fused kernel writes +0. Both are zero to every optimizer.
 */
const gradValues = (a: Float32Array) => Array.from(a, (v) => v + 0);

/** Seeded values of mixed magnitudes: mostly inside the range of `scale`/`zp`, some far outside. */
function randomValues(n: number, seed: number, scale: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => {
    const spread = i % 10 === 0 ? 400 : 140; // every 10th value may clamp on either side
    return Math.fround((random() * 2 - 1) * spread * scale);
  });
}

/** x with x/scale exactly k + 0.5 (scale a power of two, so the division is exact in float32). */
function ties(scale: number, from: number, to: number): Float32Array {
  const out: number[] = [];
  for (let k = from; k <= to; k++) out.push((k + 0.5) * scale);
  return Float32Array.from(out);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fake-quant on ${backend}`, () => {
    beforeAll(async () => {
      expect(await initBackend(backend)).toBe(backend);
      expect(hasFusedFakeQuant()).toBe(true);
    });
    afterAll(() => tf.disposeVariables());

    it('rounds ties away from zero, negative ties included', () => {
      const x = tf.tensor1d([0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 126.5, -127.5]);
      const expected = [1, -1, 2, -2, 3, -3, 0, 0, 127, -128];
      expect(Array.from(fused(x, affine(1, 0)))).toEqual(expected);
      expect(Array.from(composite(x, 1, 0))).toEqual(expected);
      // roundHalfAwayTensor keeps the sign, like C round: round(-0.49999997) is -0.
      expect(Array.from(tf.tidy(() => roundHalfAwayTensor(x)).dataSync())).toEqual([1, -1, 2, -2, 3, -3, 0, -0, 127, -128]);
      // With a zero point the tie is on x/s, before zp is added: 2.5 → 3 (+5 = 8) → (8 - 5) · 0.5.
      const y = tf.tensor1d([1.25, -1.25, 0.75, -0.75]);
      expect(Array.from(fused(y, affine(0.5, 5)))).toEqual([1.5, -1.5, 1, -1]);
      expect(Array.from(composite(y, 0.5, 5))).toEqual([1.5, -1.5, 1, -1]);
      tf.dispose([x, y]);
    });

    it('clamps to [qmin, qmax] around the zero point', () => {
      // scale 0.1, zp -28: representable reals are (q + 28) · 0.1 for q in [-128, 127] = [-10, 15.5].
      const x = tf.tensor1d([100, -100, 15.5, 15.56, -10, -10.04, -10.06, 1e30, -1e30]);
      const expected = reference(x.dataSync() as Float32Array, Math.fround(0.1), -28);
      expect(expected[0]).toBe(Math.fround(Math.fround(0.1) * 155));
      expect(expected[1]).toBe(Math.fround(Math.fround(0.1) * -100));
      expect(bits(fused(x, affine(Math.fround(0.1), -28)))).toEqual(bits(expected));
      expect(bits(composite(x, Math.fround(0.1), -28))).toEqual(bits(expected));
      x.dispose();
    });

    const cases = [
      { scale: 1, zp: 0 },
      { scale: 0.0625, zp: -7 },
      { scale: Math.fround(2 / 255), zp: 38 }, // range [-1.3, 0.7] (docs/int8-semantics.md §2's example)
      { scale: Math.fround(0.0123456), zp: -128 },
      { scale: Math.fround(3.7), zp: 127 },
    ];
    for (const { scale, zp } of cases) {
      it(`fused == composite == TFLite QUANTIZE/DEQUANTIZE, bit for bit (scale ${scale}, zp ${zp})`, () => {
        const random = randomValues(20_000, Math.round(scale * 1e6) + zp, scale);
        const exactTies = Number.isInteger(Math.log2(scale)) ? ties(scale, -140, 140) : new Float32Array(0);
        const data = new Float32Array(random.length + exactTies.length);
        data.set(random);
        data.set(exactTies, random.length);
        const x = tf.tensor1d(data);
        const expected = reference(data, scale, zp);
        expect(bits(fused(x, affine(scale, zp)))).toEqual(bits(expected));
        expect(bits(composite(x, scale, zp))).toEqual(bits(expected));
        // The dispatcher used by the layers picks the fused kernel here and gives the same values.
        const viaLayers = tf.tidy(() => fakeQuantActivation(x, { scale, zeroPoint: zp })).dataSync() as Float32Array;
        expect(bits(viaLayers)).toEqual(bits(expected));
        // Both sides of the range are exercised.
        const q = Array.from(data, (v) => quantizeValue(v, scale, zp));
        expect(q).toContain(qmin);
        expect(q).toContain(qmax);
        x.dispose();
      });
    }

    it('STE gradient (affine): dy where round(x/s) + zp is in range, 0 where clamped', () => {
      // scale 1, zp 0: q = round(x). 127.49 → 127 (in), 127.5 → 128 (clamped), -128.49 → -128 (in), -128.5 → -129.
      const xs = [0, 3.3, -3.3, 127.49, 127.5, 200, -128.49, -128.5, -300, 126.5];
      const inRange = [1, 1, 1, 1, 0, 0, 1, 0, 0, 1];
      const x = tf.tensor1d(xs);
      const dy = tf.tensor1d(xs.map((_, i) => i + 1.5));
      const gFused = tf.grad((t: tf.Tensor) => runFusedFakeQuant(t, affine(1, 0)))(x, dy);
      const gComposite = tf.grad((t: tf.Tensor) => fakeQuant(t, tf.scalar(1), tf.scalar(0), qmin, qmax))(x, dy);
      const expected = xs.map((_, i) => (inRange[i] ? i + 1.5 : 0));
      expect(Array.from(gFused.dataSync())).toEqual(expected);
      expect(Array.from(gComposite.dataSync())).toEqual(expected);
      tf.dispose([x, dy, gFused, gComposite]);
    });

    it('STE gradient (affine) agrees between fused and composite on random data', () => {
      const scale = Math.fround(0.05);
      const data = randomValues(4096, 7, scale);
      const x = tf.tensor2d(data, [64, 64]);
      const dy = tf.tensor2d(randomValues(4096, 8, 1), [64, 64]);
      const gFused = tf.grad((t: tf.Tensor) => runFusedFakeQuant(t, affine(scale, 10)))(x, dy).dataSync() as Float32Array;
      const gComposite = tf.grad((t: tf.Tensor) => fakeQuant(t, tf.scalar(scale), tf.scalar(10), qmin, qmax))(x, dy).dataSync() as Float32Array;
      expect(gradValues(gFused)).toEqual(gradValues(gComposite));
      const dyData = dy.dataSync();
      let clamped = 0;
      for (let i = 0; i < data.length; i++) {
        const raw = Math.round(data[i] / scale) + 10; // far from ties: Math.round is fine for this count
        const inside = raw >= qmin && raw <= qmax;
        if (!inside) clamped++;
        if (Math.abs(raw - (data[i] / scale + 10)) < 0.49) expect(gFused[i]).toBe(inside ? dyData[i] : 0);
      }
      expect(clamped).toBeGreaterThan(50);
      tf.dispose([x, dy]);
    });

    it('symmetric weights: scale = max|w| / 127, values in [-127, 127] steps, gradient passes dy whole', () => {
      const data = randomValues(600, 11, 0.01);
      const w = tf.tensor2d(data, [30, 20]);
      let maxAbs = 0;
      for (const v of data) maxAbs = Math.max(maxAbs, Math.abs(v));
      const scale = Math.fround(maxAbs / 127);
      const expected = reference(data, scale, 0, INT8_WEIGHT.qmin, INT8_WEIGHT.qmax);
      const config = { perChannel: false, channelAxis: 1 };
      expect(weightScaleTensor(w, config).dataSync()[0]).toBe(scale);
      expect(bits(tf.tidy(() => fakeQuantWeight(w, config)).dataSync() as Float32Array)).toEqual(bits(expected));
      expect(bits(tf.tidy(() => fakeQuantWeightComposite(w, config)).dataSync() as Float32Array)).toEqual(bits(expected));
      // The largest |w| maps to ±127 exactly (narrow range: -128 is never used).
      const q = Array.from(data, (v) => quantizeValue(v, scale, 0, -127, 127));
      expect(Math.max(...q.map(Math.abs))).toBe(127);
      expect(q).not.toContain(-128);

      const dy = tf.tensor2d(randomValues(600, 12, 1), [30, 20]);
      const gFused = tf.grad((t: tf.Tensor) => fakeQuantWeight(t, config))(w, dy);
      const gComposite = tf.grad((t: tf.Tensor) => fakeQuantWeightComposite(t, config))(w, dy);
      expect(bits(gFused.dataSync() as Float32Array)).toEqual(bits(dy.dataSync() as Float32Array));
      expect(bits(gComposite.dataSync() as Float32Array)).toEqual(bits(dy.dataSync() as Float32Array));
      tf.dispose([w, dy, gFused, gComposite]);
    });

    it('per-channel symmetric weights on the last axis: one scale max|w_c| / 127 per column', () => {
      const rows = 50;
      const cols = 12;
      const data = randomValues(rows * cols, 21, 0.02);
      for (let r = 0; r < rows; r++) {
        data[r * cols + 3] *= 40; // a wide column
        data[r * cols + 7] = 0; // an all-zero column gets the minimum scale, not a division by 0
      }
      const w = tf.tensor2d(data, [rows, cols]);
      const scales = Array.from({ length: cols }, (_, c) => {
        let m = 0;
        for (let r = 0; r < rows; r++) m = Math.max(m, Math.abs(data[r * cols + c]));
        return Math.fround(Math.max(Math.fround(m / 127), Math.fround(MIN_SCALE)));
      });
      expect(new Set(scales).size).toBe(cols);
      const expected = Float32Array.from(data, (v, i) => {
        const s = scales[i % cols];
        return dequantizeValue(quantizeValue(v, s, 0, -127, 127), s, 0);
      });
      const config = { perChannel: true, channelAxis: 1 };
      expect(Array.from(weightScaleTensor(w, config).dataSync())).toEqual(scales);
      const viaKernel = fused(w, { mode: 'symmetric', scale: [], zeroPoint: [], qmin: -127, qmax: 127, axis: 1 });
      expect(bits(viaKernel)).toEqual(bits(expected));
      expect(bits(tf.tidy(() => fakeQuantWeight(w, config)).dataSync() as Float32Array)).toEqual(bits(expected));
      expect(bits(tf.tidy(() => fakeQuantWeightComposite(w, config)).dataSync() as Float32Array)).toEqual(bits(expected));
      for (let c = 0; c < cols; c++) {
        const qc = Array.from({ length: rows }, (_, r) => quantizeValue(data[r * cols + c], scales[c], 0, -127, 127));
        expect(Math.max(...qc.map(Math.abs))).toBe(c === 7 ? 0 : 127);
      }
      w.dispose();
    });

    it('per-channel on a middle axis of a 3-D tensor matches the composite ops', () => {
      const data = randomValues(3 * 5 * 4, 31, 0.1);
      const w = tf.tensor3d(data, [3, 5, 4]);
      const config = { perChannel: true, channelAxis: 1 };
      const viaKernel = fused(w, { mode: 'symmetric', scale: [], zeroPoint: [], qmin: -127, qmax: 127, axis: 1 });
      expect(bits(viaKernel)).toEqual(bits(tf.tidy(() => fakeQuantWeightComposite(w, config)).dataSync() as Float32Array));
      w.dispose();
    });
  });
}
