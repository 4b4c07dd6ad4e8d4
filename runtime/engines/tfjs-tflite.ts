// Engine on @tensorflow/tfjs-tflite: the official TFLite interpreter compiled to WebAssembly
// (single-threaded SIMD build in Node, see ../tflite-web-shim.ts).
//
// Fast path: its raw TFLiteWebModelRunner (write into the input tensor's wasm memory view,
// `infer()`, read the output view) instead of `TFLiteModel.predict()`, which round-trips every
// sample through tfjs tensors (int8 goes via int32) and logs a warning per int8 call.
// The runner cannot resize inputs: a batch dim of -1 (shape_signature) runs as 1, a fixed batch B
// runs B samples per invocation; run() loops over invocations and pads the last one.
//
// The interpreter does not verify the FlatBuffer (a truncated model loads and then reads garbage),
// so readTfliteIo() walks the file with bounds checks first; it also supplies the input/output
// scale and zero point, which the runner does not expose.
import { EdgeqatError } from '../errors.js';
import { loadTfliteModule, setTfliteLogSink, withTfliteWebShim } from '../tflite-web-shim.js';
import {
  elementsPerSample,
  quantizeInto,
  type Engine,
  type OutputArray,
  type TensorDtype,
  type TensorInfo,
} from './engine.js';

export interface TfjsTfliteEngineOptions {
  /** Names the model in error messages, e.g. its file path. */
  label?: string;
}

/** What the runner's TensorInfo objects look like (tfjs-tflite's TFLiteWebModelRunnerTensorInfo). */
interface RunnerTensor {
  name: string;
  dataType: string;
  shape: string;
  data(): ArrayLike<number> & { byteLength: number; set(a: ArrayLike<number>, offset?: number): void; subarray(b: number, e: number): ArrayLike<number> };
}
interface Runner {
  getInputs(): RunnerTensor[];
  getOutputs(): RunnerTensor[];
  infer(): boolean;
  cleanUp(): void;
}

export async function createTfjsTfliteEngine(modelBytes: Uint8Array, opts: TfjsTfliteEngineOptions = {}): Promise<Engine> {
  const what = opts.label ?? 'model';
  const io = readTfliteIo(modelBytes, what);
  if (io.inputs.length !== 1 || io.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: ${io.inputs.length} inputs and ${io.outputs.length} outputs; engines take one of each`);
  }

  const lib = await loadTfliteModule().catch((e: unknown) => {
    throw new EdgeqatError('E_ENGINE', `tfjs-tflite failed to load: ${oneLine(e)}`);
  });

  // Keep the interpreter's own error lines (e.g. an unsupported op) for the message.
  const logged: string[] = [];
  const previousSink = setTfliteLogSink((line, stream) => {
    logged.push(line);
    previousSink(line, stream);
  });
  let runner: Runner;
  try {
    const copy = modelBytes.slice().buffer; // exactly the model's bytes, even for a view into a larger buffer
    // numThreads must be given: its default reads `navigator`, which Node 20 lacks.
    const model = await withTfliteWebShim(() => lib.loadTFLiteModel(copy, { numThreads: 1 }));
    runner = model['modelRunner'] as unknown as Runner;
  } catch (e) {
    const detail = logged.find((l) => l.startsWith('ERROR')) ?? oneLine(e);
    throw new EdgeqatError('E_MODEL_FILE', `${what}: tfjs-tflite cannot load this model (${detail})`);
  } finally {
    setTfliteLogSink(previousSink);
  }

  try {
    return new TfjsTfliteEngine(runner, io.inputs[0], io.outputs[0], what);
  } catch (e) {
    runner.cleanUp();
    throw e;
  }
}

class TfjsTfliteEngine implements Engine {
  readonly name = 'tfjs-tflite';
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  private readonly inTensor: RunnerTensor;
  private readonly outTensor: RunnerTensor;
  private readonly batch: number;
  private disposed = false;

  constructor(private readonly runner: Runner, inMeta: TensorMeta, outMeta: TensorMeta, what: string) {
    this.inTensor = runner.getInputs()[0];
    this.outTensor = runner.getOutputs()[0];
    this.input = tensorInfo(this.inTensor, inMeta, what);
    this.output = tensorInfo(this.outTensor, outMeta, what);
    this.batch = this.input.shape[0];
    if (this.output.shape[0] !== this.batch) {
      throw new EdgeqatError('E_UNSUPPORTED', `${what}: output batch ${this.output.shape[0]} differs from input batch ${this.batch}`);
    }
  }

  run(input: Float32Array | Int8Array, n: number): OutputArray {
    if (this.disposed) throw new EdgeqatError('E_ENGINE', 'tfjs-tflite: engine used after dispose()');
    const inPer = elementsPerSample(this.input);
    const outPer = elementsPerSample(this.output);
    if (!Number.isInteger(n) || n < 0 || input.length !== n * inPer) {
      throw new EdgeqatError('E_DATASET', `input holds ${input.length} values; expected ${n} samples × ${inPer} values`);
    }
    const quantized = this.input.dtype === 'int8' || this.input.dtype === 'uint8';
    if (input instanceof Int8Array && this.input.dtype !== 'int8') {
      throw new EdgeqatError('E_UNSUPPORTED', `model input is ${this.input.dtype}; raw int8 input needs an int8 input tensor`);
    }
    const out = allocate(this.output.dtype, n * outPer);
    // Views into wasm memory; re-read if memory growth detached them.
    let inView = this.inTensor.data();
    let outView = this.outTensor.data();
    for (let start = 0; start < n; start += this.batch) {
      const m = Math.min(this.batch, n - start);
      const chunk = input.subarray(start * inPer, (start + m) * inPer);
      if (inView.byteLength === 0) inView = this.inTensor.data();
      if (quantized && chunk instanceof Float32Array) quantizeInto(chunk, this.input, inView as unknown as Int8Array | Uint8Array);
      else inView.set(chunk);
      if (m < this.batch) (inView as unknown as Int8Array).fill(0, m * inPer);
      let ok: boolean;
      try {
        ok = this.runner.infer();
      } catch (e) {
        throw new EdgeqatError('E_ENGINE', `tfjs-tflite: inference crashed (${oneLine(e)})`);
      }
      if (!ok) throw new EdgeqatError('E_ENGINE', 'tfjs-tflite: inference failed');
      if (outView.byteLength === 0) outView = this.outTensor.data();
      out.set(outView.subarray(0, m * outPer), start * outPer);
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runner.cleanUp();
  }
}

function allocate(dtype: TensorDtype, length: number): OutputArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
      return new Uint8Array(length);
    case 'int32':
      return new Int32Array(length);
  }
}

function tensorInfo(t: RunnerTensor, meta: TensorMeta, what: string): TensorInfo {
  const dtype = t.dataType;
  if (dtype !== 'float32' && dtype !== 'int8' && dtype !== 'uint8' && dtype !== 'int32') {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: tensor ${t.name} has type ${dtype}`);
  }
  let shape = t.shape.split(',').map(Number);
  if (shape.length < 2) shape = [1, ...shape]; // no batch dim: one sample per invocation
  const info: TensorInfo = { name: t.name, dtype, shape };
  if (dtype !== 'float32' && meta.scale !== undefined) {
    info.scale = meta.scale;
    info.zeroPoint = meta.zeroPoint ?? 0;
  }
  return info;
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0].slice(0, 200);
}

// --- A bounds-checked walk over the TFLite FlatBuffer (field ids from the official schema.fbs) ---

const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16',
  'complex64', 'int8', 'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4'];

export interface TensorMeta {
  name: string;
  /** TensorType name in lower case, e.g. 'int8'. */
  type: string;
  shape: number[];
  shapeSignature?: number[];
  /** First (per-tensor) scale/zero point, if the tensor is quantized. */
  scale?: number;
  zeroPoint?: number;
}

export interface TfliteIo {
  inputs: TensorMeta[];
  outputs: TensorMeta[];
}

/**
 * Checks that `bytes` is a structurally sound TFLite model (identifier, schema version 3, every
 * table, vector, index and buffer inside the file) and returns the main subgraph's inputs and
 * outputs. Throws EdgeqatError E_MODEL_FILE naming `what` otherwise.
 */
export function readTfliteIo(bytes: Uint8Array, what = 'model'): TfliteIo {
  try {
    return new ModelWalker(bytes).walk();
  } catch (e) {
    const reason = e instanceof FormatError ? e.message : `unreadable (${oneLine(e)})`;
    throw new EdgeqatError('E_MODEL_FILE', `${what}: not a valid TFLite model (${reason})`);
  }
}

class FormatError extends Error {}

class ModelWalker {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  walk(): TfliteIo {
    const b = this.bytes;
    if (b.length === 0) throw new FormatError('empty file');
    if (b.length < 8 || String.fromCharCode(b[4], b[5], b[6], b[7]) !== 'TFL3') {
      throw new FormatError('no TFL3 file identifier');
    }
    const model = this.table(this.u32(0), 'model');
    const version = this.scalarU32(model, 0);
    if (version !== 3) throw new FormatError(`schema version ${version}, expected 3`);
    const opcodes = this.tables(model, 1, 'operator codes');
    const buffers = this.tables(model, 4, 'buffers');
    for (const buf of buffers) {
      this.vector(buf, 0, 1, 'buffer data');
      const offset = this.scalarU64(buf, 1);
      const size = this.scalarU64(buf, 2);
      if (offset > 1 && offset + size > b.length) throw new FormatError(`truncated: buffer data at byte ${offset}+${size} beyond the file's ${b.length} bytes`);
    }
    const subgraphs = this.tables(model, 2, 'subgraphs');
    if (subgraphs.length === 0) throw new FormatError('no subgraphs');
    let main: TfliteIo | undefined;
    for (const sg of subgraphs) {
      const tensors = this.tables(sg, 0, 'tensors').map((t) => this.tensor(t, buffers.length));
      const index = (v: number, kind: string, optional: boolean) => {
        if ((optional && v === -1) || (v >= 0 && v < tensors.length)) return v;
        throw new FormatError(`${kind} refers to tensor ${v} of ${tensors.length}`);
      };
      const inputs = this.ints(sg, 1, 'subgraph inputs').map((v) => tensors[index(v, 'subgraph input', false)]);
      const outputs = this.ints(sg, 2, 'subgraph outputs').map((v) => tensors[index(v, 'subgraph output', false)]);
      for (const op of this.tables(sg, 3, 'operators')) {
        const opcode = this.scalarU32(op, 0);
        if (opcode >= opcodes.length) throw new FormatError(`operator uses opcode ${opcode} of ${opcodes.length}`);
        for (const v of this.ints(op, 1, 'operator inputs')) index(v, 'operator input', true);
        for (const v of this.ints(op, 2, 'operator outputs')) index(v, 'operator output', false);
      }
      main ??= { inputs, outputs };
    }
    return main as TfliteIo;
  }

  private tensor(t: number, bufferCount: number): TensorMeta {
    const typeCode = this.scalarU8(t, 1);
    const buffer = this.scalarU32(t, 2);
    if (buffer >= bufferCount) throw new FormatError(`tensor refers to buffer ${buffer} of ${bufferCount}`);
    const meta: TensorMeta = {
      name: this.string(t, 3) ?? '',
      type: TENSOR_TYPES[typeCode] ?? `type ${typeCode}`,
      shape: this.ints(t, 0, 'tensor shape'),
    };
    const signature = this.field(t, 7) ? this.ints(t, 7, 'shape signature') : undefined;
    if (signature) meta.shapeSignature = signature;
    const qpos = this.field(t, 4);
    if (qpos) {
      const q = this.table(qpos + this.u32(qpos), 'quantization');
      const scales = this.vector(q, 2, 4, 'scales');
      const zps = this.vector(q, 3, 8, 'zero points');
      if (scales && scales.length > 0) meta.scale = this.view.getFloat32(scales.start, true);
      if (zps && zps.length > 0) meta.zeroPoint = Number(this.view.getBigInt64(zps.start, true));
    }
    return meta;
  }

  private check(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && pos + size <= this.bytes.length)) {
      throw new FormatError(`truncated or corrupt: ${what} at byte ${pos} beyond the file's ${this.bytes.length} bytes`);
    }
  }

  private u32(pos: number, what = 'offset'): number {
    this.check(pos, 4, what);
    return this.view.getUint32(pos, true);
  }

  /** A table at `pos`: returns pos after checking its vtable. */
  private table(pos: number, what: string): number {
    this.check(pos, 4, what);
    const vt = pos - this.view.getInt32(pos, true);
    this.check(vt, 4, `${what} vtable`);
    const vtLen = this.view.getUint16(vt, true);
    if (vtLen < 4 || vtLen % 2 !== 0) throw new FormatError(`${what} has a malformed vtable`);
    this.check(vt, vtLen, `${what} vtable`);
    this.check(pos, this.view.getUint16(vt + 2, true), what);
    return pos;
  }

  /** Absolute position of field `id` of table `t`, or 0 if absent. */
  private field(t: number, id: number): number {
    const vt = t - this.view.getInt32(t, true);
    const slot = 4 + 2 * id;
    if (slot >= this.view.getUint16(vt, true)) return 0;
    const off = this.view.getUint16(vt + slot, true);
    return off === 0 ? 0 : t + off;
  }

  private scalarU8(t: number, id: number): number {
    const p = this.field(t, id);
    return p ? (this.check(p, 1, 'field'), this.view.getUint8(p)) : 0;
  }

  private scalarU32(t: number, id: number): number {
    const p = this.field(t, id);
    return p ? this.u32(p, 'field') : 0;
  }

  private scalarU64(t: number, id: number): number {
    const p = this.field(t, id);
    if (!p) return 0;
    this.check(p, 8, 'field');
    return Number(this.view.getBigUint64(p, true));
  }

  private vector(t: number, id: number, elemSize: number, what: string): { start: number; length: number } | undefined {
    const p = this.field(t, id);
    if (!p) return undefined;
    const v = p + this.u32(p, what);
    const length = this.u32(v, what);
    this.check(v + 4, length * elemSize, what);
    return { start: v + 4, length };
  }

  private ints(t: number, id: number, what: string): number[] {
    const v = this.vector(t, id, 4, what);
    const out: number[] = [];
    for (let i = 0; v && i < v.length; i++) out.push(this.view.getInt32(v.start + 4 * i, true));
    return out;
  }

  private tables(t: number, id: number, what: string): number[] {
    const v = this.vector(t, id, 4, what);
    const out: number[] = [];
    for (let i = 0; v && i < v.length; i++) {
      const p = v.start + 4 * i;
      out.push(this.table(p + this.view.getUint32(p, true), what));
    }
    return out;
  }

  private string(t: number, id: number): string | undefined {
    const v = this.vector(t, id, 1, 'string');
    return v ? new TextDecoder().decode(this.bytes.subarray(v.start, v.start + v.length)) : undefined;
  }
}
