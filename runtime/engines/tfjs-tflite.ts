// Engine on @tensorflow/tfjs-tflite: the official TFLite interpreter compiled to WebAssembly
// (single-threaded SIMD build in Node, see ../tflite-web-shim.ts).
//
// Fast path: its raw TFLiteWebModelRunner (write into the input tensor's wasm memory view,
// `infer()`, read the output view) instead of `TFLiteModel.predict()`, which round-trips every
// sample through tfjs tensors (int8 goes via int32) and logs a warning per int8 call.
// The runner cannot resize inputs: a batch dim of -1 (shape_signature) runs as 1, a fixed batch B
// runs B samples per invocation; run() loops over invocations and pads the last one.
//
// No bytes reach the interpreter unverified: readTfliteModel runs edgeqat's verifier first
// (runtime/verifier/), which also rejects files the interpreter's own checks let through and then
// crashes on (e.g. a convolution whose options are missing traps on a division by zero). The
// reader also supplies the input/output scale and zero point, which the runner does not expose.
// A WebAssembly trap (RuntimeError) is reported as E_ENGINE with the trap as `cause`: after one,
// the interpreter's memory may be inconsistent, so it is never passed off as a bad model file.
import { EdgeqatError } from '../errors.js';
import { readTfliteModel, type TensorSummary } from '../model-reader.js';
import { loadTfliteModule, setTfliteLogSink, withTfliteWebShim } from '../tflite-web-shim.js';
import {
  elementsPerSample,
  quantizeInto,
  type Engine,
  type OutputArray,
  type TensorInfo,
  allocateOutput,
} from './engine.js';

export interface TfjsTfliteEngineOptions {
  /** Names the model in error messages, e.g. its file path. */
  label?: string;
  /**
   * Requested threads (the interpreter's numThreads). In Node tfjs-tflite runs its single-threaded
   * SIMD build (its threaded build needs Web Workers), which computes with 1 whatever is asked.
   */
  threads?: number;
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
  const graph = readTfliteModel(modelBytes, what).subgraph; // verifies: E_MODEL_FILE for bad bytes
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; engines take one of each`);
  }
  const [inMeta, outMeta] = [graph.inputs[0], graph.outputs[0]].map((i) => {
    const tensor = graph.tensors[i];
    if (!tensor) throw new EdgeqatError('E_MODEL_FILE', `${what}: not a valid TFLite model (I/O tensor ${i} of ${graph.tensors.length})`);
    return tensor;
  });

  const lib = await loadTfliteModule().catch((e: unknown) => {
    throw new EdgeqatError('E_ENGINE', `tfjs-tflite failed to load: ${oneLine(e)}`);
  });

  // Hold the interpreter's output during the load: on failure its first ERROR line (e.g. an
  // unknown op) becomes the message instead of being printed; on success it is passed on.
  const logged: [string, 'out' | 'err'][] = [];
  const previousSink = setTfliteLogSink((line, stream) => logged.push([line, stream]));
  let runner: Runner;
  try {
    const copy = modelBytes.slice().buffer; // exactly the model's bytes, even for a view into a larger buffer
    // numThreads must be given: its default reads `navigator`, which Node 20 lacks.
    const model = await withTfliteWebShim(() => lib.loadTFLiteModel(copy, { numThreads: opts.threads ?? 1 }));
    runner = model['modelRunner'] as unknown as Runner;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      throw new EdgeqatError('E_ENGINE', `${what}: tfjs-tflite crashed while loading this model (${oneLine(e)})`, { cause: e });
    }
    const error = logged.find(([line]) => line.startsWith('ERROR: '));
    const detail = error ? error[0].slice('ERROR: '.length) : oneLine(e);
    throw new EdgeqatError('E_MODEL_FILE', `${what}: tfjs-tflite cannot load this model (${detail})`, { cause: e });
  } finally {
    setTfliteLogSink(previousSink);
  }
  for (const [line, stream] of logged) previousSink(line, stream);

  try {
    return new TfjsTfliteEngine(runner, inMeta, outMeta, what);
  } catch (e) {
    runner.cleanUp();
    throw e;
  }
}

class TfjsTfliteEngine implements Engine {
  readonly name = 'tfjs-tflite';
  readonly threads = 1; // the single-threaded build (see TfjsTfliteEngineOptions.threads)
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  private readonly inTensor: RunnerTensor;
  private readonly outTensor: RunnerTensor;
  private readonly batch: number;
  private disposed = false;

  constructor(private readonly runner: Runner, inMeta: TensorSummary, outMeta: TensorSummary, what: string) {
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
    const out = allocateOutput(this.output.dtype, n * outPer);
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
        throw new EdgeqatError('E_ENGINE', `tfjs-tflite: inference crashed (${oneLine(e)})`, { cause: e });
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

function tensorInfo(t: RunnerTensor, meta: TensorSummary, what: string): TensorInfo {
  const dtype = t.dataType;
  if (dtype !== 'float32' && dtype !== 'int8' && dtype !== 'uint8' && dtype !== 'int32') {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: tensor ${t.name} has type ${dtype}`);
  }
  let shape = t.shape === '' ? [] : t.shape.split(',').map(Number);
  if (shape.length < 2) shape = [1, ...shape]; // no batch dim: one sample per invocation
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: tensor ${t.name} has shape [${t.shape}]; engines need every dim ≥ 1`);
  }
  const info: TensorInfo = { name: t.name, dtype, shape };
  const q = meta.quantization;
  if (dtype !== 'float32' && q && q.scale.length > 0) {
    info.scale = q.scale[0]; // per-tensor: I/O tensors are never per-channel
    info.zeroPoint = q.zeroPoint[0] ?? 0;
  }
  return info;
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0].slice(0, 200);
}
