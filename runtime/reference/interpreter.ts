// edgeqat's own int8 TFLite interpreter: reads the model with the bounds-checked reader, gives every
// tensor its own typed array (so every intermediate stays readable after a run, for `edgeqat
// debug`), prepares each operator once through the op registry, and runs the prepared steps in
// model order. No WebAssembly, no dependencies.
import { EdgeqatError } from '../errors.js';
import { readTfliteBufferData, readTfliteModel, type ModelSummary, type TensorSummary } from '../model-reader.js';
import { elementCount, type Arithmetic, type EvalStep, type KernelContext, type RefData, type RefDtype, type RefTensor } from './kernel.js';
import { REFERENCE_KERNELS, referenceSupportedOps } from './registry.js';

const DTYPES: Record<string, RefDtype> = { INT8: 'int8', INT32: 'int32', FLOAT32: 'float32' };

function allocate(dtype: RefDtype, length: number): RefData {
  return dtype === 'int8' ? new Int8Array(length) : dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
}

/** Copies constant bytes (little-endian, possibly unaligned) into a typed array of their own. */
function constantData(dtype: RefDtype, bytes: Uint8Array): RefData {
  const aligned = bytes.slice().buffer;
  return dtype === 'int8' ? new Int8Array(aligned) : dtype === 'int32' ? new Int32Array(aligned) : new Float32Array(aligned);
}

const BYTES: Record<RefDtype, number> = { int8: 1, int32: 4, float32: 4 };

export class ReferenceInterpreter {
  readonly summary: ModelSummary;
  /** Every tensor of the subgraph, by index (undefined for tensors no operator or I/O uses). */
  readonly tensors: readonly (RefTensor | undefined)[];
  readonly inputs: readonly RefTensor[];
  readonly outputs: readonly RefTensor[];
  private readonly steps: EvalStep[];

  constructor(
    bytes: Uint8Array,
    readonly label = 'model.tflite',
    readonly arithmetic: Arithmetic = 'tflite-reference',
  ) {
    this.summary = readTfliteModel(bytes, label);
    const graph = this.summary.subgraph;

    const unsupported = [...new Set(graph.operators.map((o) => o.op).filter((op) => !REFERENCE_KERNELS[op]))];
    if (unsupported.length > 0) {
      const what = unsupported.length === 1 ? 'op' : 'ops';
      throw new EdgeqatError('E_UNSUPPORTED', `${label}: unsupported ${what} ${unsupported.join(', ')} (reference engine supports: ${referenceSupportedOps().join(', ')})`);
    }

    const used = new Set<number>([...graph.inputs, ...graph.outputs]);
    for (const op of graph.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
    const buffers = readTfliteBufferData(bytes, label);
    const tensors: (RefTensor | undefined)[] = graph.tensors.map((t) => (used.has(t.index) ? this.tensor(t, buffers) : undefined));
    this.tensors = tensors;
    const get = (i: number): RefTensor => {
      const t = tensors[i];
      if (!t) throw new EdgeqatError('E_MODEL_FILE', `${label}: tensor index ${i} is out of range (${graph.tensors.length} tensors)`);
      return t;
    };
    this.inputs = graph.inputs.map(get);
    this.outputs = graph.outputs.map(get);

    // Operators must come in execution order: each reads only constants, graph inputs and tensors
    // written by an earlier operator.
    const written = new Set<number>(graph.inputs);
    for (const t of tensors) if (t?.constant) written.add(t.index);
    this.steps = graph.operators.map((op) => {
      for (const i of op.inputs) {
        if (i >= 0 && !written.has(i)) {
          throw new EdgeqatError('E_MODEL_FILE', `${label}: op #${op.index} ${op.op} reads tensor ${i} before any operator writes it`);
        }
      }
      const ctx: KernelContext = {
        label,
        arithmetic,
        op,
        inputs: op.inputs.map((i) => (i < 0 ? undefined : get(i))),
        outputs: op.outputs.map(get),
      };
      const step = REFERENCE_KERNELS[op.op].prepare(ctx);
      for (const i of op.outputs) written.add(i);
      return step;
    });
    for (const t of this.outputs) {
      if (!written.has(t.index)) throw new EdgeqatError('E_MODEL_FILE', `${label}: output tensor ${t.name} is never written`);
    }
  }

  /** Runs every operator once on the current contents of the input tensors. */
  invoke(): void {
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) steps[i]();
  }

  /**
   * Runs operator `index` alone on the current contents of its input tensors (write them first):
   * how `compare-engines --per-layer` feeds one op another engine's inputs.
   */
  invokeOperator(index: number): void {
    const step = this.steps[index];
    if (!step) throw new EdgeqatError('E_OPTION', `${this.label}: no operator #${index} (${this.steps.length} operators)`);
    step();
  }

  private tensor(t: TensorSummary, buffers: Uint8Array[]): RefTensor {
    const dtype = DTYPES[t.dtype];
    if (!dtype) {
      throw new EdgeqatError('E_UNSUPPORTED', `${this.label}: tensor ${t.index} (${t.name}) has type ${t.dtype}; the reference engine handles INT8, INT32 and FLOAT32`);
    }
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new EdgeqatError('E_MODEL_FILE', `${this.label}: tensor ${t.index} (${t.name}) has shape [${t.shape.join(',')}]`);
    }
    const length = elementCount(t.shape);
    const bytes = buffers[t.buffer] ?? new Uint8Array(0);
    const constant = bytes.length > 0;
    if (constant && bytes.length !== length * BYTES[dtype]) {
      throw new EdgeqatError('E_MODEL_FILE', `${this.label}: tensor ${t.index} (${t.name}) has ${bytes.length} bytes of data for shape [${t.shape.join(',')}] ${t.dtype}`);
    }
    const q = t.quantization;
    return {
      index: t.index,
      name: t.name,
      dtype,
      shape: t.shape,
      data: constant ? constantData(dtype, bytes) : allocate(dtype, length),
      constant,
      quantization: q,
      scale: q?.scale[0] ?? 0,
      zeroPoint: q?.zeroPoint[0] ?? 0,
    };
  }
}
