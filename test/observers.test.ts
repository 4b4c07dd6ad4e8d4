// Quantization parameters and observers: TFLite's asymmetric/symmetric int8 parameters
// (docs/int8-semantics.md §2), and the Observer state held in a real layer weight of a QuantizeStub: first batch sets
// the range, then min/max or an EMA with constant 0.01; inference calls do not update it; the state
// survives save/load and setWeights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { QuantizeStub } from '../toolkit/qat/layers/quantize-stub.js';
import { type ObserverConfig } from '../toolkit/qat/quant/observers.js';
import { asymmetricParams, MIN_SCALE, symmetricParams } from '../toolkit/qat/quant/quant-params.js';
import { dequantizeValue, quantizeValue } from '../runtime/quant/rounding.js';

const f32 = Math.fround;

describe('asymmetricParams / symmetricParams', () => {
  it('range [-1.3, 0.7] gives scale f32(2/255) and zero point 38 (TFLite converter)', () => {
    const p = asymmetricParams(-1.3, 0.7);
    expect(p.zeroPoint).toBe(38);
    expect(p.scale).toBe(f32(f32(f32(0.7) - f32(-1.3)) / 255));
    expect(p.scale).toBeCloseTo(2 / 255, 9);
    // The real value 0 is exactly representable: q = zp.
    expect(quantizeValue(0, p.scale, p.zeroPoint)).toBe(38);
    expect(quantizeValue(-1.3, p.scale, p.zeroPoint)).toBe(-128);
    expect(quantizeValue(0.7, p.scale, p.zeroPoint)).toBe(127);
  });

  it('widens the range to include 0', () => {
    expect(asymmetricParams(0.5, 2)).toEqual(asymmetricParams(0, 2));
    expect(asymmetricParams(0.5, 2)).toEqual({ scale: f32(2 / 255), zeroPoint: -128 });
    expect(asymmetricParams(-2, -0.5)).toEqual({ scale: f32(2 / 255), zeroPoint: 127 });
  });

  it('zero point rounds half away from zero and is clamped to [-128, 127]', () => {
    // hi - lo = 255/256 makes the scale exactly 1/256, so qmin - lo/scale is an exact tie.
    // -128 - (-127.5) = -0.5 → -1 with C round (JS Math.round would give -0); -128 + 128.5 = 0.5 → 1.
    expect(asymmetricParams(-127.5 / 256, 127.5 / 256)).toEqual({ scale: 1 / 256, zeroPoint: -1 });
    expect(asymmetricParams(-128.5 / 256, 126.5 / 256)).toEqual({ scale: 1 / 256, zeroPoint: 1 });
    expect(asymmetricParams(-1e-30, 5).zeroPoint).toBe(-128);
    expect(asymmetricParams(-5, 1e-30).zeroPoint).toBe(127);
  });

  it('an empty range [0, 0] gets the minimum scale instead of dividing by zero', () => {
    expect(asymmetricParams(0, 0)).toEqual({ scale: f32(MIN_SCALE), zeroPoint: -128 });
    expect(symmetricParams(0)).toEqual({ scale: f32(MIN_SCALE), zeroPoint: 0 });
  });

  it('symmetric scale = max|w| / 127 in float32, zero point 0', () => {
    for (const m of [0.05, 1, 3.3, 127, 1e-3]) {
      expect(symmetricParams(m)).toEqual({ scale: f32(f32(m) / 127), zeroPoint: 0 });
      // ±max maps to ±127 and never to -128 (narrow range).
      const s = symmetricParams(m).scale;
      expect(quantizeValue(f32(m), s, 0, -127, 127)).toBe(127);
      expect(quantizeValue(-f32(m), s, 0, -127, 127)).toBe(-127);
    }
  });
});

/** A one-layer model whose QuantizeStub observes a [?, 6] input. */
function stubModel(observer: ObserverConfig): { model: tfl.Sequential; stub: QuantizeStub } {
  const model = tfl.sequential();
  const stub = new QuantizeStub({ name: 'quant_input', inputShape: [6], observer });
  model.add(stub);
  return { model, stub };
}

/** Runs the stub on one batch, in training or inference mode; returns the fake-quant output. */
function call(stub: QuantizeStub, rows: number[][], training: boolean): Float32Array {
  return tf.tidy(() => (stub.apply(tf.tensor2d(rows), { training }) as tf.Tensor).dataSync() as Float32Array);
}

const stateOf = (stub: QuantizeStub) => Array.from(stub.getWeights()[0].dataSync());

const batchA = [
  [-0.5, 0.25, 1.75, 2, 0.1, 0],
  [0.3, -0.2, 0.9, 1.1, 1.2, -0.4],
];
const batchB = [
  [-3, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.1, 0.2, 0.3, 4, 0.5, 0.6],
];
const batchC = [[-100, 100, 0, 0, 0, 0]];

describe('Observer in a QuantizeStub', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('keeps its state in one non-trainable [3] weight, initially zeros (not seen)', () => {
    const { stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    expect(stub.trainableWeights).toHaveLength(0);
    expect(stub.nonTrainableWeights).toHaveLength(1);
    expect(stub.nonTrainableWeights[0].shape).toEqual([3]);
    expect(stub.nonTrainableWeights[0].originalName).toMatch(/input_range$/);
    expect(stateOf(stub)).toEqual([0, 0, 0]);
  });

  it('minmax: the first batch sets the range, later batches widen it, inference leaves it alone', () => {
    const { stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    call(stub, batchA, true);
    expect(stateOf(stub)).toEqual([-0.5, 2, 1]);
    call(stub, batchC, false); // inference: must not update
    expect(stateOf(stub)).toEqual([-0.5, 2, 1]);
    call(stub, batchB, true);
    expect(stateOf(stub)).toEqual([-3, 4, 1]);
    call(stub, batchA, true); // narrower batch: minmax keeps the widest range
    expect(stateOf(stub)).toEqual([-3, 4, 1]);
    expect(stub.inputObserver.range()).toEqual({ min: -3, max: 4, params: asymmetricParams(-3, 4) });
  });

  it('moving-average: the first batch sets the range, then min/max move 1% toward each batch', () => {
    const { stub } = stubModel({ kind: 'moving-average', averagingConstant: 0.01 });
    call(stub, batchA, true);
    expect(stateOf(stub)).toEqual([-0.5, 2, 1]);
    call(stub, batchC, false);
    expect(stateOf(stub)).toEqual([-0.5, 2, 1]);
    call(stub, batchB, true);
    let [min, max] = [-0.5, 2];
    min = f32(min + (-3 - min) * 0.01);
    max = f32(max + (4 - max) * 0.01);
    expect(stateOf(stub)).toEqual([min, max, 1]);
    expect(min).toBeCloseTo(-0.525, 6);
    expect(max).toBeCloseTo(2.02, 6);
    call(stub, batchC, true);
    const min2 = f32(min + (-100 - min) * 0.01);
    const max2 = f32(max + (100 - max) * 0.01);
    expect(stateOf(stub)).toEqual([min2, max2, 1]);
    expect(min2).toBeCloseTo(0.99 * -0.525 - 1, 5);
  });

  it('the output is fake-quantized with the params of the updated range (0 always included)', () => {
    const { stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    const positive = [[0.5, 0.75, 1, 1.5, 2, 1.25]];
    const out = call(stub, positive, true);
    // Stored range is the data's [0.5, 2]; the params widen it to [0, 2] (zp -128).
    expect(stateOf(stub)).toEqual([0.5, 2, 1]);
    const { params } = stub.inputObserver.range();
    expect(params).toEqual({ scale: f32(2 / 255), zeroPoint: -128 });
    const expected = positive[0].map((v) => dequantizeValue(quantizeValue(v, params.scale, params.zeroPoint), params.scale, params.zeroPoint));
    expect(Array.from(out)).toEqual(expected);
    // Inference with values outside the range clamps them (-1 → 0, 3 → 255·s) instead of updating it.
    const outside = call(stub, [[-1, 0, 3, 2, 1, 0]], false);
    expect(outside[0]).toBe(0);
    expect(outside[2]).toBe(f32(255 * params.scale));
    expect(Array.from(outside)).toEqual([-1, 0, 3, 2, 1, 0].map((v) => dequantizeValue(quantizeValue(v, params.scale, -128), params.scale, -128)));
    expect(stateOf(stub)).toEqual([0.5, 2, 1]);
  });

  it('does not observe while observing is switched off (frozen ranges)', () => {
    const { stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    call(stub, batchA, true);
    stub.observing = false;
    call(stub, batchB, true);
    expect(stateOf(stub)).toEqual([-0.5, 2, 1]);
  });

  it('the state survives a save/load round trip, and the EMA continues from it', async () => {
    const observer: ObserverConfig = { kind: 'moving-average', averagingConstant: 0.01 };
    const { model, stub } = stubModel(observer);
    call(stub, batchA, true);
    call(stub, batchB, true);
    const saved = stateOf(stub);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const loadedStub = loaded.layers[0] as QuantizeStub;
    expect(loadedStub).toBeInstanceOf(QuantizeStub);
    expect(loadedStub.observer).toEqual(observer);
    expect(stateOf(loadedStub)).toEqual(saved);
    expect(loadedStub.inputObserver.range()).toEqual(stub.inputObserver.range());
    // Same fake-quant outputs in inference.
    expect(call(loadedStub, batchC, false)).toEqual(call(stub, batchC, false));
    // `seen` was saved too: the next training batch is averaged in, not taken as a first batch.
    call(loadedStub, batchC, true);
    call(stub, batchC, true);
    expect(stateOf(loadedStub)).toEqual(stateOf(stub));
    expect(stateOf(loadedStub)[0]).toBeGreaterThan(-100);
  });

  it('observing outside tf.tidy does not leak tensors', () => {
    const { stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    const x = tf.tensor2d(batchA);
    (stub.apply(x, { training: true }) as tf.Tensor).dispose(); // builds the layer
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) (stub.apply(x, { training: true }) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('setWeights on an observer that already ran replaces its range (the weight is the source of truth)', () => {
    const { model, stub } = stubModel({ kind: 'minmax', averagingConstant: 0.01 });
    call(stub, batchA, true);
    expect(stub.inputObserver.range().min).toBe(-0.5);
    model.setWeights([tf.tensor1d([-5, 5, 1])]);
    expect(stateOf(stub)).toEqual([-5, 5, 1]);
    expect(stub.inputObserver.range()).toEqual({ min: -5, max: 5, params: asymmetricParams(-5, 5) });
    // And the next training batch continues from the restored range.
    call(stub, batchB, true);
    expect(stateOf(stub)).toEqual([-5, 5, 1]);
  });
});
