// readTfliteModel on a model built with the generated object API, on converter output, and on bad
// bytes (which must always become one-line E_MODEL_FILE errors); plus `inspect` on the same model.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgeqatError } from '../runtime/errors.js';
import { readTfliteFile, readTfliteModel } from '../runtime/model-reader.js';
import { mulberry32 as prng } from '../runtime/seeded-random.js'; // seeded, so fuzz failures reproduce
import {
  ActivationFunctionType,
  BufferT,
  Builder,
  BuiltinOperator,
  BuiltinOptions,
  FullyConnectedOptionsT,
  ModelT,
  OperatorCodeT,
  OperatorT,
  QuantizationParametersT,
  SubGraphT,
  TensorT,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
} from '../schemas/tflite.js';
import { runInspect } from '../toolkit/cli/commands/inspect.js';

const WEIGHTS = Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -127]); // [3, 4]
const BIAS = Int32Array.from([100, -200, 300]); // [3]
const WEIGHT_SCALES = [0.01, 0.02, 0.03];

function quant(scale: number[], zeroPoint: number[], quantizedDimension = 0): QuantizationParametersT {
  return new QuantizationParametersT([], [], scale, zeroPoint.map(BigInt), undefined, undefined, quantizedDimension);
}

function opCode(code: BuiltinOperator, version: number): OperatorCodeT {
  return new OperatorCodeT(Math.min(code, 127), null, version, code);
}

/** float [?,4] → QUANTIZE → FULLY_CONNECTED(RELU, int8 weights, int32 bias) → DEQUANTIZE → float [?,3]. */
function buildTestModel(): Uint8Array {
  const tensors = [
    new TensorT([1, 4], TensorType.FLOAT32, 0, 'input', null, false, null, [-1, 4]),
    new TensorT([1, 4], TensorType.INT8, 0, 'input_int8', quant([0.5], [-3])),
    new TensorT([3, 4], TensorType.INT8, 1, 'dense/kernel', quant(WEIGHT_SCALES, [0, 0, 0], 0)),
    new TensorT([3], TensorType.INT32, 2, 'dense/bias', quant(WEIGHT_SCALES.map((s) => s * 0.5), [0, 0, 0])),
    new TensorT([1, 3], TensorType.INT8, 0, 'dense_out_int8', quant([0.25], [-128])),
    new TensorT([1, 3], TensorType.FLOAT32, 0, 'output'),
  ];
  const fcOptions = new FullyConnectedOptionsT(ActivationFunctionType.RELU);
  const operators = [
    new OperatorT(0, [0], [1]),
    new OperatorT(1, [1, 2, 3], [4], BuiltinOptions.FullyConnectedOptions, fcOptions),
    new OperatorT(2, [4], [5]),
  ];
  const model = new ModelT(
    3,
    [opCode(BuiltinOperator.QUANTIZE, 1), opCode(BuiltinOperator.FULLY_CONNECTED, 4), opCode(BuiltinOperator.DEQUANTIZE, 2)],
    [new SubGraphT(tensors, [0], [5], operators, 'main')],
    'edgeqat test model',
    [
      new BufferT([]), // buffer 0: the empty sentinel every model starts with
      new BufferT(Array.from(new Uint8Array(WEIGHTS.buffer))),
      new BufferT(Array.from(new Uint8Array(BIAS.buffer))),
    ],
  );
  const builder = new Builder(1024);
  builder.finish(model.pack(builder), TFLITE_FILE_IDENTIFIER);
  return builder.asUint8Array();
}

const modelBytes = buildTestModel();

/** The error readTfliteModel/readTfliteFile throws, checked to be a one-line E_MODEL_FILE. */
function modelFileError(fn: () => unknown): EdgeqatError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(EdgeqatError);
  const error = thrown as EdgeqatError;
  expect(error.code).toBe('E_MODEL_FILE');
  expect(error.message).not.toMatch(/[\r\n]/);
  return error;
}

describe('readTfliteModel', () => {
  const summary = readTfliteModel(modelBytes, 'test.tflite');

  it('reads the model header fields', () => {
    expect(summary.fileBytes).toBe(modelBytes.length);
    expect(summary.version).toBe(3);
    expect(summary.description).toBe('edgeqat test model');
    expect(summary.subgraphCount).toBe(1);
    expect(summary.bufferSizes).toEqual([0, 12, 12]);
    expect(summary.operatorCodes).toEqual([
      { builtin: 'QUANTIZE', builtinCode: 114, version: 1, customCode: null },
      { builtin: 'FULLY_CONNECTED', builtinCode: 9, version: 4, customCode: null },
      { builtin: 'DEQUANTIZE', builtinCode: 6, version: 2, customCode: null },
    ]);
  });

  it('reads the subgraph and its operators', () => {
    const g = summary.subgraph;
    expect(g.name).toBe('main');
    expect(g.inputs).toEqual([0]);
    expect(g.outputs).toEqual([5]);
    const noOptions = { optionsType: 'NONE', options: null, fusedActivation: null };
    expect(g.operators).toEqual([
      { ...noOptions, index: 0, opcodeIndex: 0, op: 'QUANTIZE', inputs: [0], outputs: [1] },
      {
        index: 1,
        opcodeIndex: 1,
        op: 'FULLY_CONNECTED',
        inputs: [1, 2, 3],
        outputs: [4],
        optionsType: 'FullyConnectedOptions',
        options: {
          fusedActivationFunction: 'RELU',
          weightsFormat: 'DEFAULT',
          keepNumDims: false,
          asymmetricQuantizeInputs: false,
          quantizedBiasType: 'FLOAT32',
        },
        fusedActivation: 'RELU',
      },
      { ...noOptions, index: 2, opcodeIndex: 2, op: 'DEQUANTIZE', inputs: [4], outputs: [5] },
    ]);
  });

  it('reads every tensor field', () => {
    const t = summary.subgraph.tensors;
    expect(t.map((x) => [x.index, x.name, x.dtype, x.buffer, x.bufferBytes])).toEqual([
      [0, 'input', 'FLOAT32', 0, 0],
      [1, 'input_int8', 'INT8', 0, 0],
      [2, 'dense/kernel', 'INT8', 1, 12],
      [3, 'dense/bias', 'INT32', 2, 12],
      [4, 'dense_out_int8', 'INT8', 0, 0],
      [5, 'output', 'FLOAT32', 0, 0],
    ]);
    expect(t[0]).toMatchObject({ shape: [1, 4], shapeSignature: [-1, 4], quantization: null });
    expect(t[1]).toMatchObject({ shape: [1, 4], shapeSignature: null });
    expect(t[1]!.quantization).toEqual({ scale: [0.5], zeroPoint: [-3], quantizedDimension: 0 });
    expect(t[2]!.shape).toEqual([3, 4]);
    expect(t[2]!.quantization!.zeroPoint).toEqual([0, 0, 0]);
    // Scales are float32 in the file.
    expect(t[2]!.quantization!.scale).toEqual(WEIGHT_SCALES.map(Math.fround));
    expect(t[3]!.quantization!.scale).toEqual(WEIGHT_SCALES.map((s) => Math.fround(s * 0.5)));
    expect(t[4]!.quantization).toEqual({ scale: [0.25], zeroPoint: [-128], quantizedDimension: 0 });
    expect(t[5]).toMatchObject({ shape: [1, 3], shapeSignature: null, quantization: null });
  });

  it('accepts a model that sits at an unaligned offset inside a larger buffer', () => {
    const padded = new Uint8Array(modelBytes.length + 3);
    padded.set(modelBytes, 1);
    expect(readTfliteModel(padded.subarray(1, 1 + modelBytes.length))).toEqual(readTfliteModel(modelBytes));
  });

  it('rejects an empty file', () => {
    expect(modelFileError(() => readTfliteModel(new Uint8Array(0), 'empty.tflite')).message).toBe(
      'empty.tflite: empty file, not a TFLite model',
    );
  });

  it('rejects a wrong file identifier', () => {
    const bytes = modelBytes.slice();
    bytes.set(new TextEncoder().encode('TFL\n'), 4);
    expect(modelFileError(() => readTfliteModel(bytes, 'x.tflite')).message).toBe(
      'x.tflite: not a TFLite model (file identifier "TFL\\x0a", expected "TFL3")',
    );
  });

  it('rejects every truncation of the model', () => {
    const messages = new Set<string>();
    for (let n = 0; n < modelBytes.length; n++) {
      messages.add(modelFileError(() => readTfliteModel(modelBytes.subarray(0, n), 'cut.tflite')).message.replace(/\d+/g, 'N'));
    }
    expect([...messages].every((m) => m.startsWith('cut.tflite: '))).toBe(true);
  });

  it('rejects random bytes', () => {
    const next = prng(1);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      modelFileError(() => readTfliteModel(bytes, 'random.tflite'));
    }
  });

  it('never throws anything but E_MODEL_FILE for random bytes behind a valid header, or a corrupted model', () => {
    const next = prng(2);
    const attempts: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: 8 + Math.floor(next() * 400) }, () => Math.floor(next() * 256));
      bytes.set(new TextEncoder().encode(TFLITE_FILE_IDENTIFIER), 4);
      new DataView(bytes.buffer).setUint32(0, 8 + Math.floor(next() * (bytes.length - 8)), true);
      attempts.push(bytes);
      const corrupted = modelBytes.slice();
      for (let k = 0; k < 4; k++) corrupted[8 + Math.floor(next() * (corrupted.length - 8))] = Math.floor(next() * 256);
      attempts.push(corrupted);
    }
    for (const bytes of attempts) {
      try {
        readTfliteModel(bytes, 'fuzz.tflite');
      } catch (e) {
        expect(e).toBeInstanceOf(EdgeqatError);
        expect((e as EdgeqatError).code).toBe('E_MODEL_FILE');
        expect((e as EdgeqatError).message).not.toMatch(/[\r\n]/);
      }
    }
  });
});

describe('readTfliteFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-model-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and names it in errors', () => {
    const path = join(dir, 'ok.tflite');
    writeFileSync(path, modelBytes);
    expect(readTfliteFile(path)).toEqual(readTfliteModel(modelBytes));
    const truncated = join(dir, 'truncated.tflite');
    writeFileSync(truncated, modelBytes.subarray(0, modelBytes.length >> 1));
    const message = modelFileError(() => readTfliteFile(truncated)).message;
    expect(message.startsWith(`${truncated}: corrupt or truncated TFLite model (`)).toBe(true);
  });

  it('reports a missing file and a directory in one line', () => {
    const missing = join(dir, 'missing.tflite');
    expect(modelFileError(() => readTfliteFile(missing)).message).toBe(`${missing}: no such file`);
    const folder = join(dir, 'folder.tflite');
    mkdirSync(folder);
    expect(modelFileError(() => readTfliteFile(folder)).message).toBe(`${folder}: is a directory, expected a .tflite file`);
  });

  const fixtureDir = join(import.meta.dirname, 'fixtures');
  const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.tflite'));
  it.each(fixtures)('reads converter output %s', (name) => {
    const s = readTfliteModel(readFileSync(join(fixtureDir, name)), name);
    expect(s.version).toBe(3);
    expect(s.subgraph.operators.length).toBeGreaterThan(0);
    const tensorCount = s.subgraph.tensors.length;
    for (const op of s.subgraph.operators) {
      for (const i of [...op.inputs, ...op.outputs]) expect(i).toBeLessThan(tensorCount);
    }
    expect(s.subgraph.operators.some((op) => op.op === 'FULLY_CONNECTED')).toBe(true);
  });
});

describe('runInspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-inspect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'mlp.tflite');
  writeFileSync(path, modelBytes);

  it('prints size, operators, tensors and totals', () => {
    const { text } = runInspect(path, {});
    const lines = text.split('\n');
    const size = modelBytes.length.toLocaleString('en-US');
    expect(lines[0]).toBe(`${path}: ${size} bytes, TFLite schema version 3, description "edgeqat test model"`);
    expect(lines[1]).toBe('subgraph 0 "main" of 1: inputs [0], outputs [5]');
    expect(text).toContain('operators (3)');
    expect(lines.find((l) => l.includes('FULLY_CONNECTED'))!.split(/\s+/).filter(Boolean)).toEqual([
      '1',
      'FULLY_CONNECTED',
      '4',
      '1,2,3',
      '4',
      'RELU',
    ]);
    expect(text).toContain('tensors (6)');
    const row = (name: string) => lines.find((l) => l.includes(` ${name} `))!.split(/\s{2,}/).filter(Boolean);
    expect(row('input')).toEqual(['0', 'input', 'FLOAT32', '[-1,4]', '-', '-', '-']);
    expect(row('input_int8')).toEqual(['1', 'input_int8', 'INT8', '[1,4]', '0.5', '-3', '-']);
    expect(row('dense/kernel')).toEqual(['2', 'dense/kernel', 'INT8', '[3,4]', '3 ch (axis 0) 0.01..0.03', '0', '12']);
    expect(row('dense/bias')).toEqual(['3', 'dense/bias', 'INT32', '[3]', '3 ch (axis 0) 0.005..0.015', '0', '12']);
    expect(text).toContain('  parameters: 15\n');
    expect(text).toContain('  constant bytes: 24 (INT32 12, INT8 12)\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('returns the summary and totals as JSON', () => {
    const { json } = runInspect(path, { json: true });
    const parsed = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    expect(parsed).toEqual({
      path,
      ...JSON.parse(JSON.stringify(readTfliteModel(modelBytes))),
      totals: { paramCount: 15, constantBytes: 24, constantBytesByDtype: { INT8: 12, INT32: 12 } },
    });
  });

  it('throws E_MODEL_FILE for a missing model', () => {
    modelFileError(() => runInspect(join(dir, 'nope.tflite'), {}));
  });
});
