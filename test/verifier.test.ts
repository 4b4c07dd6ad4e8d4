// The .tflite verifier: every valid model we have passes (TF converter and edgeqat output); each
// kind of damage gives one line naming what and where; the limits hold; and every door (reader,
// inspect, engines, the CLI) verifies before it reads.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { readTfliteFile, readTfliteModel } from '../runtime/model-reader.js';
import { MAX_MODEL_MB_ENV, verifyTfliteModel, type VerifierLimits } from '../runtime/verifier/index.js';
import {
  BufferT,
  Builder,
  BuiltinOperator,
  BuiltinOptions,
  ByteBuffer,
  IfOptionsT,
  MetadataT,
  Model,
  OperatorT,
  SignatureDefT,
  SparsityParametersT,
  SubGraphT,
  TensorMapT,
  TensorT,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
  WhileOptionsT,
} from '../schemas/tflite.js';
import { runCli } from './helpers/run-cli.js';
import { verifierProblem } from './helpers/verifier-problem.js';
import { opCode, packModel, quant, sharedObjectsModel, tinyModel, tinyModelWith } from './helpers/tflite-model.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixtureFiles = [FIXTURES, join(FIXTURES, 'verifier')].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.tflite'))
    .map((f) => join(dir, f)),
);

/** The message verifyTfliteModel throws for `bytes` (checked to be one line with the given code). */
function problem(bytes: Uint8Array, limits: Partial<VerifierLimits> = {}, code = 'E_MODEL_FILE', operators = true): string {
  return verifierProblem(bytes, 'model.tflite', code, { limits, operators });
}

/** Problem of the tiny model after `edit`. */
const broken = (edit: Parameters<typeof tinyModelWith>[0], code?: string) => problem(tinyModelWith(edit), {}, code);

/** Fixtures with operators edgeqat's engines do not run (control flow); readable, not runnable. */
const NOT_RUN = { 'tf-lstm-float.tflite': 'operator 1 (WHILE)', 'tf-while-cond.tflite': 'operator 0 (WHILE)' } as Record<string, string>;

describe('verifyTfliteModel on valid models', () => {
  it.each(fixtureFiles.map((f) => [f.slice(FIXTURES.length + 1), f]))('accepts %s', (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    expect(() => verifyTfliteModel(bytes, file, { operators: false })).not.toThrow();
    expect(readTfliteModel(bytes, file, { operators: false }).version).toBe(3);
    const notRun = NOT_RUN[file.split('/').pop()!];
    if (!notRun) return verifyTfliteModel(bytes, file); // and every operator passes its rule
    expect(() => verifyTfliteModel(bytes, file)).toThrow(`${file}: ${notRun} is not an operator edgeqat's engines run (they run ADD, `);
  });

  it('has fixtures from the TF converter with several subgraphs, float16, int16 and LSTM, and from our converter', () => {
    const names = fixtureFiles.map((f) => f.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['tf-while-cond.tflite', 'tf-lstm-float.tflite', 'tf-cnn-fp16.tflite', 'tf-cnn-int16x8.tflite', 'edgeqat-mlp.tflite']));
    const loop = Model.getRootAsModel(new ByteBuffer(new Uint8Array(readFileSync(join(FIXTURES, 'verifier', 'tf-while-cond.tflite')))));
    expect(loop.subgraphsLength()).toBeGreaterThan(1);
  });

  it('accepts the tiny test model, also at an unaligned offset inside a larger buffer', () => {
    const bytes = packModel(tinyModel());
    verifyTfliteModel(bytes);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 1);
    verifyTfliteModel(padded.subarray(1, 1 + bytes.length));
  });
});

describe('header and size', () => {
  const good = packModel(tinyModel());

  it('names empty, short, foreign and oversized files', () => {
    expect(problem(new Uint8Array(0))).toBe('model.tflite: empty file, not a TFLite model');
    expect(problem(good.subarray(0, 5))).toBe('model.tflite: 5 bytes is too short to be a TFLite model');
    const foreign = good.slice();
    foreign.set(new TextEncoder().encode('TFL2'), 4);
    expect(problem(foreign)).toBe('model.tflite: not a TFLite model (file identifier "TFL2", expected "TFL3")');
    expect(problem(good, { maxFileBytes: 100 })).toBe(
      `model.tflite: ${good.length.toLocaleString('en-US')} bytes is over the 100-byte limit for model files (set ${MAX_MODEL_MB_ENV} to raise it)`,
    );
  });

  it('names every truncation as corrupt or truncated', () => {
    for (let n = 8; n < good.length; n++) expect(problem(good.subarray(0, n))).toMatch(/^model\.tflite: corrupt or truncated TFLite model \(/);
  });
});

describe('structure (what FlatBuffers verifies)', () => {
  const good = packModel(tinyModel());
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  it('says which field of which table is broken', () => {
    // The NUL after the name of tensor 1 ("input_int8").
    const bytes = good.slice();
    const at = Buffer.from(bytes).indexOf('input_int8\0') + 'input_int8'.length;
    bytes[at] = 0x41;
    expect(problem(bytes)).toMatch(/^model\.tflite: corrupt or truncated TFLite model \(subgraphs\[0\]\.tensors\[1\]\.name: string at byte \d+ is not NUL-terminated\)$/);
  });

  it('rejects a root offset outside the file, a negative offset and a misaligned table', () => {
    const root = good.slice();
    view(root).setUint32(0, good.length + 8, true);
    expect(problem(root)).toMatch(/root table offset \d+ is outside the \d+-byte file/);
    const rootTable = view(good).getUint32(0, true);
    const vtable = good.slice();
    view(vtable).setInt32(rootTable, -0x10000, true); // vtable after the end of the file
    expect(problem(vtable)).toMatch(/root table: vtable of Model at byte \d+ \(4 bytes\) runs past the end/);
    const odd = good.slice();
    view(odd).setUint32(0, rootTable + 1, true);
    expect(problem(odd)).toMatch(/root table: Model table at byte \d+ is not 4-byte aligned/);
  });

  it('rejects a union whose type and value disagree', () => {
    expect(broken((m) => (m.subgraphs[0]!.operators[1]!.builtinOptions = null))).toMatch(
      /subgraphs\[0\]\.operators\[1\]\.builtin_options: union type 8 \(FullyConnectedOptions\) but no value/,
    );
    expect(broken((m) => (m.subgraphs[0]!.operators[1]!.builtinOptionsType = BuiltinOptions.NONE))).toMatch(/builtin_options: union value present but its type is NONE/);
  });

  it('limits tables, and walking shared objects again and again', () => {
    expect(problem(good, { maxTables: 5 })).toMatch(/more than 5 tables/);
    // The walk is bounded by bytes reached, not by time (bench/time-limits.ts times it).
    expect(problem(sharedObjectsModel())).toMatch(/reuses its objects so often that reading it means walking over \d+ bytes/);
  });
});

describe('model checks (what TFLite needs)', () => {
  const t = (m: ReturnType<typeof tinyModel>, i: number) => m.subgraphs[0]!.tensors[i]!;
  const op = (m: ReturnType<typeof tinyModel>, i: number) => m.subgraphs[0]!.operators[i]!;

  it('names out-of-range indices the way TFLite does', () => {
    expect(broken((m) => (t(m, 2).buffer = 12))).toBe('model.tflite: tensor 2 buffer 12 out of range (3 buffers)');
    expect(broken((m) => (op(m, 1).opcodeIndex = 7))).toBe('model.tflite: operator 1 opcode index 7 out of range (3 operator codes)');
    expect(broken((m) => (op(m, 1).inputs = [1, 9, 3]))).toBe('model.tflite: operator 1 input 1 is tensor 9 out of range (6 tensors)');
    expect(broken((m) => (op(m, 2).outputs = [-1]))).toBe('model.tflite: operator 2 output 0 is tensor -1 out of range (6 tensors)');
    expect(broken((m) => (m.subgraphs[0]!.inputs = [6]))).toBe('model.tflite: input 0 is tensor 6 out of range (6 tensors)');
    expect(broken((m) => (m.subgraphs[0]!.outputs = [0, -2]))).toBe('model.tflite: output 1 is tensor -2 out of range (6 tensors)');
    expect(broken((m) => (op(m, 1).intermediates = [6]))).toBe('model.tflite: operator 1 intermediate 0 is tensor 6 out of range (6 tensors)');
    expect(broken((m) => m.metadata.push(new MetadataT('x', 3)))).toBe('model.tflite: metadata 0 buffer 3 out of range (3 buffers)');
    expect(broken((m) => (m.metadataBuffer = [-1]))).toBe('model.tflite: metadata_buffer 0 is buffer -1 out of range (3 buffers)');
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT('x', 0)], [new TensorMapT('y', 5)], 'serving', 1)))).toBe(
      'model.tflite: signature 0 subgraph 1 out of range (1 subgraphs)',
    );
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT('x', 0)], [new TensorMapT('y', 6)], 'serving', 0)))).toBe(
      'model.tflite: signature 0 output 0 is tensor 6 out of range (6 tensors in subgraph 0)',
    );
  });

  it('requires the names TFLite reads without a null check', () => {
    // The fuzzer zeroed one vtable slot shared by Metadata and TensorMap: LiteRT.js aborted.
    expect(broken((m) => m.metadata.push(new MetadataT(null, 0)))).toBe('model.tflite: metadata 0 has no name');
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT(null, 0)], [new TensorMapT('y', 5)], 'serving', 0)))).toBe('model.tflite: signature 0 input 0 has no name');
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT('x', 0)], [new TensorMapT('y', 5)], null, 0)))).toBe('model.tflite: signature 0 has no signature_key');
    verifyTfliteModel(tinyModelWith((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT('x', 0)], [new TensorMapT('y', 5)], 'serving', 0))));
  });

  it('requires a signature to list exactly its subgraph inputs and outputs', () => {
    // LiteRT.js refuses (and leaks) otherwise: "Output name (null) was not found".
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([new TensorMapT('x', 0)], [new TensorMapT('y', 4)], 'serving', 0)))).toBe(
      'model.tflite: signature 0 output 0 is tensor 4, not an output of subgraph 0',
    );
    expect(broken((m) => m.signatureDefs.push(new SignatureDefT([], [new TensorMapT('y', 5)], 'serving', 0)))).toBe('model.tflite: signature 0 lists 0 inputs but subgraph 0 has 1');
  });

  it('refuses an empty data vector where TFLite expects constant data', () => {
    // The object API writes `data: []` as an empty vector; TFLite reads that as a 0-byte constant.
    const bytes = tinyModelWith((m) => m.buffers.push(new BufferT([])));
    verifyTfliteModel(bytes); // unused: fine
    const b = new Builder(1024);
    const m = tinyModel();
    m.buffers.push(new BufferT([]));
    m.subgraphs[0]!.tensors[4]!.buffer = 3;
    b.finish(m.pack(b), TFLITE_FILE_IDENTIFIER);
    expect(problem(b.asUint8Array())).toBe(
      'model.tflite: tensor 4 buffer 3 has an empty data vector, which TFLite reads as 0 bytes of constant data (leave data out for a tensor without constant data)',
    );
  });

  it('allows -1 for an optional operator input', () => {
    verifyTfliteModel(tinyModelWith((m) => (op(m, 1).inputs = [1, 2, -1])));
  });

  it('checks the model header fields and buffers', () => {
    expect(broken((m) => (m.version = 2))).toBe('model.tflite: schema version 2, expected 3');
    expect(broken((m) => (m.subgraphs = []))).toBe('model.tflite: the model has no subgraph');
    expect(broken((m) => (m.buffers[0] = new BufferT([1, 2])))).toBe('model.tflite: buffer 0 must be the empty sentinel but holds 2 bytes');
    expect(broken((m) => m.buffers.push(new BufferT([], 4096n, 100n)))).toMatch(/^model\.tflite: buffer 3 external data at bytes 4096\.\.4196 is outside the \d+-byte file$/);
    expect(broken((m) => m.buffers.push(new BufferT([1], 64n, 1n)))).toBe('model.tflite: buffer 3 has both inline data and an external offset');
    expect(broken((m) => (op(m, 0).largeCustomOptionsOffset = 1n << 40n))).toMatch(/^model\.tflite: operator 0 custom options external data at bytes \d+\.\.\d+ is outside/);
    expect(broken((m) => (m.operatorCodes[0] = opCode(BuiltinOperator.CUSTOM)))).toBe('model.tflite: operator code 0 is CUSTOM without a custom_code');
  });

  it('checks shapes, types and constant sizes', () => {
    expect(broken((m) => (t(m, 1).shape = [1, -4]))).toBe('model.tflite: tensor 1 shape dim 1 is -4 (shape dims must be ≥ 0; -1 belongs in shape_signature)');
    expect(broken((m) => (t(m, 1).shape = [65536, 65536]))).toBe('model.tflite: tensor 1 has more than 268435456 elements (shape [65536,65536])');
    expect(broken((m) => (t(m, 0).shapeSignature = [-1, 5]))).toBe('model.tflite: tensor 0 shape_signature dim 1 is 5 but shape dim 1 is 4');
    expect(broken((m) => (t(m, 0).shapeSignature = [-1]))).toBe('model.tflite: tensor 0 shape_signature has 1 dims but shape has 2');
    expect(broken((m) => (t(m, 4).type = 99 as TensorType))).toBe('model.tflite: tensor 4 has unknown type 99');
    expect(broken((m) => (t(m, 2).shape = [3, 5]))).toBe('model.tflite: tensor 2 buffer 1 holds 12 bytes but shape [3,5] of INT8 needs 15');
    expect(broken((m) => (t(m, 3).type = TensorType.INT64))).toBe('model.tflite: tensor 3 buffer 2 holds 12 bytes but shape [3] of INT64 needs 24');
    expect(broken((m) => (t(m, 2).sparsity = new SparsityParametersT([0, 1])), 'E_UNSUPPORTED')).toBe(
      'model.tflite: tensor 2 is a sparse tensor (SparsityParameters); edgeqat does not read sparse models',
    );
  });

  it('checks quantization parameters', () => {
    expect(broken((m) => (t(m, 2).quantization = quant([0.1, 0.2, 0.3], [0, 0])))).toBe('model.tflite: tensor 2 has 3 quantization scales but 2 zero points');
    expect(broken((m) => (t(m, 2).quantization = quant([0.1, 0.2], [0, 0])))).toBe('model.tflite: tensor 2 has 2 quantization scales but dim 0 has size 3');
    expect(broken((m) => (t(m, 2).quantization = quant([0.1, 0.2, 0.3], [0, 0, 0], 2)))).toBe('model.tflite: tensor 2 quantized_dimension 2 out of range (rank 2)');
    expect(broken((m) => (t(m, 1).quantization = quant([NaN], [0])))).toBe('model.tflite: tensor 1 quantization scale 0 is NaN (must be a finite, normal float > 0)');
    expect(broken((m) => (t(m, 1).quantization = quant([0], [0])))).toBe('model.tflite: tensor 1 quantization scale 0 is 0 (must be a finite, normal float > 0)');
    // Subnormal: XNNPACK refuses the tensor and LiteRT.js then trapped (test/fuzz-regressions/subnormal-scale).
    expect(broken((m) => (t(m, 1).quantization = quant([1e-45], [0])))).toBe(
      'model.tflite: tensor 1 quantization scale 0 is 1.401298464324817e-45 (must be a finite, normal float > 0)',
    );
    expect(broken((m) => (t(m, 1).quantization = quant([0.5], [200])))).toBe('model.tflite: tensor 1 zero point 0 is 200, outside [-128, 127] for INT8');
  });

  it('checks who writes each tensor', () => {
    expect(broken((m) => (op(m, 0).outputs = [4]))).toBe('model.tflite: tensor 4 is produced twice (operators 0 and 1)');
    expect(broken((m) => (op(m, 2).outputs = [2]))).toBe('model.tflite: operator 2 writes tensor 2, a constant');
    expect(broken((m) => (op(m, 2).outputs = [0]))).toBe('model.tflite: operator 2 writes tensor 0, an input of the subgraph');
    expect(broken((m) => (op(m, 2).inputs = [5]))).toBe('model.tflite: operator 2 reads tensor 5, which it also writes');
    expect(broken((m) => (op(m, 1).mutatingVariableInputs = [true]))).toBe('model.tflite: operator 1 has 1 mutating_variable_inputs for 3 inputs');
  });

  it('checks the subgraphs control flow calls', () => {
    const withCall = (code: BuiltinOperator, type: BuiltinOptions, options: IfOptionsT | WhileOptionsT | null, subgraphs = 2) =>
      tinyModelWith((m) => {
        m.operatorCodes.push(opCode(code));
        const g = m.subgraphs[0]!;
        g.tensors.push(new TensorT([1], TensorType.BOOL, 0, 'cond'));
        g.operators.push(new OperatorT(3, [6], [], type, options));
        for (let s = 1; s < subgraphs; s++) m.subgraphs.push(new SubGraphT([new TensorT([1], TensorType.FLOAT32)], [0], [0], [], `s${s}`));
      });
    // Control flow is checked for every reader; the engines then refuse IF and WHILE (no rule).
    const readOnly = { operators: false };
    verifyTfliteModel(withCall(BuiltinOperator.IF, BuiltinOptions.IfOptions, new IfOptionsT(1, 1)), 'model.tflite', readOnly);
    expect(problem(withCall(BuiltinOperator.IF, BuiltinOptions.IfOptions, new IfOptionsT(1, 1)), {}, 'E_UNSUPPORTED')).toMatch(/operator 3 \(IF\) is not an operator edgeqat's engines run/);
    expect(problem(withCall(BuiltinOperator.IF, BuiltinOptions.IfOptions, new IfOptionsT(1, 5)), {}, 'E_MODEL_FILE', false)).toBe('model.tflite: operator 3 calls subgraph 5 out of range (2 subgraphs)');
    expect(problem(withCall(BuiltinOperator.WHILE, BuiltinOptions.WhileOptions, new WhileOptionsT(1, 0)), {}, 'E_MODEL_FILE', false)).toBe(
      'model.tflite: subgraph 0 operator 3 calls subgraph 0, which is already running (recursive control flow)',
    );
    // No options: TFLite zero-fills them, so this IF calls subgraph 0 from subgraph 0.
    expect(problem(withCall(BuiltinOperator.IF, BuiltinOptions.NONE, null), {}, 'E_MODEL_FILE', false)).toMatch(/calls subgraph 0, which is already running/);
  });

  it('names the subgraph when it is not the first', () => {
    const bytes = tinyModelWith((m) => m.subgraphs.push(new SubGraphT([new TensorT([1], TensorType.FLOAT32, 7)], [0], [0], [], 'second')));
    expect(problem(bytes)).toBe('model.tflite: subgraph 1 tensor 0 buffer 7 out of range (3 buffers)');
  });

  it('accepts what TFLite accepts: min/max-only quantization, INT4 packed constants, external buffers inside the file', () => {
    verifyTfliteModel(tinyModelWith((m) => (t(m, 5).quantization = quant([], []))));
    const int4 = tinyModelWith((m) => {
      t(m, 2).type = TensorType.INT4;
      m.buffers[1] = new BufferT([1, 2, 3, 4, 5, 6]); // 12 int4 values, two per byte
    });
    verifyTfliteModel(int4, 'model.tflite', { operators: false }); // a valid file; the FC rule wants int8 weights
    expect(problem(int4)).toBe('model.tflite: operator 1 (FULLY_CONNECTED): weights tensor 2 is INT4, expected INT8');
    const inner = packModel(tinyModel());
    verifyTfliteModel(tinyModelWith((m) => m.buffers.push(new BufferT([], 16n, BigInt(inner.length - 16)))));
  });
});

describe('every door verifies first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-verifier-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env[MAX_MODEL_MB_ENV];
  });
  const bad = tinyModelWith((m) => (m.subgraphs[0]!.tensors[2]!.buffer = 12));
  const badPath = join(dir, 'bad.tflite');
  writeFileSync(badPath, bad);

  it('readTfliteModel, readTfliteFile and the tfjs-tflite engine', async () => {
    expect(() => readTfliteModel(bad, 'bad.tflite')).toThrow('bad.tflite: tensor 2 buffer 12 out of range (3 buffers)');
    expect(() => readTfliteFile(badPath)).toThrow(`${badPath}: tensor 2 buffer 12 out of range (3 buffers)`);
    await expect(createTfjsTfliteEngine(bad, { label: 'bad.tflite' })).rejects.toThrow('bad.tflite: tensor 2 buffer 12 out of range (3 buffers)');
  });

  it('readTfliteFile refuses a file over the size limit before reading it; the limit is configurable', () => {
    const good = join(dir, 'good.tflite');
    writeFileSync(good, packModel(tinyModel()));
    process.env[MAX_MODEL_MB_ENV] = '0.0001'; // 104 bytes
    expect(() => readTfliteFile(good)).toThrow(/bytes is over the 104-byte limit for model files \(set EDGEQAT_MAX_MODEL_MB to raise it\)/);
    process.env[MAX_MODEL_MB_ENV] = 'lots';
    expect(() => readTfliteFile(good)).toThrow(`${MAX_MODEL_MB_ENV}=lots: expected a positive number of megabytes`);
    process.env[MAX_MODEL_MB_ENV] = '1';
    expect(readTfliteFile(good).version).toBe(3);
  });

  it('the CLI prints one line and exits with code 2', async () => {
    const r = await runCli(['inspect', badPath]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`edgeqat: error: ${badPath}: tensor 2 buffer 12 out of range (3 buffers)`);
    expect(r.stdout).toBe('');
  });
});

