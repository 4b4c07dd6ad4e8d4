// The reference engine on models made by the official TF converter (test/fixtures, with the outputs
// of TFLite's BUILTIN_REF kernels), its tensor trace, its batching, and its one-line errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quantize } from '../runtime/engines/engine.js';
import { createReferenceEngine } from '../runtime/engines/reference.js';
import { isEdgeqatError } from '../runtime/errors.js';
import { referenceSupportedOps } from '../runtime/reference/registry.js';
import { BuiltinOperator, BuiltinOptions, FullyConnectedOptionsT, TensorType } from '../schemas/tflite.js';
import { bytesOf } from '../toolkit/converter/tflite-graph.js';
import { int8Activation, singleOpModel } from './conformance/build.js';

interface Fixture {
  samples: number;
  pixelsBase64: string;
  expected?: number[];
  expectedInt8?: number[];
  quantizedInputBase64?: string;
}

const NAMES = ['mlp-int8-float-io', 'mlp-int8-int8-io', 'mlp-int8-batch4'] as const;
const modelBytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.tflite`, import.meta.url)));
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const floatInput = (f: Fixture) => Float32Array.from(Buffer.from(f.pixelsBase64, 'base64'), (p) => p / 255);

function oneLineError(fn: () => unknown, code: string, pattern: RegExp): string {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isEdgeqatError(error), String(error)).toBe(true);
  const e = error as { code: string; message: string };
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
  expect(e.message).toMatch(pattern);
  return e.message;
}

describe('reference engine', () => {
  for (const name of NAMES) {
    it(`${name}: outputs equal the BUILTIN_REF outputs exactly`, () => {
      const f = fixture(name);
      const engine = createReferenceEngine(modelBytes(name), { label: name });
      expect(engine.name).toBe('reference');
      const out = engine.run(floatInput(f), f.samples);
      const expected = f.expected ?? f.expectedInt8!;
      expect(Array.from(out)).toEqual(expected.map((v) => (out instanceof Float32Array ? Math.fround(v) : v)));
    });
  }

  it('reports I/O tensors like the other engines', () => {
    expect(createReferenceEngine(modelBytes('mlp-int8-float-io')).input).toEqual({ name: 'serving_default_pixels:0', dtype: 'float32', shape: [1, 784] });
    const int8 = createReferenceEngine(modelBytes('mlp-int8-int8-io'));
    expect(int8.input).toMatchObject({ dtype: 'int8', shape: [1, 784], zeroPoint: -128 });
    expect(int8.output).toMatchObject({ dtype: 'int8', shape: [1, 10] });
    expect(createReferenceEngine(modelBytes('mlp-int8-batch4')).input.shape).toEqual([4, 784]);
  });

  it('int8 input: raw values equal float input quantized by the engine', () => {
    const f = fixture('mlp-int8-int8-io');
    const engine = createReferenceEngine(modelBytes('mlp-int8-int8-io'));
    const raw = new Int8Array(Buffer.from(f.quantizedInputBase64!, 'base64'));
    expect(quantize(floatInput(f), engine.input)).toEqual(raw);
    expect(engine.run(raw, f.samples)).toEqual(engine.run(floatInput(f), f.samples));
  });

  it('fixed batch 4: any number of samples, the last invocation padded', () => {
    const f = fixture('mlp-int8-batch4');
    const engine = createReferenceEngine(modelBytes('mlp-int8-batch4'));
    const all = engine.run(floatInput(f), f.samples);
    for (const n of [0, 1, 3, 7]) expect(engine.run(floatInput(f).subarray(0, n * 784), n)).toEqual(all.subarray(0, n * 10));
  });

  it('trace(): every tensor of one invocation, intermediates included', () => {
    const f = fixture('mlp-int8-float-io');
    const engine = createReferenceEngine(modelBytes('mlp-int8-float-io'));
    const x = floatInput(f).subarray(0, 784);
    const trace = engine.trace(x);
    expect(trace.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const byName = new Map(trace.map((t) => [t.name, t]));
    // The QUANTIZE output is the input quantized with its parameters.
    const q = byName.get('tfl.quantize')!;
    expect(q).toMatchObject({ dtype: 'int8', shape: [1, 784], zeroPoint: -128 });
    expect(q.data).toEqual(quantize(x, { name: 'q', dtype: 'int8', shape: [1, 784], scale: q.scale, zeroPoint: q.zeroPoint }));
    // The hidden RELU layer's int8 activations are at or above its zero point.
    const hidden = byName.get('functional_1/hidden_1/MatMul;functional_1/hidden_1/Relu')!;
    expect(hidden.shape).toEqual([1, 16]);
    expect(Math.min(...hidden.data)).toBeGreaterThanOrEqual(hidden.zeroPoint!);
    // The output tensor holds what run() returned; copies do not change with later runs.
    expect(Array.from(trace[6].data)).toEqual(f.expected!.slice(0, 10).map(Math.fround));
    engine.run(floatInput(f).subarray(784, 1568), 1);
    expect(Array.from(trace[6].data)).toEqual(f.expected!.slice(0, 10).map(Math.fround));
  });

  it('an op without a reference kernel is one E_UNSUPPORTED line naming it and the supported ops', () => {
    const q = { scale: 0.1, zeroPoint: 0 };
    const model = singleOpModel(
      (g) => int8Activation(g, 'input', [1, 8], q),
      (g, x) => ({ code: BuiltinOperator.RELU, version: 2, inputs: [x], output: int8Activation(g, 'output', [1, 8], q) }),
    );
    const message = oneLineError(() => createReferenceEngine(model, { label: 'relu.tflite' }), 'E_UNSUPPORTED', /^relu\.tflite: unsupported op RELU \(reference engine supports: /);
    for (const op of referenceSupportedOps()) expect(message).toContain(op);
  });

  it('a float model is E_UNSUPPORTED: the reference engine runs int8 kernels', () => {
    const model = singleOpModel(
      (g) => g.addTensor({ name: 'input', type: TensorType.FLOAT32, shape: [1, 4] }),
      (g, x) => ({
        code: BuiltinOperator.FULLY_CONNECTED,
        version: 1,
        inputs: [x, g.addTensor({ name: 'w', type: TensorType.FLOAT32, shape: [2, 4], data: bytesOf(new Float32Array(8)) }), -1],
        output: g.addTensor({ name: 'output', type: TensorType.FLOAT32, shape: [1, 2] }),
        optionsType: BuiltinOptions.FullyConnectedOptions,
        options: new FullyConnectedOptionsT(),
      }),
    );
    oneLineError(() => createReferenceEngine(model, { label: 'float.tflite' }), 'E_UNSUPPORTED', /^float\.tflite: op #0 FULLY_CONNECTED: input 0 \(input\) is float32; the reference engine runs this op on int8$/);
  });

  it('empty, truncated and non-TFLite bytes are E_MODEL_FILE lines', () => {
    const good = modelBytes('mlp-int8-float-io');
    oneLineError(() => createReferenceEngine(new Uint8Array(0), { label: 'm' }), 'E_MODEL_FILE', /^m: empty file/);
    for (const cut of [8, 100, good.length >> 1, good.length - 1]) {
      oneLineError(() => createReferenceEngine(good.subarray(0, cut), { label: 'm' }), 'E_MODEL_FILE', /^m: .*(corrupt|truncated)/);
    }
    oneLineError(() => createReferenceEngine(new TextEncoder().encode('{"not": "a model"}'), { label: 'm' }), 'E_MODEL_FILE', /not a TFLite model/);
  });

  it('rejects input of the wrong size or type, and use after dispose', () => {
    const engine = createReferenceEngine(modelBytes('mlp-int8-float-io'));
    expect(() => engine.run(new Float32Array(783), 1)).toThrow(expect.objectContaining({ code: 'E_DATASET' }));
    expect(() => engine.run(new Int8Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }));
    engine.dispose();
    expect(() => engine.run(new Float32Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_ENGINE' }));
  });
});
