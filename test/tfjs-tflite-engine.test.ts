// tfjs-tflite engine against golden outputs of the official interpreter's reference kernels
// (test/fixtures/*.json, made once by make-fixtures.py), plus bad model files and accuracy.
//
// Tolerance: at most ±1 quantization step of the output, on at most 1 in 32 values. Measured with
// tfjs-tflite 0.0.1-alpha.10: 0 of 320 values differ for each fixture (bit-exact).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { evaluateClassifier } from '../runtime/accuracy.js';
import { dequantize, quantize, type Engine, type TensorInfo } from '../runtime/engines/engine.js';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { isEdgeqatError } from '../runtime/errors.js';

interface Fixture {
  samples: number;
  pixelsBase64: string;
  input: { dtype: string; shape: number[]; shapeSignature: number[]; scale: number; zeroPoint: number };
  output: { dtype: string; scale: number; zeroPoint: number };
  outputStep: number;
  expected?: number[];
  expectedInt8?: number[];
  quantizedInputBase64?: string;
}

const NAMES = ['mlp-int8-float-io', 'mlp-int8-int8-io', 'mlp-int8-batch4'] as const;
const modelBytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.tflite`, import.meta.url)));
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
/** Float input exactly as the generator made it: float32(p) / float32(255). */
const floatInput = (f: Fixture) => Float32Array.from(Buffer.from(f.pixelsBase64, 'base64'), (p) => p / 255);

/** A copy of `bytes` whose first operator code is builtin 999 (well-formed, but no such op). */
function withUnknownOp(bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  const v = new DataView(b.buffer);
  const field = (t: number, id: number) => t + v.getUint16(t - v.getInt32(t, true) + 4 + 2 * id, true);
  const codes = field(v.getUint32(0, true), 1); // Model.operator_codes
  const vec = codes + v.getUint32(codes, true);
  const code = vec + 4 + v.getUint32(vec + 4, true); // first OperatorCode table
  v.setInt8(field(code, 0), 127); // deprecated_builtin_code
  v.setInt32(field(code, 3), 999, true); // builtin_code
  return b;
}

async function expectModelFileError(bytes: Uint8Array): Promise<string> {
  const err = await createTfjsTfliteEngine(bytes, { label: 'bad.tflite' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isEdgeqatError(err), String(err)).toBe(true);
  const e = err as { code: string; message: string };
  expect(e.code).toBe('E_MODEL_FILE');
  expect(e.message).toMatch(/^bad\.tflite: /);
  expect(e.message).not.toContain('\n');
  return e.message;
}

describe('tfjs-tflite engine', () => {
  const engines = new Map<string, Engine>();

  beforeAll(async () => {
    // The first load starts the wasm runtime: nothing of it may reach stdout (`--json` output).
    const write = vi.spyOn(process.stdout, 'write');
    const log = vi.spyOn(console, 'log');
    for (const name of NAMES) engines.set(name, await createTfjsTfliteEngine(modelBytes(name), { label: name }));
    expect(write).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    write.mockRestore();
    log.mockRestore();
  });
  afterAll(() => engines.forEach((e) => e.dispose()));

  it('reports tensors with the scale and zero point from the model file', () => {
    const floatIo = engines.get('mlp-int8-float-io')!;
    expect(floatIo.name).toBe('tfjs-tflite');
    expect(floatIo.input).toMatchObject({ dtype: 'float32', shape: [1, 784] });
    expect(floatIo.input.scale).toBeUndefined();
    const int8Io = engines.get('mlp-int8-int8-io')!;
    const f = fixture('mlp-int8-int8-io');
    expect(int8Io.input).toEqual({ name: 'serving_default_pixels:0', dtype: 'int8', shape: [1, 784], scale: Math.fround(f.input.scale), zeroPoint: f.input.zeroPoint });
    expect(int8Io.output).toMatchObject({ dtype: 'int8', shape: [1, 10], zeroPoint: f.output.zeroPoint });
    expect(int8Io.output.scale).toBe(Math.fround(f.output.scale));
    expect(engines.get('mlp-int8-batch4')!.input.shape).toEqual([4, 784]);
  });

  it('cannot resize: a -1 batch (shape_signature) runs one sample per invocation', () => {
    const graph = readTfliteModel(modelBytes('mlp-int8-float-io')).subgraph;
    expect(graph.tensors[graph.inputs[0]].shapeSignature).toEqual([-1, 784]);
    expect(engines.get('mlp-int8-float-io')!.input.shape[0]).toBe(1);
  });

  for (const name of NAMES) {
    it(`${name}: outputs match the BUILTIN_REF reference within ±1 step on ≤ 1/32 of values`, () => {
      const f = fixture(name);
      const engine = engines.get(name)!;
      const out = engine.run(floatInput(f), f.samples);
      const expected = f.expected ?? f.expectedInt8!;
      expect(out).toHaveLength(expected.length);
      const step = f.expectedInt8 ? 1 : f.outputStep;
      let differing = 0;
      for (let i = 0; i < expected.length; i++) {
        const d = Math.abs(out[i] - expected[i]);
        expect(d).toBeLessThanOrEqual(step * 1.001);
        if (d > 0) differing++;
      }
      expect(differing).toBeLessThanOrEqual(expected.length / 32);
    });
  }

  it('int8-input model: float input quantized by the engine equals the raw int8 input', () => {
    const f = fixture('mlp-int8-int8-io');
    const engine = engines.get('mlp-int8-int8-io')!;
    const raw = new Int8Array(Buffer.from(f.quantizedInputBase64!, 'base64'));
    expect(quantize(floatInput(f), engine.input)).toEqual(raw);
    const fromRaw = engine.run(raw, f.samples);
    expect(fromRaw).toBeInstanceOf(Int8Array);
    expect(engine.run(floatInput(f), f.samples)).toEqual(fromRaw);
  });

  it('int8 I/O and float I/O variants agree once the int8 output is dequantized', () => {
    const f = fixture('mlp-int8-float-io');
    const int8Io = engines.get('mlp-int8-int8-io')!;
    const viaInt8 = dequantize(int8Io.run(floatInput(f), f.samples), int8Io.output);
    expect(viaInt8).toEqual(engines.get('mlp-int8-float-io')!.run(floatInput(f), f.samples));
  });

  it('fixed batch 4: any n works, the last invocation is padded', () => {
    const f = fixture('mlp-int8-batch4');
    const engine = engines.get('mlp-int8-batch4')!;
    const all = engine.run(floatInput(f), f.samples);
    for (const n of [0, 1, 3, 7]) {
      expect(engine.run(floatInput(f).subarray(0, n * 784), n)).toEqual(all.subarray(0, n * 10));
    }
  });

  it('quantize rounds half away from zero and clamps', () => {
    const info: TensorInfo = { name: 't', dtype: 'int8', shape: [1, 8], scale: 0.5, zeroPoint: -3 };
    const x = Float32Array.from([1.25, -1.25, 0.25, -0.25, 0.74, 100, -100, 0]);
    expect(Array.from(quantize(x, info))).toEqual([0, -6, -2, -4, -2, 127, -128, -3]);
    const u8: TensorInfo = { ...info, dtype: 'uint8', zeroPoint: 128 };
    expect(Array.from(quantize(Float32Array.from([-1000, 1000, 0.25]), u8))).toEqual([0, 255, 129]);
  });

  it('rejects input of the wrong size or type, and use after dispose', async () => {
    const floatIo = engines.get('mlp-int8-float-io')!;
    expect(() => floatIo.run(new Float32Array(783), 1)).toThrow(expect.objectContaining({ code: 'E_DATASET' }));
    expect(() => floatIo.run(new Int8Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }));
    const engine = await createTfjsTfliteEngine(modelBytes('mlp-int8-float-io'));
    engine.dispose();
    engine.dispose();
    expect(() => engine.run(new Float32Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_ENGINE' }));
  });

  it('empty, truncated, random and unloadable files are E_MODEL_FILE errors, not crashes or hangs', async () => {
    const good = modelBytes('mlp-int8-float-io');
    expect(await expectModelFileError(new Uint8Array(0))).toMatch(/empty file/);
    // The interpreter would accept these truncated files and read past their end.
    for (const cut of [8, 100, good.length >> 1, good.length - 1]) {
      expect(await expectModelFileError(good.subarray(0, cut))).toMatch(/truncated/);
    }
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let t = 0; t < 50; t++) {
      const bytes = Uint8Array.from({ length: 16 + Math.floor(random() * 4000) }, () => Math.floor(random() * 256));
      if (t % 2 === 1) bytes.set([0x54, 0x46, 0x4c, 0x33], 4); // past the identifier check
      await expectModelFileError(bytes);
    }
    // Well-formed but unrunnable: the verifier names it before the interpreter sees it (which would
    // say "Op builtin_code out of range").
    expect(await expectModelFileError(withUnknownOp(good))).toBe('bad.tflite: operator 0 has unknown builtin operator code 999');
    // The shared wasm runtime is still fine afterwards.
    const f = fixture('mlp-int8-float-io');
    expect(Array.from(engines.get('mlp-int8-float-io')!.run(floatInput(f).subarray(0, 784), 1))).toEqual(f.expected!.slice(0, 10));
  });

  it('evaluateClassifier: argmax accuracy, predictions and progress', () => {
    const f = fixture('mlp-int8-float-io');
    const expected = Float32Array.from(f.expected!);
    const argmax = (i: number) => {
      const row = Array.from(expected.subarray(i * 10, i * 10 + 10));
      return row.indexOf(Math.max(...row));
    };
    // Labels: the reference prediction for even samples, a wrong class for odd ones.
    const labels = Uint8Array.from({ length: f.samples }, (_, i) => (i % 2 === 0 ? argmax(i) : (argmax(i) + 1) % 10));
    const progress: number[] = [];
    for (const name of NAMES) {
      const result = evaluateClassifier(engines.get(name)!, floatInput(f), labels, 30, {
        batch: 8,
        onProgress: (done, total) => progress.push(done / total),
      });
      expect(result.samples).toBe(30);
      if (name === 'mlp-int8-batch4') continue; // calibrated on other data: other outputs
      expect(result.correct).toBe(15);
      expect(result.accuracy).toBe(0.5);
      expect(Array.from(result.predictions)).toEqual(Array.from({ length: 30 }, (_, i) => argmax(i)));
    }
    expect(progress.slice(0, 4)).toEqual([8 / 30, 16 / 30, 24 / 30, 1]);
    expect(() => evaluateClassifier(engines.get(NAMES[0])!, floatInput(f), labels, 33)).toThrow(expect.objectContaining({ code: 'E_DATASET' }));
  });
});
