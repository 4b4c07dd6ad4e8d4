// LiteRT.js engine (@litertjs/core 2.5.3 in Node through runtime/litert-node-shim.ts): outputs
// against the BUILTIN_REF fixtures, batching, the models it cannot run, the shim's globals, and the
// fixed-shape copy it is given for models with a -1 batch.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../runtime/engines/engine.js';
import { createLitertEngine } from '../runtime/engines/litert.js';
import { isEdgeqatError } from '../runtime/errors.js';
import { fixDynamicShapes } from '../runtime/fixed-shapes.js';
import { evaluateLoaderScript, litertStack, litertWasmDir, loadLitert } from '../runtime/litert-node-shim.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { BuiltinOperator, BuiltinOptions, FullyConnectedOptionsT, TensorType } from '../schemas/tflite.js';
import { TfliteGraph, bytesOf } from '../toolkit/converter/tflite-graph.js';

interface Fixture {
  samples: number;
  pixelsBase64: string;
  expected: number[];
}
const modelBytes = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.tflite`, import.meta.url)));
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const floatInput = (f: Fixture) => Float32Array.from(Buffer.from(f.pixelsBase64, 'base64'), (p) => p / 255);

describe('litert engine', () => {
  const engines = new Map<string, Engine>();
  const g = globalThis as Record<string, unknown>;

  beforeAll(async () => {
    // Its first load starts the wasm runtime: nothing may reach stdout, nothing may stay global.
    const write = vi.spyOn(process.stdout, 'write');
    const log = vi.spyOn(console, 'log');
    for (const name of ['mlp-int8-float-io', 'mlp-int8-batch4']) engines.set(name, await createLitertEngine(modelBytes(name), { label: name }));
    expect(write).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    write.mockRestore();
    log.mockRestore();
  });
  afterAll(() => engines.forEach((e) => e.dispose()));

  it('leaves no browser or CommonJS globals behind', () => {
    for (const name of ['self', 'importScripts', 'Module', 'ModuleFactory', 'require', '__dirname', '__filename']) {
      expect(name in g, name).toBe(false);
    }
  });

  it('evaluates the Emscripten loader with CommonJS names in scope only', () => {
    const factory = evaluateLoaderScript(`${litertWasmDir()}/litert_wasm_compat_internal.js`);
    expect(typeof factory).toBe('function');
    expect('require' in g).toBe(false);
  });

  for (const name of ['mlp-int8-float-io', 'mlp-int8-batch4']) {
    it(`${name}: outputs equal the BUILTIN_REF outputs`, () => {
      const f = fixture(name);
      const out = engines.get(name)!.run(floatInput(f), f.samples);
      expect(Array.from(out)).toEqual(f.expected.map(Math.fround));
    });
  }

  it('a -1 batch runs as 1; a fixed batch 4 takes any number of samples', () => {
    expect(engines.get('mlp-int8-float-io')!.input).toEqual({ name: 'serving_default_pixels:0', dtype: 'float32', shape: [1, 784] });
    const f = fixture('mlp-int8-batch4');
    const engine = engines.get('mlp-int8-batch4')!;
    const all = engine.run(floatInput(f), f.samples);
    for (const n of [0, 1, 3, 7]) expect(engine.run(floatInput(f).subarray(0, n * 784), n)).toEqual(all.subarray(0, n * 10));
  });

  it('int8 input or output: one E_UNSUPPORTED line "litert cannot run this model"', async () => {
    const err = await createLitertEngine(modelBytes('mlp-int8-int8-io'), { label: 'int8.tflite' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isEdgeqatError(err)).toBe(true);
    expect((err as { code: string }).code).toBe('E_UNSUPPORTED');
    expect((err as Error).message).toBe(
      'int8.tflite: litert cannot run this model: input tensor serving_default_pixels:0 is INT8 (LiteRT.js takes float32, int32 and uint8 input/output tensors)',
    );
  });

  it('rejects input of the wrong size or type, and use after dispose', async () => {
    const engine = engines.get('mlp-int8-float-io')!;
    expect(() => engine.run(new Float32Array(783), 1)).toThrow(expect.objectContaining({ code: 'E_DATASET' }));
    expect(() => engine.run(new Int8Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }));
    const other = await createLitertEngine(modelBytes('mlp-int8-float-io'));
    other.dispose();
    other.dispose();
    expect(() => other.run(new Float32Array(784), 1)).toThrow(expect.objectContaining({ code: 'E_ENGINE' }));
  });

  it('300 refused models in one process: each one E_MODEL_FILE line, no wasm memory or stack leaked, loads still answer', async () => {
    // FULLY_CONNECTED version 99 passes the verifier; LiteRT.js refuses it in its compile step. Before
    // the engine freed the model copy and restored the wasm stack, the 210th refusal never returned.
    const g = new TfliteGraph();
    const x = g.addTensor({ name: 'x', type: TensorType.FLOAT32, shape: [1, 4000] });
    const w = g.addTensor({ name: 'w', type: TensorType.FLOAT32, shape: [10, 4000], data: bytesOf(new Float32Array(40_000).fill(0.01)) });
    const y = g.addTensor({ name: 'y', type: TensorType.FLOAT32, shape: [1, 10] });
    g.addOperator(BuiltinOperator.FULLY_CONNECTED, 99, [x, w, -1], [y], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT());
    const refused = g.finish([x], [y], 'fc v99');
    const wasm = (await loadLitert()).getGlobalLiteRt().liteRtWasm as unknown as { HEAPU8: Uint8Array };
    const stack = litertStack()!;
    expect(stack).toBeDefined();
    await createLitertEngine(refused).catch(() => undefined);
    const [heapBefore, stackBefore] = [wasm.HEAPU8.length, stack.save()];
    for (let i = 0; i < 300; i++) {
      const err = await createLitertEngine(refused, { label: 'v99.tflite' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_MODEL_FILE', message: expect.stringMatching(/^v99\.tflite: litert cannot load this model \(Didn't find op for builtin opcode 'FULLY_CONNECTED' version '99'/) });
    }
    expect(wasm.HEAPU8.length).toBe(heapBefore); // the 160 KB model copies would have grown it by 48 MB
    expect(stack.save()).toBe(stackBefore);
    const engine = await createLitertEngine(modelBytes('mlp-int8-float-io'));
    const f = fixture('mlp-int8-float-io');
    expect(Array.from(engine.run(floatInput(f), f.samples))).toEqual(f.expected.map(Math.fround));
    engine.dispose();
  });

  it('reports the threads it computes with: 1 (single-threaded build in Node), whatever is asked', async () => {
    const engine = await createLitertEngine(modelBytes('mlp-int8-float-io'), { threads: 2 });
    expect(engine.threads).toBe(1);
    engine.dispose();
  });

  it('truncated bytes are E_MODEL_FILE before the runtime sees them', async () => {
    const good = modelBytes('mlp-int8-float-io');
    const err = await createLitertEngine(good.subarray(0, good.length >> 1), { label: 'cut.tflite' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_MODEL_FILE', message: expect.stringMatching(/^cut\.tflite: .*truncated/) });
  });
});

describe('fixDynamicShapes', () => {
  it('replaces -1 dims of shape_signature by the static shape in a copy, layout unchanged', () => {
    const original = modelBytes('mlp-int8-float-io');
    const before = readTfliteModel(original).subgraph.tensors;
    expect(before[0].shapeSignature).toEqual([-1, 784]);
    const dynamic = before.filter((t) => t.shapeSignature?.includes(-1)).length;
    const { bytes, fixed } = fixDynamicShapes(original);
    expect(fixed).toBe(dynamic);
    expect(bytes.length).toBe(original.length);
    const after = readTfliteModel(bytes).subgraph.tensors;
    for (const t of after) if (t.shapeSignature) expect(t.shapeSignature).toEqual(t.shape);
    expect(readTfliteModel(original).subgraph.tensors[0].shapeSignature).toEqual([-1, 784]); // input untouched
    expect(fixDynamicShapes(modelBytes('mlp-int8-batch4')).fixed).toBe(0);
  });
});
