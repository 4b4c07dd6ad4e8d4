// BatchNormalization folded into the convolution before it (toolkit/qat/layers/batch-norm-fold.ts):
// the batch-statistics training form equals float batch norm on c = conv(x, fq(w_f))/s + b and
// updates the moving statistics; frozen statistics make training compute exactly what inference
// (and the deployed model) computes; the exported CONV_2D / DEPTHWISE_CONV_2D carry the folded
// weights and bias (no batch-norm op); the schedule hook freezes observers and statistics; and a
// functional QAT model with folded, fused and multi-input wrappers survives a save/load round trip.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteBuffer, Model } from '../schemas/tflite.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { f32, roundHalfAway } from '../runtime/quant/rounding.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { BatchNormFold } from '../toolkit/qat/layers/batch-norm-fold.js';
import { QuantizeWrapper } from '../toolkit/qat/layers/quantize-wrapper.js';
import { findWeight } from '../toolkit/qat/layers/weights.js';
import { prepareQat, qatScheduleHook } from '../toolkit/qat/prepare.js';
import { symmetricParams } from '../toolkit/qat/quant/quant-params.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';

const L = tfl.layers;
type Sym = tfl.SymbolicTensor;

function randomArray(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => f32(lo + (hi - lo) * r()));
}

/** image [6, 6, 2] -> conv 3x3 (4 filters, bias) -> BN -> ReLU6 -> depthwise (mult 2) -> BN -> flatten. */
function convBnModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [6, 6, 2], name: 'img' });
  let y = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(x) as Sym;
  y = L.batchNormalization({ name: 'bn', momentum: 0.9 }).apply(y) as Sym;
  y = L.reLU({ maxValue: 6, name: 'relu6' }).apply(y) as Sym;
  y = L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, useBias: false, name: 'dw', depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }).apply(y) as Sym;
  y = L.batchNormalization({ name: 'bn_dw' }).apply(y) as Sym;
  y = L.flatten({ name: 'flat' }).apply(y) as Sym;
  const model = tfl.model({ inputs: x, outputs: y, name: 'convbn' });
  // Non-trivial statistics (γ of both signs) so folding is visible.
  let seed = 10;
  for (const name of ['bn', 'bn_dw']) {
    const bn = model.getLayer(name);
    const c = bn.getWeights()[0].shape[0];
    bn.setWeights([tf.tensor1d(randomArray(c, seed++, -1.5, 1.5)), tf.tensor1d(randomArray(c, seed++, -0.5, 0.5)), tf.tensor1d(randomArray(c, seed++, -0.3, 0.3)), tf.tensor1d(randomArray(c, seed++, 0.2, 2))]);
  }
  return model;
}

const batch = (seed: number, n = 8) => tf.tensor4d(randomArray(n * 72, seed, -1, 2), [n, 6, 6, 2]);
const wrappers = (m: tfl.LayersModel) => m.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
const values = (t: tf.Tensor) => Array.from(t.dataSync());
/** One training-mode forward pass (observers and batch statistics update), output discarded. */
const observe = (m: tfl.LayersModel, x: tf.Tensor) => tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('BatchNormFold', () => {
  it('normalizeWithBatchStats(z, s, b) is batch norm of c = z/s + b (γ of both signs), and updates the moving statistics by EMA', () => {
    const bn = L.batchNormalization({ momentum: 0.8, epsilon: 1e-3 });
    bn.build([null, 3, 3, 5]);
    const gamma = tf.tensor1d([1.2, -0.7, 0.4, -1.5, 0.9]);
    const beta = tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5]);
    const mean0 = tf.tensor1d([0.1, 0, -0.2, 0.3, 0]);
    const var0 = tf.tensor1d([0.5, 1, 2, 0.3, 1.1]);
    bn.setWeights([gamma, beta, mean0, var0]);
    const fold = new BatchNormFold(bn);
    const z = tf.tensor4d(randomArray(4 * 9 * 5, 3, -2, 3), [4, 3, 3, 5]);
    const bias = tf.tensor1d([0.5, -0.5, 0, 1, -1]);
    const s = fold.scale();
    expect(values(s)).toEqual(values(tf.div(gamma, tf.sqrt(tf.add(var0, 1e-3)))).map((v) => expect.closeTo(v, 6)));

    const y = fold.normalizeWithBatchStats(z, s, bias);
    const c = tf.add(tf.div(z, s), bias);
    const { mean, variance } = tf.moments(c, [0, 1, 2]);
    const expected = tf.add(tf.mul(gamma, tf.div(tf.sub(c, mean), tf.sqrt(tf.add(variance, 1e-3)))), beta);
    expect(maxDiff(y, expected)).toBeLessThan(1e-4);
    const [, , movingMean, movingVar] = bn.getWeights();
    expect(maxDiff(movingMean, tf.add(tf.mul(mean0, 0.8), tf.mul(mean, 0.2)))).toBeLessThan(1e-5);
    expect(maxDiff(movingVar, tf.add(tf.mul(var0, 0.8), tf.mul(variance, 0.2)))).toBeLessThan(1e-4);
  });
});

describe('QAT conv + batch norm', () => {
  it('inference uses the moving statistics: close to the float model, no statistics change', () => {
    const float = convBnModel();
    const qat = prepareQat(float);
    const [conv, dw] = wrappers(qat);
    expect([conv.batchNorm?.name, conv.settings.activation, dw.batchNorm?.name]).toEqual(['bn', 'relu6', 'bn_dw']);
    // Observe a few batches first so the activation ranges are realistic.
    for (let i = 0; i < 3; i++) observe(qat, batch(100 + i));
    const stats = values(findWeight(conv.batchNorm!, 'moving_mean')!.read());
    const x = batch(7);
    const q = qat.predict(x) as tf.Tensor;
    const f = float.predict(x) as tf.Tensor;
    // Int8 weights and activations: within a few output steps of the float model.
    const range = tf.max(tf.abs(f)).dataSync()[0];
    expect(maxDiff(q, f) / range).toBeLessThan(0.08);
    expect(values(findWeight(conv.batchNorm!, 'moving_mean')!.read())).toEqual(stats);
  });

  it('training before the freeze normalizes with batch statistics and moves the statistics; frozen, training computes exactly the inference output', () => {
    const qat = prepareQat(convBnModel());
    const [conv] = wrappers(qat);
    const movingMean = () => values(findWeight(conv.batchNorm!, 'moving_mean')!.read());
    const x = batch(11);
    observe(qat, x); // observers see data
    const before = movingMean();
    const trained = tf.tidy(() => qat.apply(x, { training: true }) as tf.Tensor);
    expect(movingMean()).not.toEqual(before);
    const inference = qat.predict(x) as tf.Tensor;
    expect(maxDiff(trained, inference)).toBeGreaterThan(0); // batch vs moving statistics

    qatScheduleHook(qat, { freezeObserversAfter: 0, freezeBnAfter: 0 })(0);
    expect(wrappers(qat).every((w) => w.bnFrozen && !w.observing)).toBe(true);
    const frozen = movingMean();
    const trainedFrozen = tf.tidy(() => qat.apply(x, { training: true }) as tf.Tensor);
    expect(movingMean()).toEqual(frozen);
    expect(values(trainedFrozen)).toEqual(values(qat.predict(x) as tf.Tensor));

    // Gradients reach the kernel, γ and β in both forms; the conv bias only once frozen (batch
    // statistics subtract it again, as in float batch norm).
    for (const frozenBn of [false, true]) {
      for (const w of wrappers(qat)) w.bnFrozen = frozenBn;
      const vars = conv.trainableWeights.map((v) => v.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(qat.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
      expect(Object.keys(grads).map((k) => k.replace(/_\d+$/, '').split('/').pop())).toEqual(frozenBn ? ['kernel', 'bias', 'gamma', 'beta'] : ['kernel', 'gamma', 'beta']);
      for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    }
  });

  it('qatScheduleHook: observers and statistics freeze at their steps, and the state is a function of the step', () => {
    const qat = prepareQat(convBnModel());
    const hook = qatScheduleHook(qat, { freezeObserversAfter: 5, freezeBnAfter: 3 });
    const state = () => [wrappers(qat)[0].observing, wrappers(qat)[0].bnFrozen];
    hook(0);
    expect(state()).toEqual([true, false]);
    hook(3);
    expect(state()).toEqual([true, true]);
    hook(5);
    expect(state()).toEqual([false, true]);
    hook(1); // a resumed run that restarts earlier gets the earlier state
    expect(state()).toEqual([true, false]);
  });

  it('export: no batch-norm op; CONV_2D per-channel (dim 0) and DEPTHWISE per-channel (dim 3) int8 weights = round(w·γ/sqrt(var+ε) / s_c); folded int32 bias', () => {
    const float = convBnModel();
    const qat = prepareQat(float);
    // Observe ranges with the statistics frozen, so the fold uses the float model's.
    qatScheduleHook(qat, { freezeBnAfter: 0 })(0);
    for (let i = 0; i < 3; i++) observe(qat, batch(200 + i));
    const bytes = convertToTflite(qat);
    const s = readTfliteModel(bytes);
    expect(s.subgraph.operators.map((o) => o.op)).toEqual(['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'DEQUANTIZE']);
    expect(s.operatorCodes.map((c) => [c.builtin, c.version])).toEqual([
      ['QUANTIZE', 1],
      ['CONV_2D', 3],
      ['DEPTHWISE_CONV_2D', 3],
      ['RESHAPE', 1],
      ['DEQUANTIZE', 2],
    ]);
    const buffer = (i: number) => Model.getRootAsModel(new ByteBuffer(bytes)).buffers(i)!.dataArray()!;
    const tensor = (i: number) => s.subgraph.tensors[i];

    // Fold by hand from the float layers: w_f = w·γ/sqrt(var+ε), b_f = β + (b − μ)·γ/sqrt(var+ε).
    const fold = (bnName: string) => {
      const [g, b, m, v] = float.getLayer(bnName).getWeights().map((t) => t.dataSync());
      const eps = Number(float.getLayer(bnName).getConfig().epsilon);
      const sf = Array.from(g, (gi, c) => gi / Math.sqrt(v[c] + eps));
      return { sf, bias: (own: ArrayLike<number> | null) => sf.map((k, c) => b[c] + ((own ? own[c] : 0) - m[c]) * k) };
    };
    const check = (opIndex: number, layer: string, bnName: string, outC: number, qdim: number, channelOf: (i: number) => number) => {
      const op = s.subgraph.operators[opIndex];
      const w = tensor(op.inputs[1]);
      const b = tensor(op.inputs[2]);
      const inScale = tensor(op.inputs[0]).quantization!.scale[0];
      expect(w.quantization!.scale).toHaveLength(outC);
      expect(w.quantization!.quantizedDimension).toBe(qdim);
      expect(b.quantization!.scale).toEqual(w.quantization!.scale.map((ws) => Math.fround(inScale * ws)));
      const { sf, bias } = fold(bnName);
      const kernel = float.getLayer(layer).getWeights()[0].dataSync(); // TF.js layout, output channel on the last axis(es)
      const maxAbs = new Array(outC).fill(0);
      for (let i = 0; i < kernel.length; i++) maxAbs[i % outC] = Math.max(maxAbs[i % outC], Math.abs(kernel[i] * sf[i % outC]));
      const scales = maxAbs.map((m) => symmetricParams(m).scale);
      scales.forEach((sc, c) => expect(w.quantization!.scale[c]).toBeCloseTo(sc, 6));
      const q = new Int8Array(buffer(w.buffer).slice().buffer);
      let off = 0;
      for (let i = 0; i < q.length; i++) {
        const c = channelOf(i);
        const tfjsIndex = layer === 'conv' ? (i % 18) * outC + c : i; // conv: OHWI in the file vs HWIO
        if (Math.abs(q[i] - kernel[tfjsIndex] * sf[c] / w.quantization!.scale[c]) > 0.5 + 1e-3) off++;
      }
      expect(off).toBe(0);
      const ownBias = findWeight(float.getLayer(layer), 'bias')?.read().dataSync() ?? null;
      const expectedBias = bias(ownBias).map((v, c) => roundHalfAway(v / b.quantization!.scale[c]));
      const got = Array.from(new Int32Array(buffer(b.buffer).slice().buffer));
      got.forEach((v, c) => expect(Math.abs(v - expectedBias[c])).toBeLessThanOrEqual(1));
    };
    check(1, 'conv', 'bn', 4, 0, (i) => Math.floor(i / 18)); // [4, 3, 3, 2]
    check(2, 'dw', 'bn_dw', 8, 3, (i) => i % 8); // [1, 3, 3, 8]
    expect(s.subgraph.operators[1].fusedActivation).toBe('RELU6');
    // Per-tensor on request: one scale, dimension 0.
    const perTensor = readTfliteModel(convertToTflite(prepareQat(convBnModel(), { perTensorConv: true })));
    for (const op of perTensor.subgraph.operators.slice(1, 3)) {
      const w = perTensor.subgraph.tensors[op.inputs[1]].quantization!;
      expect([w.scale.length, w.quantizedDimension]).toEqual([1, 0]);
    }
  });

  it('save -> load round trip of a functional QAT model (folded BN, fused ReLU6, Add, Concatenate, Softmax): same classes, configs, weights and predictions', async () => {
    const x = tfl.input({ shape: [6, 6, 2], name: 'img' });
    const c1 = L.reLU({ maxValue: 6, name: 'r1' }).apply(L.batchNormalization({ name: 'bn1' }).apply(L.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c1' }).apply(x))) as Sym;
    const added = L.reLU({ name: 'r2' }).apply(L.add({ name: 'add' }).apply([c1, x])) as Sym;
    const cat = L.concatenate({ name: 'cat' }).apply([added, c1]) as Sym;
    const pooled = L.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(cat) as Sym;
    const out = L.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(L.flatten({ name: 'flat' }).apply(pooled)) as Sym;
    const qat = prepareQat(tfl.model({ inputs: x, outputs: out }));
    for (let i = 0; i < 2; i++) observe(qat, batch(300 + i));

    let artifacts: tf.io.ModelArtifacts | undefined;
    await qat.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const topology = JSON.parse(JSON.stringify(artifacts!.modelTopology));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ ...artifacts!, modelTopology: topology }));
    const describe = (m: tfl.LayersModel) => wrappers(m).map((w) => [w.name, w.spec.builtin, w.settings.activation, w.batchNorm?.name ?? '-', w.perChannel, w.inboundNodes[0].inboundLayers.map((l) => l.name).join('+')]);
    expect(describe(loaded)).toEqual(describe(qat));
    expect(describe(qat).map((d) => d[1])).toEqual(['CONV_2D', 'ADD', 'CONCATENATION', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    expect(loaded.getWeights().map(values)).toEqual(qat.getWeights().map(values));
    const input = batch(9);
    expect(values(loaded.predict(input) as tf.Tensor)).toEqual(values(qat.predict(input) as tf.Tensor));
    expect(convertToTflite(loaded)).toEqual(convertToTflite(qat));
  });
});
