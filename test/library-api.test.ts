// The package's API from its entry files (toolkit/index.ts, runtime/index.ts), in process: a model
// trained with prepareQat + model.fit, exported with exportTflite and run with loadModel/predict
// gives what the CLI's paths give (eval's predictions, classify's image path, the device runner's
// audio path), and every bad input is one EdgeqatError line with its code. test/package.test.ts
// runs the same API from the packed tarball.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../toolkit/index.js';
import { tf } from '../toolkit/index.js';
import * as runtime from '../runtime/index.js';
import { loadClip } from '../runtime/audio/clip.js';
import { audioModelOf, topClass } from '../devices/runner/audio-model.js';
import { KWS_FIXTURE, needAudioTools, run as runTool, tinySpeechCommands } from './helpers/speech-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-library-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The EdgeqatError `fn` throws (sync or async): its code and one-line message. */
async function failure(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(runtime.EdgeqatError);
    const err = e as InstanceType<typeof runtime.EdgeqatError>;
    expect(err.message).not.toMatch(/\n/);
    return { code: err.code, message: err.message };
  }
  throw new Error('expected an EdgeqatError');
}

let mnist: runtime.Dataset;
let float: InstanceType<typeof api.tfl.LayersModel>;
let bytes: Uint8Array;

beforeAll(async () => {
  await api.initBackend();
  mnist = api.loadDataset('mnist');
  float = api.buildModel('mlp', { sampleShape: mnist.sampleShape, numClasses: mnist.numClasses });
  const qat = api.prepareQat(float);
  expect(api.isQatModel(qat)).toBe(true);
  qat.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
  const n = 640;
  const x = tf.tensor2d(mnist.train!.inputs.subarray(0, n * 784), [n, 784]);
  const y = tf.oneHot(tf.tensor1d(mnist.train!.labels.subarray(0, n), 'int32'), 10);
  await qat.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  bytes = api.exportTflite(qat, { dataset: mnist, out: join(tmp, 'mlp.tflite') });
  qat.dispose();
}, 300_000);

describe('toolkit → runtime', () => {
  it('exportTflite writes the bytes it returns; loadModel reads them back with their metadata', async () => {
    expect(new Uint8Array(readFileSync(join(tmp, 'mlp.tflite')))).toEqual(bytes);
    const model = await runtime.loadModel(join(tmp, 'mlp.tflite'), { engine: 'reference' });
    expect([model.engine.name, model.input.dtype, model.output.shape]).toEqual(['reference', 'float32', [1, 10]]);
    expect(model.preprocessing).toMatchObject({ dataset: 'mnist', sampleShape: [28, 28, 1] });
    expect(model.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    model.dispose();
  });

  it("predict and evaluate agree with each other and with edgeqat eval's computation; normalizePixels is the data set's normalisation", async () => {
    const model = await runtime.loadModel(bytes, { engine: 'tfjs-tflite' });
    const test = runtime.loadDatasetFor(model).test!;
    expect(test.count).toBe(10_000);
    const n = 500;
    const predictions = runtime.predict(model, test.inputs.subarray(0, n * 784));
    const evaluation = runtime.evaluate(model, test, { limit: n });
    expect(predictions.map((p) => p.label)).toEqual(Array.from(evaluation.predictions));
    console.log(`20 model.fit steps: int8 accuracy ${evaluation.accuracy} on ${n} test images`);
    expect(evaluation.accuracy).toBeGreaterThan(0.5); // 20 steps of 32 images: far above chance (0.1)
    const evalResult = await api.evaluateModel(join(tmp, 'mlp.tflite'), { engine: 'tfjs-tflite', limit: n });
    expect(evalResult.correct).toBe(evaluation.correct);
    for (const p of predictions.slice(0, 20)) {
      expect(p.className).toBe(String(p.label));
      expect(p.score).toBeGreaterThan(0);
      expect(p.score).toBeLessThanOrEqual(1);
      expect(p.outputs).toHaveLength(10);
    }
    expect(runtime.normalizePixels(model, test.pixels!.subarray(0, 784))).toEqual(test.inputs.subarray(0, 784));
    // A count: the first samples only.
    expect(runtime.predict(model, test.inputs, 3).map((p) => p.label)).toEqual(predictions.slice(0, 3).map((p) => p.label));
    model.dispose();
  });

  it("classifyImage answers a PNG as classifyImageFiles (edgeqat classify's path) does", async () => {
    const model = await runtime.loadModel(bytes, { engine: 'reference' });
    const test = mnist.test!;
    const png = new pngjs.PNG({ width: 28, height: 28, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    png.data = Buffer.from(test.pixels!.subarray(784, 2 * 784));
    const file = join(tmp, 'digit.png');
    writeFileSync(file, pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    const fromBytes = runtime.classifyImage(model, readFileSync(file), file);
    expect(fromBytes).toEqual(runtime.classifyImageFiles(model, [file])[0]);
    expect(fromBytes.label).toBe(runtime.predict(model, test.inputs.subarray(784, 2 * 784))[0]!.label);
    expect(await failure(() => runtime.classifyImage(model, new TextEncoder().encode('not an image'), 'upload'))).toMatchObject({ code: 'E_DATASET', message: expect.stringMatching(/^upload: /) });
    model.dispose();
  });

  it('float32 export of a float model, and PTQ of it on a data set', async () => {
    const f32 = await runtime.loadModel(api.exportTflite(float, { float: true, dataset: mnist }), { engine: 'tfjs-tflite' });
    expect(f32.output.dtype).toBe('float32');
    const { model: ptqModel, calibration } = api.ptq(float, mnist, { samples: 100 });
    expect(calibration.samples).toBe(100);
    const int8 = await runtime.loadModel(api.exportTflite(ptqModel, { dataset: mnist }), { engine: 'reference' });
    expect(int8.summary.subgraph.operators.map((o) => o.op)).toContain('QUANTIZE');
    ptqModel.dispose();
    f32.dispose();
    int8.dispose();
  });
});

describe('bad input: one line, with a code', () => {
  it('exportTflite', async () => {
    expect(await failure(() => api.exportTflite(float))).toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('is a float model') });
    expect((await failure(() => api.exportTflite(float, { float: true, int8Io: true }))).code).toBe('E_OPTION');
    expect((await failure(() => api.exportTflite(float, { float: true, dataset: mnist, preprocessing: { dataset: 'x', mean: [0], std: [1] } }))).code).toBe('E_OPTION');
  });

  it('ptq, train', async () => {
    expect((await failure(() => api.ptq(float, { inputs: mnist.train!.inputs, count: 10 }, { samples: 5 }))).code).toBe('E_OPTION');
    expect(await failure(() => api.train({ epochs: 0 }))).toEqual({ code: 'E_OPTION', message: "epochs must be a positive integer, got '0'" });
    expect(await failure(() => api.train({ lr: -1 }))).toEqual({ code: 'E_OPTION', message: "lr must be a positive number, got '-1'" });
  });

  it('loadModel, predict, normalizePixels, loadDatasetFor, classifyClip', async () => {
    expect(await failure(() => runtime.loadModel(join(tmp, 'missing.tflite')))).toEqual({ code: 'E_MODEL_FILE', message: `${join(tmp, 'missing.tflite')}: no such file` });
    expect((await failure(() => runtime.loadModel(new TextEncoder().encode('not a model at all')))).code).toBe('E_MODEL_FILE');
    expect((await failure(() => runtime.loadModel(bytes, { engine: 'nope' as runtime.EngineChoice }))).code).toBe('E_OPTION');
    expect((await failure(() => runtime.loadModel(42 as unknown as string))).code).toBe('E_OPTION');
    const model = await runtime.loadModel(bytes, { engine: 'reference', label: 'mlp' });
    expect(await failure(() => runtime.predict(model, new Float32Array(785)))).toMatchObject({ code: 'E_OPTION', message: expect.stringMatching(/^mlp: input holds 785 values/) });
    expect((await failure(() => runtime.classifyClip(model, new Float32Array(16000)))).code).toBe('E_UNSUPPORTED');
    const bare = await runtime.loadModel(api.exportTflite(float, { float: true }), { engine: 'tfjs-tflite', label: 'bare' });
    expect(bare.preprocessing).toBeUndefined();
    expect((await failure(() => runtime.normalizePixels(bare, new Uint8Array(784)))).code).toBe('E_MODEL_FILE');
    expect((await failure(() => runtime.loadDatasetFor(bare))).code).toBe('E_OPTION');
    model.dispose();
    bare.dispose();
  });
});

describe('audio: classifyClip', () => {
  it("gives the device runner's answer for WAV bytes, for samples, and for a 44.1 kHz copy", async (ctx) => {
    needAudioTools(ctx);
    const tiny = tinySpeechCommands();
    const list = readFileSync(join(tiny, 'testing_list.txt'), 'utf8').split('\n').filter(Boolean).slice(0, 6);
    const model = await runtime.loadModel(KWS_FIXTURE, { engine: 'reference' });
    const device = audioModelOf(model.engine, model.summary, KWS_FIXTURE);
    for (const rel of list) {
      const file = join(tiny, rel);
      const features = device.extractor.features(loadClip(file, device.frontEnd));
      const scores = device.scores(features, 1);
      const label = topClass(scores, 0, scores.length);
      expect(runtime.clipFeatures(model, readFileSync(file))).toEqual(features);
      const fromBytes = runtime.classifyClip(model, readFileSync(file));
      expect([fromBytes.label, fromBytes.className]).toEqual([label, device.classNames[label]]);
      expect(fromBytes.score).toBeCloseTo(scores[label]!, 6);
      const wav = runtime.readWavFile(file);
      expect(runtime.classifyClip(model, wav.samples, wav.sampleRate)).toEqual(fromBytes);
    }
    // Another rate is resampled as the device runner resamples it.
    const file44 = join(tmp, 'clip-44k.wav');
    runTool('sox', [join(tiny, list[0]!), '-r', '44100', file44]);
    const device44 = device.scores(device.extractor.features(loadClip(file44, device.frontEnd)), 1);
    expect(runtime.classifyClip(model, readFileSync(file44)).label).toBe(topClass(device44, 0, device44.length));
    expect((await failure(() => runtime.classifyClip(model, readFileSync(file44), 16000))).code).toBe('E_OPTION');
    model.dispose();
  });
});
