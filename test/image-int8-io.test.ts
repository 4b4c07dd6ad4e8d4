// `--int8-io` colour image models take the image's bytes: a resnet8 QAT-trained a few steps on a
// colour PNG folder (MNIST, some images tinted, some 56x56/40x40, resized to 32x32x3) is exported
// twice, float I/O and int8 I/O. The int8 input the byte tables give is the normalised pixel
// quantized with the input tensor's scale and zero point (the float model's QUANTIZE op has the
// same ones), and on the real PNG files through the real TFLite WebAssembly interpreter the int8
// model fed bytes computes the same outputs as the float model fed normalised floats.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTargetOf, int8FromBytes } from '../runtime/classify-images.js';
import { normalizeImages } from '../runtime/datasets/pixels.js';
import { dequantize, type Engine } from '../runtime/engines/engine.js';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { loadImageFile } from '../runtime/images/load-image.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { runClassify } from '../toolkit/cli/commands/classify.js';
import { runExport } from '../toolkit/cli/commands/export.js';
import { runTrain } from '../toolkit/cli/commands/train.js';
import { writeImageFolder } from '../scripts/make-image-datasets.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-image-int8-io-'));
const folder = join(tmp, 'digits');
const floatPath = join(tmp, 'model.tflite');
const int8Path = join(tmp, 'model-int8io.tflite');
let files: string[] = [];
let floatEngine: Engine;
let int8Engine: Engine;

describe('--int8-io colour image model fed the image bytes', () => {
  beforeAll(async () => {
    writeImageFolder(folder, { set: 'mnist', format: 'png', perClass: 6, colour: true });
    const t = await runTrain({ model: 'resnet8', dataset: `images:${folder}`, epochs: 1, batchSize: 20, lr: 0.002, lrSchedule: 'constant', seed: 0, out: join(tmp, 'run'), backend: 'wasm', quiet: true, flip: false });
    t.model.dispose();
    await runExport(join(tmp, 'run'), { out: floatPath, quiet: true });
    await runExport(join(tmp, 'run'), { out: int8Path, int8Io: true, quiet: true });
    files = readdirSync(join(folder, 'test')).flatMap((c) => readdirSync(join(folder, 'test', c)).map((f) => join(folder, 'test', c, f)));
    floatEngine = await createTfjsTfliteEngine(new Uint8Array(readFileSync(floatPath)), { label: floatPath });
    int8Engine = await createTfjsTfliteEngine(new Uint8Array(readFileSync(int8Path)), { label: int8Path });
  }, 240_000);
  afterAll(() => {
    floatEngine?.dispose();
    int8Engine?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the int8 input has the float model QUANTIZE op\'s scale and zero point, and bytes map to round(normalised/scale) + zero point', () => {
    const floatModel = readTfliteModel(new Uint8Array(readFileSync(floatPath)), floatPath);
    const g = floatModel.subgraph;
    const quantizeOp = g.operators.find((o) => floatModel.operatorCodes[o.opcodeIndex]!.builtin === 'QUANTIZE')!;
    const q = g.tensors[quantizeOp.outputs[0]!]!.quantization!;
    expect(int8Engine.input).toMatchObject({ dtype: 'int8', shape: [1, 32, 32, 3], scale: Math.fround(q.scale[0]!), zeroPoint: q.zeroPoint[0] });

    const { pre } = imageTargetOf(readTfliteModel(new Uint8Array(readFileSync(int8Path)), int8Path), int8Path);
    const run = JSON.parse(readFileSync(join(tmp, 'run', 'run.json'), 'utf8'));
    expect([pre.mean, pre.std]).toEqual([run.normalization.mean, run.normalization.std]);
    expect(pre.mean).toHaveLength(3);
    const scale = int8Engine.input.scale!;
    const zp = int8Engine.input.zeroPoint!;
    // Every byte value in every channel: pixel (b, b, b) for b = 0..255.
    const bytes = new Uint8Array(256 * 3).map((_, i) => Math.floor(i / 3));
    const ints = int8FromBytes(bytes, pre, 3, int8Engine.input);
    let inside = 0;
    for (let i = 0; i < bytes.length; i++) {
      const c = i % 3;
      const x = (bytes[i]! / 255 - pre.mean[c]!) / pre.std[c]!;
      const lo = (-128 - zp) * scale;
      const hi = (127 - zp) * scale;
      if (x <= lo) expect(ints[i]).toBe(-128);
      else if (x >= hi) expect(ints[i]).toBe(127);
      else {
        inside++;
        expect(Math.abs((ints[i]! - zp) * scale - x), `byte ${bytes[i]} channel ${c}`).toBeLessThanOrEqual(scale / 2 + 1e-6);
      }
    }
    // The input range the observer learned holds the normalised bytes (at most the extremes clip).
    expect(inside).toBeGreaterThan(0.9 * bytes.length);
  });

  it('on the PNG files, bytes into the int8 model give the float model\'s outputs (TFLite WebAssembly)', () => {
    expect(files.length).toBe(60);
    const { target, pre } = imageTargetOf(readTfliteModel(new Uint8Array(readFileSync(int8Path)), int8Path), int8Path);
    let differing = 0;
    for (const file of files) {
      const pixels = loadImageFile(file, target);
      const fromFloat = floatEngine.run(normalizeImages(pixels, pre, 3), 1) as Float32Array;
      const fromBytes = dequantize(int8Engine.run(int8FromBytes(pixels, pre, 3, int8Engine.input), 1), int8Engine.output);
      if (fromFloat.some((v, k) => v !== fromBytes[k])) differing++;
    }
    expect(differing).toBe(0);
  });

  it('classify gives the same classes and scores with either model', async () => {
    const some = files.filter((_, i) => i % 6 === 0);
    const a = await runClassify(floatPath, some);
    const b = await runClassify(int8Path, some);
    expect(b).toEqual(a);
    expect(new Set(a.map((p) => p.className)).size).toBeGreaterThan(0);
  });
});
