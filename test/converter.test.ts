// The converter on a QAT MLP trained on 2,000 real MNIST images: the file's structure (header, op
// codes and versions, int8 weights, int32 biases, fused activations, quantization of every
// activation, buffers and alignment, size), the --int8-io and per-channel variants, and numerical
// parity: the file run by the TFLite interpreter (tfjs-tflite, WebAssembly) against the fake-quant
// model on the 10,000 MNIST test images.
//
// Measured (tfjs-tflite 0.0.1-alpha.10, wasm backend, seed 0; EDGEQAT_REPORT=1 prints it):
// predictions agree on 100% of the 10,000 images, 100% of the 100,000 output values are within one
// output step (99.91-99.92% are the same int8 value), test accuracy ≈84% for both after 63 steps.
// Against TF 2.21's BUILTIN_REF interpreter the same files gave bit-identical outputs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteBuffer, Model } from '../schemas/tflite.js';
import { loadDataset, type Split } from '../runtime/datasets/datasets.js';
import { dequantize, type Engine } from '../runtime/engines/engine.js';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { readTfliteModel, type ModelSummary, type TensorSummary } from '../runtime/model-reader.js';
import { dequantizeValue, quantizeValue, roundHalfAway } from '../runtime/quant/rounding.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { QuantizeStub } from '../toolkit/qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../toolkit/qat/layers/quantize-wrapper.js';
import { findWeight } from '../toolkit/qat/layers/weights.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { symmetricParams } from '../toolkit/qat/quant/quant-params.js';
import { fakeQuantWeight } from '../toolkit/qat/quant/quantizers.js';
import { predictClasses, trainModel } from '../toolkit/engine/train.js';

const FEATURES = 784;
const CLASSES = 10;
const TRAIN_COUNT = 2000;
const UNITS = [
  [100, 784],
  [100, 100],
  [10, 100],
];

async function trainQat(model: tfl.LayersModel, train: Split, count = TRAIN_COUNT): Promise<tfl.LayersModel> {
  await trainModel(model, { inputs: train.inputs, labels: train.labels, count, featureSize: FEATURES }, { epochs: 1, batchSize: 32, lr: 1e-3, seed: 0, numClasses: CLASSES });
  return model;
}

/** Fake-quant model outputs (inference mode) for the first `n` images. */
function fakeQuantOutputs(model: tfl.LayersModel, images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * CLASSES);
  for (let start = 0; start < n; start += 1000) {
    const m = Math.min(1000, n - start);
    const y = tf.tidy(() => (model.predict(tf.tensor2d(images.subarray(start * FEATURES, (start + m) * FEATURES), [m, FEATURES])) as tf.Tensor).dataSync());
    out.set(y, start * CLASSES);
  }
  return out;
}

function argmaxRows(values: ArrayLike<number>, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (values[i * CLASSES + c] > values[i * CLASSES + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Constant data of a tensor, straight from the FlatBuffer, with its byte offset in the file. */
function constantData(bytes: Uint8Array, bufferIndex: number): { data: Uint8Array; offset: number } {
  const buffer = Model.getRootAsModel(new ByteBuffer(bytes)).buffers(bufferIndex)!;
  const data = buffer.dataArray()!;
  return { data, offset: data.byteOffset - bytes.byteOffset };
}

const int8Of = (bytes: Uint8Array, t: TensorSummary) => {
  const { data } = constantData(bytes, t.buffer);
  return new Int8Array(data.buffer, data.byteOffset, data.byteLength);
};
const int32Of = (bytes: Uint8Array, t: TensorSummary) => {
  const { data } = constantData(bytes, t.buffer);
  return new Int32Array(data.slice().buffer);
};

function wrappers(model: tfl.LayersModel): QuantizeWrapper[] {
  return model.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
}

describe('converter: QAT MLP trained on 2,000 MNIST images', () => {
  let train: Split;
  let test: Split;
  let qat: tfl.LayersModel;
  let bytes: Uint8Array;
  let int8IoBytes: Uint8Array;
  let summary: ModelSummary;
  const engines: Engine[] = [];

  beforeAll(async () => {
    await initBackend('wasm');
    const ds = loadDataset('mnist');
    train = ds.train!;
    test = ds.test!;
    qat = await trainQat(prepareQat(buildMlp(0)), train);
    bytes = convertToTflite(qat);
    int8IoBytes = convertToTflite(qat, { int8Io: true });
    summary = readTfliteModel(bytes);
  });
  afterAll(() => engines.forEach((e) => e.dispose()));

  const tensor = (i: number) => summary.subgraph.tensors[i];
  const fcOps = () => summary.subgraph.operators.filter((op) => op.op === 'FULLY_CONNECTED');

  it('header: identifier TFL3, schema version 3, one subgraph, size ≤ 100 KB', () => {
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    expect(summary.version).toBe(3);
    expect(summary.subgraphCount).toBe(1);
    expect(bytes.length).toBeLessThanOrEqual(100 * 1024);
    // 89,400 int8 weights + 210 int32 biases dominate; the rest is FlatBuffer overhead.
    expect(bytes.length).toBeGreaterThan(89_400 + 840);
  });

  it('ops: QUANTIZE → FULLY_CONNECTED ×3 → DEQUANTIZE with the TF converter versions 1, 4, 2', () => {
    const ops = summary.subgraph.operators;
    expect(ops.map((op) => op.op)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    expect(ops.map((op) => summary.operatorCodes[op.opcodeIndex].version)).toEqual([1, 4, 4, 4, 2]);
    expect(summary.operatorCodes.map((c) => [c.builtin, c.builtinCode, c.version])).toEqual([
      ['QUANTIZE', 114, 1],
      ['FULLY_CONNECTED', 9, 4],
      ['DEQUANTIZE', 6, 2],
    ]);
    // Both code fields are written; deprecated_builtin_code (a byte) equals the code below 127.
    const model = Model.getRootAsModel(new ByteBuffer(bytes));
    const codes = Array.from({ length: model.operatorCodesLength() }, (_, i) => model.operatorCodes(i)!);
    expect(codes.map((c) => [c.deprecatedBuiltinCode(), c.builtinCode()])).toEqual([
      [114, 114],
      [9, 9],
      [6, 6],
    ]);
    // The ops form one chain: each op's output feeds the next, from the model input to its output.
    let current = summary.subgraph.inputs[0];
    for (const op of ops) {
      expect(op.inputs[0]).toBe(current);
      expect(op.outputs).toHaveLength(1);
      current = op.outputs[0];
    }
    expect(summary.subgraph.outputs).toEqual([current]);
  });

  it('float I/O: float32 [1,784] input (batch -1), float32 [1,10] output, no quantization on them', () => {
    const input = tensor(summary.subgraph.inputs[0]);
    const output = tensor(summary.subgraph.outputs[0]);
    expect([input.dtype, input.shape, input.shapeSignature, input.quantization]).toEqual(['FLOAT32', [1, 784], [-1, 784], null]);
    expect([output.dtype, output.shape, output.shapeSignature, output.quantization]).toEqual(['FLOAT32', [1, 10], [-1, 10], null]);
  });

  it('FULLY_CONNECTED weights: int8 [out, in], zero point 0, values in [-127, 127], = round(Wᵀ / s) of the trained kernel', () => {
    const qatWrappers = wrappers(qat);
    fcOps().forEach((op, k) => {
      const w = tensor(op.inputs[1]);
      expect(w.dtype).toBe('INT8');
      expect(w.shape).toEqual(UNITS[k]);
      expect(w.quantization!.zeroPoint).toEqual([0]);
      expect(w.quantization!.scale).toHaveLength(1);
      const [out, inUnits] = UNITS[k];
      const values = int8Of(bytes, w);
      expect(values.length).toBe(out * inUnits);
      let maxAbs = 0;
      for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
      expect(maxAbs).toBe(127); // per-tensor: the largest |w| is exactly ±127, and -128 never occurs
      expect(values).not.toContain(-128);

      // The same numbers the trainer's fake-quant used: s = max|W| / 127, q = round(W / s).
      const kernel = findWeight(qatWrappers[k].layer, 'kernel')!.read().dataSync() as Float32Array; // [in, out]
      let kMax = 0;
      for (const v of kernel) kMax = Math.max(kMax, Math.abs(v));
      const s = symmetricParams(kMax).scale;
      expect(w.quantization!.scale[0]).toBe(s);
      const expected = new Int8Array(out * inUnits);
      for (let o = 0; o < out; o++) for (let i = 0; i < inUnits; i++) expected[o * inUnits + i] = quantizeValue(kernel[i * out + o], s, 0, -127, 127);
      expect(values).toEqual(expected);
      // Dequantized, they are exactly the weights the fake-quant forward pass multiplied with.
      const simulated = tf.tidy(() => fakeQuantWeight(tf.tensor2d(kernel, [inUnits, out]), { perChannel: false, channelAxis: 1 }).dataSync());
      let mismatches = 0;
      for (let o = 0; o < out; o++) for (let i = 0; i < inUnits; i++) if (dequantizeValue(values[o * inUnits + i], s, 0) !== simulated[i * out + o]) mismatches++;
      expect(mismatches).toBe(0);
    });
  });

  it('biases: int32 [out], zero point 0, scale = f32(input scale × weight scale), = round(b / scale)', () => {
    const qatWrappers = wrappers(qat);
    fcOps().forEach((op, k) => {
      const input = tensor(op.inputs[0]);
      const w = tensor(op.inputs[1]);
      const b = tensor(op.inputs[2]);
      expect(b.dtype).toBe('INT32');
      expect(b.shape).toEqual([UNITS[k][0]]);
      expect(b.quantization!.zeroPoint).toEqual([0]);
      const scale = Math.fround(input.quantization!.scale[0] * w.quantization!.scale[0]);
      expect(b.quantization!.scale).toEqual([scale]);
      const bias = findWeight(qatWrappers[k].layer, 'bias')!.read().dataSync() as Float32Array;
      expect(Array.from(int32Of(bytes, b))).toEqual(Array.from(bias, (v) => roundHalfAway(v / scale)));
    });
  });

  it('fused activations: RELU, RELU, NONE; FullyConnectedOptions with default weights format', () => {
    expect(fcOps().map((op) => op.fusedActivation)).toEqual(['RELU', 'RELU', 'NONE']);
    for (const op of fcOps()) {
      expect(op.optionsType).toBe('FullyConnectedOptions');
      expect(op.options).toMatchObject({ weightsFormat: 'DEFAULT', keepNumDims: false, asymmetricQuantizeInputs: false });
    }
  });

  it('every int8 activation has one scale and zero point: the observer ranges of the QAT model', () => {
    const stub = qat.layers.find((l): l is QuantizeStub => l instanceof QuantizeStub)!;
    const expected = [stub.inputObserver.range().params, ...wrappers(qat).map((w) => w.outputObserver.range().params)];
    const activations = [summary.subgraph.operators[0], ...fcOps()].map((op) => tensor(op.outputs[0]));
    expect(activations.map((t) => [t.dtype, t.buffer, t.bufferBytes])).toEqual(activations.map(() => ['INT8', 0, 0]));
    expect(activations.map((t) => ({ scale: t.quantization!.scale, zeroPoint: t.quantization!.zeroPoint }))).toEqual(
      expected.map((p) => ({ scale: [p.scale], zeroPoint: [p.zeroPoint] })),
    );
    for (const t of summary.subgraph.tensors) {
      if (t.dtype === 'FLOAT32') continue;
      expect(t.quantization, t.name).not.toBeNull();
      expect(t.quantization!.scale.every((s) => s > 0 && Number.isFinite(s)), t.name).toBe(true);
      if (t.dtype === 'INT8' && t.bufferBytes === 0) {
        expect(t.quantization!.zeroPoint[0]).toBeGreaterThanOrEqual(-128);
        expect(t.quantization!.zeroPoint[0]).toBeLessThanOrEqual(127);
      }
    }
    // ReLU outputs: their range starts at 0, so zero point -128.
    expect(activations[1].quantization!.zeroPoint).toEqual([-128]);
    expect(activations[2].quantization!.zeroPoint).toEqual([-128]);
  });

  it('buffers: buffer 0 is the empty sentinel, one buffer per constant, data 16-byte aligned in the file', () => {
    expect(summary.bufferSizes[0]).toBe(0);
    const constants = summary.subgraph.tensors.filter((t) => t.buffer !== 0);
    expect(constants).toHaveLength(6);
    expect(new Set(constants.map((t) => t.buffer)).size).toBe(6);
    for (const t of constants) {
      const elementBytes = t.dtype === 'INT32' ? 4 : 1;
      expect(t.bufferBytes).toBe(t.shape.reduce((a, d) => a * d, elementBytes));
      const { offset } = constantData(bytes, t.buffer);
      expect(offset % 16, `${t.name} at byte ${offset}`).toBe(0);
    }
  });

  it('--int8-io: int8 input and output tensors with the stub/last-layer params, no QUANTIZE/DEQUANTIZE', () => {
    const s = readTfliteModel(int8IoBytes);
    expect(s.subgraph.operators.map((op) => op.op)).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    expect(s.operatorCodes.map((c) => c.builtin)).toEqual(['FULLY_CONNECTED']);
    const input = s.subgraph.tensors[s.subgraph.inputs[0]];
    const output = s.subgraph.tensors[s.subgraph.outputs[0]];
    const floatInputQ = tensor(summary.subgraph.operators[0].outputs[0]).quantization;
    const floatLastQ = tensor(fcOps()[2].outputs[0]).quantization;
    expect([input.dtype, input.shape, input.shapeSignature, input.quantization]).toEqual(['INT8', [1, 784], [-1, 784], floatInputQ]);
    expect([output.dtype, output.shape, output.shapeSignature, output.quantization]).toEqual(['INT8', [1, 10], [-1, 10], floatLastQ]);
    expect(s.subgraph.operators[0].inputs[0]).toBe(s.subgraph.inputs[0]);
    expect(s.subgraph.operators[2].outputs[0]).toBe(s.subgraph.outputs[0]);
    // Same constants as the float-I/O file.
    expect(s.bufferSizes.filter((n) => n > 0)).toEqual(summary.bufferSizes.filter((n) => n > 0));
  });

  it('per-channel (prepareQat perChannel): one scale per output channel, quantized dimension 0', async () => {
    const pc = await trainQat(prepareQat(buildMlp(0), { perChannel: true }), train, 500);
    const pcBytes = convertToTflite(pc);
    const s = readTfliteModel(pcBytes);
    const fcs = s.subgraph.operators.filter((op) => op.op === 'FULLY_CONNECTED');
    expect(fcs).toHaveLength(3);
    fcs.forEach((op, k) => {
      const [out, inUnits] = UNITS[k];
      const w = s.subgraph.tensors[op.inputs[1]];
      const b = s.subgraph.tensors[op.inputs[2]];
      const inScale = s.subgraph.tensors[op.inputs[0]].quantization!.scale[0];
      expect(w.quantization!.scale).toHaveLength(out);
      expect(w.quantization!.zeroPoint).toEqual(new Array(out).fill(0));
      expect(w.quantization!.quantizedDimension).toBe(0);
      expect(b.quantization!.scale).toEqual(w.quantization!.scale.map((ws) => Math.fround(inScale * ws)));
      expect(b.quantization!.quantizedDimension).toBe(0);
      // Each row (output channel) reaches ±127 with its own scale: s_c = max|W[:, c]| / 127.
      const values = int8Of(pcBytes, w);
      const kernel = findWeight(wrappers(pc)[k].layer, 'kernel')!.read().dataSync() as Float32Array;
      for (let o = 0; o < out; o++) {
        let rowMax = 0;
        let kMax = 0;
        for (let i = 0; i < inUnits; i++) {
          rowMax = Math.max(rowMax, Math.abs(values[o * inUnits + i]));
          kMax = Math.max(kMax, Math.abs(kernel[i * out + o]));
        }
        expect(rowMax).toBe(127);
        expect(w.quantization!.scale[o]).toBe(symmetricParams(kMax).scale);
      }
    });
    // The per-channel file runs and agrees with its fake-quant model.
    const engine = await createTfjsTfliteEngine(pcBytes);
    engines.push(engine);
    const n = 2000;
    const tflitePred = argmaxRows(engine.run(test.inputs.subarray(0, n * FEATURES), n), n);
    const fqPred = predictClasses(pc, test.inputs.subarray(0, n * FEATURES), n);
    let agree = 0;
    for (let i = 0; i < n; i++) if (tflitePred[i] === fqPred[i]) agree++;
    expect(agree / n).toBeGreaterThanOrEqual(0.995);
  });

  it('parity on 10,000 MNIST test images: the TFLite interpreter vs the fake-quant model', async () => {
    const n = test.count;
    expect(n).toBe(10_000);
    const engine = await createTfjsTfliteEngine(bytes, { label: 'float-io' });
    engines.push(engine);
    const int8Engine = await createTfjsTfliteEngine(int8IoBytes, { label: 'int8-io' });
    engines.push(int8Engine);
    expect(engine.input.dtype).toBe('float32');
    expect(int8Engine.input.dtype).toBe('int8');
    expect(int8Engine.output.dtype).toBe('int8');

    const tflite = engine.run(test.inputs, n) as Float32Array;
    const int8Out = int8Engine.run(test.inputs, n);
    expect(int8Out).toBeInstanceOf(Int8Array);
    // The int8-I/O file computes the same int8 output: dequantized, it equals the float-I/O output.
    expect(dequantize(int8Out, int8Engine.output)).toEqual(tflite);

    const fq = fakeQuantOutputs(qat, test.inputs, n);
    const fqPred = predictClasses(qat, test.inputs, n);
    expect(argmaxRows(fq, n)).toEqual(fqPred);
    const tflitePred = argmaxRows(tflite, n);

    let agree = 0;
    let correctTflite = 0;
    let correctFq = 0;
    for (let i = 0; i < n; i++) {
      if (tflitePred[i] === fqPred[i]) agree++;
      if (tflitePred[i] === test.labels[i]) correctTflite++;
      if (fqPred[i] === test.labels[i]) correctFq++;
    }
    const step = int8Engine.output.scale!;
    const zp = int8Engine.output.zeroPoint!;
    let withinStep = 0;
    let identical = 0;
    let maxSteps = 0;
    for (let i = 0; i < n * CLASSES; i++) {
      const d = Math.abs(tflite[i] - fq[i]) / step;
      maxSteps = Math.max(maxSteps, d);
      if (d <= 1 + 1e-4) withinStep++;
      // The fake-quant output is on the int8 grid too: compare the integers.
      if (Math.round(fq[i] / step) + zp === int8Out[i]) identical++;
    }
    const report = {
      agreement: agree / n,
      withinOneStep: withinStep / (n * CLASSES),
      identicalInt8: identical / (n * CLASSES),
      maxSteps,
      accuracyTflite: correctTflite / n,
      accuracyFakeQuant: correctFq / n,
    };
    expect(report.agreement, JSON.stringify(report)).toBeGreaterThanOrEqual(0.995);
    expect(report.withinOneStep, JSON.stringify(report)).toBeGreaterThanOrEqual(0.99);
    // Learned something from 63 steps (guards against a converter that agrees on garbage).
    expect(report.accuracyTflite, JSON.stringify(report)).toBeGreaterThan(0.75);
    if (process.env.EDGEQAT_REPORT) console.log(JSON.stringify(report));
  });
});
