// Engine on @litertjs/core (LiteRT.js): Google's current TFLite/LiteRT WebAssembly runtime with
// XNNPACK, started in Node by ../litert-node-shim.ts. CPU ('wasm' accelerator), one thread.
//
// What it cannot run is refused up front with one line: LiteRT.js takes only float32, int32 and
// uint8 input/output tensors (not int8). It cannot resize inputs and rejects inputs for a -1
// (dynamic) dim, so it gets a copy of the model with such dims fixed to the file's static shape
// (../fixed-shapes.ts; a -1 batch runs as 1); a fixed batch B runs B samples per invocation, and
// run() loops over invocations like the other engines.
//
// Fast path: the compiled model's own `run(signature, buffers)`, synchronous in the non-JSPI build,
// with one input TensorBuffer made at load and written through its locked wasm memory, instead of
// the async `CompiledModel.run()` that wraps every call in promises and Tensor objects.
//
// LiteRT.js quirks handled here:
// - `loadAndCompile` copies the model into wasm memory and loads it before compiling; when the
//   compile refuses the model (e.g. an op version it lacks) it frees neither, and the exception
//   out of its C++ leaves 304 bytes of its 64 KB wasm stack behind: after about 210 refusals in one
//   process the next load never returns. `loadWithoutLeak` frees both and restores the stack
//   pointer (../litert-node-shim.ts `litertStack`).
// - A model that loads but whose tensors cannot be allocated at the first run (XNNPACK "failed to
//   prepare", "Failed to allocate tensors") logs an ERROR and returns zeros: run() watches the log
//   and reports E_ENGINE instead of returning them.
// - Anything else LiteRT.js throws (a plain Error from its C++ checks) becomes one E_ENGINE line.
// Threads: LiteRT.js runs its single-threaded build here (its threaded build needs Web Workers,
// which Node lacks); `threads` is passed on as cpuOptions.numThreads and the engine reports the
// count the runtime actually has (`threads`), which is 1.
import { EdgeqatError } from '../errors.js';
import { readTfliteModel, type TensorSummary } from '../model-reader.js';
import { fixDynamicShapes } from '../fixed-shapes.js';
import { litertStack, loadLitert, setLitertLogSink, type LitertLib } from '../litert-node-shim.js';
import { elementsPerSample, quantizeInto, type Engine, type OutputArray, type TensorDtype, type TensorInfo, allocateOutput } from './engine.js';

export interface LitertEngineOptions {
  /** Names the model in error messages, e.g. its file path. */
  label?: string;
  /** Requested CPU threads (cpuOptions.numThreads); the single-threaded build in Node uses 1. */
  threads?: number;
}

/** The parts of LiteRT.js's wasm bindings we call (its d.ts keeps them internal). */
interface TensorBuffer {
  lock(mode: unknown): number;
  unlock(): void;
  delete(): void;
}
interface WasmCompiledModel {
  run(signature: number, inputs: TensorBuffer[]): TensorBuffer[] | Promise<TensorBuffer[]>;
}
interface LitertWasm {
  HEAPU8: Uint8Array;
  LiteRtTensorBufferLockMode: { READ: unknown; WRITE: unknown };
  loadModel(env: unknown, ptr: number, length: number): { delete(): void };
  _free(ptr: number): void;
  getThreadCount(): number;
}

/** One load at a time: loadWithoutLeak watches the runtime's loadModel calls of its own load. */
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * lib.loadAndCompile, but when it fails the model copy it made in wasm memory and the loaded model
 * are freed (LiteRT.js leaves both behind; see the header).
 */
async function loadWithoutLeak(lib: LitertLib, bytes: Uint8Array, options: Parameters<LitertLib['loadAndCompile']>[1]): ReturnType<LitertLib['loadAndCompile']> {
  const turn = loadQueue.then(async () => {
    const wasm = lib.getGlobalLiteRt().liteRtWasm as unknown as LitertWasm;
    const loadModel = wasm.loadModel;
    const made: { ptr: number; model?: { delete(): void } }[] = [];
    wasm.loadModel = (env, ptr, length) => {
      const entry: { ptr: number; model?: { delete(): void } } = { ptr };
      made.push(entry);
      entry.model = loadModel.call(wasm, env, ptr, length);
      return entry.model;
    };
    const stackPointer = litertStack()?.save();
    try {
      return await lib.loadAndCompile(bytes, options);
    } catch (e) {
      if (stackPointer !== undefined) litertStack()!.restore(stackPointer);
      for (const { ptr, model } of made) {
        try {
          model?.delete();
        } finally {
          wasm._free(ptr);
        }
      }
      throw e;
    } finally {
      wasm.loadModel = loadModel;
    }
  });
  loadQueue = turn.catch(() => undefined);
  return turn;
}

const IO_TYPES: Record<string, TensorDtype> = { FLOAT32: 'float32', INT32: 'int32', UINT8: 'uint8' };
const BYTES: Record<TensorDtype, number> = { float32: 4, int32: 4, uint8: 1, int8: 1 };

function cannot(what: string, reason: string): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `${what}: litert cannot run this model: ${reason}`);
}

function tensorInfo(t: TensorSummary, what: string, role: string): TensorInfo {
  const dtype = IO_TYPES[t.dtype];
  if (!dtype) throw cannot(what, `${role} tensor ${t.name} is ${t.dtype} (LiteRT.js takes float32, int32 and uint8 input/output tensors)`);
  let shape = [...t.shape];
  if (shape.length < 2) shape = [1, ...shape];
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) throw cannot(what, `${role} tensor ${t.name} has shape [${t.shape.join(',')}]`);
  const info: TensorInfo = { name: t.name, dtype, shape };
  if (dtype === 'uint8' && t.quantization && t.quantization.scale.length > 0) {
    info.scale = t.quantization.scale[0];
    info.zeroPoint = t.quantization.zeroPoint[0] ?? 0;
  }
  return info;
}

export async function createLitertEngine(modelBytes: Uint8Array, opts: LitertEngineOptions = {}): Promise<Engine> {
  const what = opts.label ?? 'model';
  const graph = readTfliteModel(modelBytes, what).subgraph; // E_MODEL_FILE for bad bytes
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; engines take one of each`);
  }
  const input = tensorInfo(graph.tensors[graph.inputs[0]], what, 'input');
  const output = tensorInfo(graph.tensors[graph.outputs[0]], what, 'output');
  if (output.shape[0] !== input.shape[0]) throw cannot(what, `output batch ${output.shape[0]} differs from input batch ${input.shape[0]}`);

  const lib = await loadLitert().catch((e: unknown) => {
    throw new EdgeqatError('E_ENGINE', `litert failed to load: ${oneLine(e)}`);
  });

  // Hold the runtime's log lines during the load: an ERROR line explains a failure better than the
  // exception (e.g. an op XNNPACK and the builtin kernels lack).
  const logged: string[] = [];
  const previousSink = setLitertLogSink((line) => logged.push(line));
  let model: Awaited<ReturnType<LitertLib['loadAndCompile']>>;
  try {
    model = await loadWithoutLeak(lib, fixDynamicShapes(modelBytes).bytes, { accelerator: 'wasm', cpuOptions: { numThreads: opts.threads ?? 1 } });
  } catch (e) {
    const error = logged.find((line) => line.startsWith('ERROR:'));
    throw new EdgeqatError('E_MODEL_FILE', `${what}: litert cannot load this model (${error ? error.slice('ERROR:'.length).trim() : oneLine(e)})`);
  } finally {
    setLitertLogSink(previousSink);
  }
  for (const line of logged) previousSink(line);

  try {
    return new LitertEngine(lib, model, input, output, what);
  } catch (e) {
    model.delete();
    if (e instanceof EdgeqatError) throw e;
    throw new EdgeqatError('E_ENGINE', `${what}: litert failed to set up this model (${oneLine(e)})`, { cause: e });
  }
}

class LitertEngine implements Engine {
  readonly name = 'litert';
  /** Threads the runtime runs with (its single-threaded build in Node: 1). */
  readonly threads: number;
  private readonly wasm: LitertWasm;
  private readonly compiled: WasmCompiledModel;
  private readonly inputTensor: InstanceType<LitertLib['Tensor']>;
  private readonly batch: number;
  private readonly inBytes: number;
  /** One invocation's input, as the model's input type, and its bytes. */
  private readonly staging: Float32Array | Int32Array | Uint8Array;
  private readonly stagingBytes: Uint8Array;
  private disposed = false;

  constructor(
    lib: LitertLib,
    private readonly model: Awaited<ReturnType<LitertLib['loadAndCompile']>>,
    readonly input: TensorInfo,
    readonly output: TensorInfo,
    what: string,
  ) {
    this.wasm = lib.getGlobalLiteRt().liteRtWasm as unknown as LitertWasm;
    this.threads = this.wasm.getThreadCount();
    this.compiled = (model as unknown as { liteRtCompiledModel: WasmCompiledModel }).liteRtCompiledModel;
    const [details] = model.getInputDetails();
    const expected = input.shape.reduce((a, b) => a * b, 1);
    const actual = details ? details.shape.reduce((a, b) => a * b, 1) : -1;
    if (!details || details.dtype !== input.dtype || actual !== expected) {
      throw cannot(what, `its input is ${details?.dtype ?? 'missing'} [${details ? Array.from(details.shape).join(',') : ''}], the model file says ${input.dtype} [${input.shape.join(',')}]`);
    }
    const Typed = input.dtype === 'float32' ? Float32Array : input.dtype === 'int32' ? Int32Array : Uint8Array;
    this.inputTensor = new lib.Tensor(new Typed(expected), Array.from(details.shape));
    this.batch = input.shape[0];
    this.inBytes = expected * BYTES[input.dtype];
    this.staging = new Typed(expected);
    this.stagingBytes = new Uint8Array(this.staging.buffer);
  }

  run(input: Float32Array | Int8Array, n: number): OutputArray {
    if (this.disposed) throw new EdgeqatError('E_ENGINE', 'litert: engine used after dispose()');
    const inPer = elementsPerSample(this.input);
    const outPer = elementsPerSample(this.output);
    if (!Number.isInteger(n) || n < 0 || input.length !== n * inPer) {
      throw new EdgeqatError('E_DATASET', `input holds ${input.length} values; expected ${n} samples × ${inPer} values`);
    }
    if (input instanceof Int8Array) throw new EdgeqatError('E_UNSUPPORTED', `model input is ${this.input.dtype}; raw int8 input needs an int8 input tensor`);
    const out = allocateOutput(this.output.dtype, n * outPer);
    const outBytes = new Uint8Array(out.buffer);
    const buffer = this.inputTensor.liteRtTensorBuffer as unknown as TensorBuffer;
    const { READ, WRITE } = this.wasm.LiteRtTensorBufferLockMode;
    const { staging, stagingBytes } = this;
    const outElementBytes = BYTES[this.output.dtype];
    // An ERROR line logged during a run means it failed, even when it returns (see the header).
    const errors: string[] = [];
    const stackPointer = litertStack()?.save(); // an exception out of C++ leaks wasm stack (see the header)
    const previousSink = setLitertLogSink((line) => (line.startsWith('ERROR:') ? errors.push(line.slice('ERROR:'.length).trim()) : previousSink(line)));
    try {
      for (let start = 0; start < n; start += this.batch) {
        const m = Math.min(this.batch, n - start);
        const chunk = input.subarray(start * inPer, (start + m) * inPer);
        if (this.input.dtype === 'float32') (staging as Float32Array).set(chunk);
        else if (this.input.dtype === 'uint8') quantizeInto(chunk, this.input, staging as Uint8Array);
        else (staging as Int32Array).set(chunk);
        if (m < this.batch) staging.fill(0, m * inPer);
        const inPtr = buffer.lock(WRITE);
        this.wasm.HEAPU8.set(stagingBytes.subarray(0, this.inBytes), inPtr); // HEAPU8 is re-read: memory may have grown
        buffer.unlock();
        const outputs = this.compiled.run(0, [buffer]);
        if (outputs instanceof Promise) throw new EdgeqatError('E_ENGINE', 'litert: this LiteRT.js build runs asynchronously (JSPI); edgeqat needs the synchronous build');
        try {
          if (errors.length > 0) throw new EdgeqatError('E_ENGINE', `litert: inference failed (${errors.join('; ').slice(0, 300)})`);
          const outPtr = outputs[0].lock(READ);
          outBytes.set(this.wasm.HEAPU8.subarray(outPtr, outPtr + m * outPer * outElementBytes), start * outPer * outElementBytes);
          outputs[0].unlock();
        } finally {
          for (const t of outputs) t.delete();
        }
      }
    } catch (e) {
      if (stackPointer !== undefined) litertStack()!.restore(stackPointer);
      if (e instanceof EdgeqatError) throw e;
      throw new EdgeqatError('E_ENGINE', `litert: inference failed (${oneLine(e)})`, { cause: e });
    } finally {
      setLitertLogSink(previousSink);
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.inputTensor.delete();
    this.model.delete();
  }
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0].slice(0, 200);
}
