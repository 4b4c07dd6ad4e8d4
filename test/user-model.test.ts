// A user's own TF.js model through the real CLI: built here with conv, batch norm, ReLU6, a
// residual Add, pooling and dense layers, saved as model.json + weights.bin with edgeqat's
// file-system IOHandler; pretrained with `train --float-only --model` (which saves the same
// format), QAT fine-tuned with `train --model`, exported and evaluated on the TFLite interpreter,
// where its predictions agree with the fake-quant model's. An unsupported layer (LSTM) stops the
// run before training with one line and exit code 2.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { loadModelFile, saveModelFile } from '../toolkit/models/file-io.js';
import { loadRun } from '../toolkit/run-folder.js';
import { predictClasses } from '../toolkit/engine/train.js';
import { errorLines, runCli } from './helpers/run-cli.js';

type Sym = tfl.SymbolicTensor;
const L = tfl.layers;
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-user-'));
const seeded = (k: number) => tfl.initializers.heNormal({ seed: 500 + k });

/** The user's model: conv-BN-ReLU6 stem, a residual block, max-pool, conv, dense, softmax. */
function userModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [28, 28, 1], name: 'pixels' });
  // Momentum 0.9: the moving statistics settle within this test's few hundred steps.
  const bn = (name: string) => L.batchNormalization({ name, momentum: 0.9 });
  const bnRelu6 = (t: Sym, n: string) => L.reLU({ maxValue: 6, name: `${n}_relu6` }).apply(bn(`${n}_bn`).apply(t)) as Sym;
  let y = bnRelu6(L.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: seeded(1), name: 'stem' }).apply(x) as Sym, 'stem');
  const d = bnRelu6(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: seeded(2), name: 'dw' }).apply(y) as Sym, 'dw');
  const p = bn('pw_bn').apply(L.conv2d({ filters: 12, kernelSize: 1, kernelInitializer: seeded(3), name: 'pw' }).apply(d)) as Sym;
  y = L.reLU({ maxValue: 6, name: 'res_relu6' }).apply(L.add({ name: 'res' }).apply([y, p])) as Sym;
  y = L.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(y) as Sym;
  y = L.conv2d({ filters: 24, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(4), name: 'conv2' }).apply(y) as Sym;
  y = L.flatten({ name: 'flat' }).apply(y) as Sym;
  y = L.dropout({ rate: 0.1, name: 'drop' }).apply(y) as Sym;
  y = L.dense({ units: 10, kernelInitializer: seeded(5), name: 'logits' }).apply(y) as Sym;
  y = L.softmax({ name: 'probs' }).apply(y) as Sym;
  return tfl.model({ inputs: x, outputs: y, name: 'user_net' });
}

const test = loadDataset('mnist', { split: 'test' }).test!;
const userDir = join(tmp, 'user');
const floatRun = join(tmp, 'float-run');
const qatRun = join(tmp, 'qat-run');
const tflite = join(tmp, 'user.tflite');

describe('a user model: --float-only -> --model model.json -> export -> eval', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await saveModelFile(userModel(), userDir);
  });

  it('the IOHandler writes model.json + weights.bin that load back to the same model', async () => {
    expect(readdirSync(userDir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(userDir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const loaded = await loadModelFile(join(userDir, 'model.json'));
    const original = userModel();
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(original.layers.map((l) => l.getClassName()));
    const x = tf.tensor4d(test.inputs.subarray(0, 4 * 784), [4, 28, 28, 1]);
    const saved = await loadModelFile(userDir); // the folder works too
    expect(Array.from((saved.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
  });

  it('--float-only trains the float model and saves it as <run>/model.json + weights.bin', async () => {
    const r = await runCli(['train', '--float-only', '--model', join(userDir, 'model.json'), '--limit', '1500', '--batch-size', '20', '--lr', '0.003', '--out', floatRun, '--quiet', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/float \(TF\.js\) test accuracy: 0\.\d{4}/);
    expect(readdirSync(floatRun)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'run.json']));
    expect(JSON.parse(readFileSync(join(floatRun, 'run.json'), 'utf8')).options.floatOnly).toBe(true);
    // A float run exports as a float32 .tflite (int8 needs QAT below, or --ptq).
    const e = await runCli(['export', floatRun, '--out', join(tmp, 'float.tflite')]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/float32 model/);
  }, 600_000);

  it('train --model <float run>/model.json fine-tunes it with QAT; export; eval agrees with the fake-quant model on >= 99.5% of 10,000 images', async () => {
    const r = await runCli(['train', '--model', join(floatRun, 'model.json'), '--limit', '1500', '--batch-size', '20', '--lr', '0.001', '--freeze-bn-after', '45', '--freeze-observers-after', '60', '--out', qatRun, '--quiet', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    const e = await runCli(['export', qatRun, '--out', tflite]);
    expect(e.code, e.stderr).toBe(0);
    const preds = join(tmp, 'preds.json');
    const ev = await runCli(['eval', tflite, '--json', '--predictions', preds]);
    expect(ev.code, ev.stderr).toBe(0);
    const result = JSON.parse(ev.stdout);
    expect(result.samples).toBe(10000);
    expect(result.accuracy).toBeGreaterThan(0.8);

    const { model, info } = await loadRun(qatRun);
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.options).toMatchObject({ freezeBnAfter: 45, freezeObserversAfter: 60, perTensorConv: false, floatOnly: false });
    const fq = predictClasses(model, test.inputs, test.count);
    const int8: number[] = JSON.parse(readFileSync(preds, 'utf8'));
    const agreement = fq.filter((p, i) => p === int8[i]).length / test.count;
    expect(agreement).toBeGreaterThanOrEqual(0.995);
    if (process.env.EDGEQAT_REPORT) console.log(JSON.stringify({ accuracy: result.accuracy, qatAccuracy: info.qatAccuracy, agreement }));
  }, 600_000);

  it('inspect: per-channel scales on the conv weights (axis 0) and depthwise weights (axis 3), no batch-norm op', async () => {
    const r = await runCli(['inspect', tflite, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const ops: string[] = s.subgraph.operators.map((o: { op: string }) => o.op);
    expect(ops).toEqual(['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD', 'MAX_POOL_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'DEQUANTIZE']);
    expect(ops.some((op) => /BATCH|NORM/.test(op))).toBe(false);
    const weightQuant = (op: string) =>
      s.subgraph.operators.filter((o: { op: string }) => o.op === op).map((o: { inputs: number[] }) => s.subgraph.tensors[o.inputs[1]].quantization);
    expect(weightQuant('CONV_2D').map((q: { scale: number[]; quantizedDimension: number }) => [q.scale.length, q.quantizedDimension])).toEqual([
      [12, 0],
      [12, 0],
      [24, 0],
    ]);
    expect(weightQuant('DEPTHWISE_CONV_2D').map((q: { scale: number[]; quantizedDimension: number }) => [q.scale.length, q.quantizedDimension])).toEqual([[12, 3]]);
    const softmaxOut = s.subgraph.tensors[s.subgraph.operators[9].outputs[0]].quantization;
    expect([softmaxOut.scale[0], softmaxOut.zeroPoint[0]]).toEqual([1 / 256, -128]);
    const text = (await runCli(['inspect', tflite])).stdout;
    expect(text).toMatch(/stem\/kernel\s+INT8\s+\[12,3,3,1\]\s+12 ch \(axis 0\)/);
  });
});

describe('an unsupported layer', () => {
  it('an LSTM model: one line naming the layer, its class and the supported classes, exit 2, nothing trained', async () => {
    const lstmDir = join(tmp, 'lstm');
    const x = tfl.input({ shape: [28, 28], name: 'rows' });
    const h = L.lstm({ units: 8, name: 'rnn', recurrentInitializer: 'glorotUniform' }).apply(x) as Sym;
    await saveModelFile(tfl.model({ inputs: x, outputs: L.dense({ units: 10, name: 'out' }).apply(h) as Sym }), lstmDir);
    const out = join(tmp, 'lstm-run');
    const r = await runCli(['train', '--model', join(lstmDir, 'model.json'), '--out', out]);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^edgeqat: error: .*model\.json: layer 'rnn' \(LSTM\) cannot be quantized: recurrent layers have no full-integer int8 TFLite builtin \(supported: InputLayer, Dense, Conv2D, .*Softmax\)$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing model file and a model whose input does not fit the data set: one line each', async () => {
    const missing = await runCli(['train', '--model', join(tmp, 'nope', 'model.json'), '--out', join(tmp, 'r-missing')]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.stderr)).toEqual([expect.stringMatching(/nope\/model\.json: no such file/)]);
    const wrongDir = join(tmp, 'wrong');
    const x = tfl.input({ shape: [32, 32, 3] });
    await saveModelFile(tfl.model({ inputs: x, outputs: L.dense({ units: 10 }).apply(L.flatten().apply(x)) as Sym }), wrongDir);
    const wrong = await runCli(['train', '--model', wrongDir + '/model.json', '--out', join(tmp, 'r-wrong')]);
    expect(wrong.code).toBe(2);
    expect(errorLines(wrong.stderr)).toEqual([expect.stringMatching(/model input \[32, 32, 3\] does not hold a mnist image \(784 values\)/)]);
  });
});
