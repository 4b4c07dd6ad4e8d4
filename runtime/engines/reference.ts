// Engine on edgeqat's reference interpreter (../reference/): TypeScript int8 kernels bit-exact with
// TFLite's BUILTIN_REF resolver. Runs the model at its static batch (a -1 batch runs as the file's
// shape, normally 1) and loops over invocations like the other engines; keeps every intermediate
// tensor of the last invocation readable through `interpreter.tensors`.
import { EdgeqatError } from '../errors.js';
import { ReferenceInterpreter } from '../reference/interpreter.js';
import type { Arithmetic, RefData, RefTensor } from '../reference/kernel.js';
import { elementsPerSample, quantizeInto, type Engine, type OutputArray, type TensorInfo } from './engine.js';

export interface ReferenceEngineOptions {
  /** Names the model in error messages, e.g. its file path. */
  label?: string;
  /** Whose integer arithmetic to reproduce (default: TFLite's reference kernels); see Arithmetic. */
  arithmetic?: Arithmetic;
}

/** One tensor's values after an invocation, for per-layer debugging. */
export interface TensorValue {
  index: number;
  name: string;
  dtype: RefTensor['dtype'];
  shape: number[];
  scale?: number;
  zeroPoint?: number;
  data: RefData;
}

export function createReferenceEngine(modelBytes: Uint8Array, opts: ReferenceEngineOptions = {}): ReferenceEngine {
  return new ReferenceEngine(new ReferenceInterpreter(modelBytes, opts.label ?? 'model', opts.arithmetic));
}

export class ReferenceEngine implements Engine {
  readonly name: 'reference' | 'reference-xnnpack';
  readonly threads = 1; // plain TypeScript on the calling thread
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  private readonly inTensor: RefTensor;
  private readonly outTensor: RefTensor;
  private readonly batch: number;
  private disposed = false;

  constructor(readonly interpreter: ReferenceInterpreter) {
    this.name = interpreter.arithmetic === 'xnnpack' ? 'reference-xnnpack' : 'reference';
    const what = interpreter.label;
    if (interpreter.inputs.length !== 1 || interpreter.outputs.length !== 1) {
      throw new EdgeqatError('E_UNSUPPORTED', `${what}: ${interpreter.inputs.length} inputs and ${interpreter.outputs.length} outputs; engines take one of each`);
    }
    this.inTensor = interpreter.inputs[0];
    this.outTensor = interpreter.outputs[0];
    this.input = tensorInfo(this.inTensor, what);
    this.output = tensorInfo(this.outTensor, what);
    this.batch = this.input.shape[0];
    if (this.output.shape[0] !== this.batch) {
      throw new EdgeqatError('E_UNSUPPORTED', `${what}: output batch ${this.output.shape[0]} differs from input batch ${this.batch}`);
    }
  }

  run(input: Float32Array | Int8Array, n: number): OutputArray {
    if (this.disposed) throw new EdgeqatError('E_ENGINE', 'reference: engine used after dispose()');
    const inPer = elementsPerSample(this.input);
    const outPer = elementsPerSample(this.output);
    if (!Number.isInteger(n) || n < 0 || input.length !== n * inPer) {
      throw new EdgeqatError('E_DATASET', `input holds ${input.length} values; expected ${n} samples × ${inPer} values`);
    }
    if (input instanceof Int8Array && this.input.dtype !== 'int8') {
      throw new EdgeqatError('E_UNSUPPORTED', `model input is ${this.input.dtype}; raw int8 input needs an int8 input tensor`);
    }
    const inData = this.inTensor.data;
    const outData = this.outTensor.data;
    const out = this.output.dtype === 'float32' ? new Float32Array(n * outPer) : this.output.dtype === 'int8' ? new Int8Array(n * outPer) : new Int32Array(n * outPer);
    for (let start = 0; start < n; start += this.batch) {
      const m = Math.min(this.batch, n - start);
      const chunk = input.subarray(start * inPer, (start + m) * inPer);
      if (chunk instanceof Float32Array && inData instanceof Int8Array) quantizeInto(chunk, this.input, inData);
      else inData.set(chunk);
      if (m < this.batch) inData.fill(0, m * inPer);
      this.interpreter.invoke();
      out.set(m === this.batch ? outData : outData.subarray(0, m * outPer), start * outPer);
    }
    return out;
  }

  /**
   * Runs one invocation (the model's batch of samples) and returns a copy of every tensor the
   * graph uses, constants included, in tensor-index order.
   */
  trace(input: Float32Array | Int8Array): TensorValue[] {
    this.run(input, this.batch);
    const values: TensorValue[] = [];
    for (const t of this.interpreter.tensors) {
      if (!t) continue;
      const v: TensorValue = { index: t.index, name: t.name, dtype: t.dtype, shape: [...t.shape], data: t.data.slice() };
      if (t.quantization && t.quantization.scale.length === 1) {
        v.scale = t.scale;
        v.zeroPoint = t.zeroPoint;
      }
      values.push(v);
    }
    return values;
  }

  dispose(): void {
    this.disposed = true;
  }
}

function tensorInfo(t: RefTensor, what: string): TensorInfo {
  if (t.dtype !== 'float32' && t.dtype !== 'int8') {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: tensor ${t.name} has type ${t.dtype}; the reference engine takes float32 or int8 input and output`);
  }
  let shape = [...t.shape];
  if (shape.length < 2) shape = [1, ...shape]; // no batch dim: one sample per invocation
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new EdgeqatError('E_UNSUPPORTED', `${what}: tensor ${t.name} has shape [${t.shape.join(',')}]; engines need every dim ≥ 1`);
  }
  const info: TensorInfo = { name: t.name, dtype: t.dtype, shape };
  if (t.dtype === 'int8' && t.quantization && t.quantization.scale.length > 0) {
    info.scale = t.scale;
    info.zeroPoint = t.zeroPoint;
  }
  return info;
}
