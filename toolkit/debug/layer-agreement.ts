// Where another engine parts ways with the reference engine, op by op (`compare-engines --per-layer`).
// The WebAssembly engines expose only a model's output, so for every operator k with an int8 output
// the engine runs a copy of the model cut after k (`truncatedModel`: k's output dequantized, so
// engines that take only float I/O run it too). Two figures per op, in quantization steps of k's
// output, over the same images:
// - accumulated: the engine's tensor vs the reference engine's whole-model tensor, i.e. what the
//   differences of op k and of every op before it add up to;
// - alone: the engine's tensor vs the reference kernel of op k run on the engine's own inputs to k,
//   i.e. what op k's kernel adds by itself, independent of the ops before it.
import { elementsPerSample, quantizeInto, type Engine } from '../../runtime/engines/engine.js';
import { createEngine } from '../../runtime/engines/index.js';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { readTfliteBufferData, readTfliteModel, type ModelSummary, type TensorSummary } from '../../runtime/model-reader.js';
import { ReferenceInterpreter } from '../../runtime/reference/interpreter.js';
import type { Arithmetic } from '../../runtime/reference/kernel.js';
import { BuiltinOperator, ByteBuffer, Model, TensorType } from '../../schemas/tflite.js';
import { TfliteGraph } from '../converter/tflite-graph.js';

const DEQUANTIZE_VERSION = 2;

/**
 * The model with operators 0..lastOp only, and lastOp's first output as the model output; an int8
 * output is followed by a DEQUANTIZE to float32. Tensors keep their indices (the added float output
 * is the last tensor). Call with verified bytes (readTfliteModel).
 */
export function truncatedModel(bytes: Uint8Array, lastOp: number, summary: ModelSummary = readTfliteModel(bytes)): Uint8Array {
  const graph = summary.subgraph;
  const last = graph.operators[lastOp];
  if (!last) throw new EdgeqatError('E_OPTION', `no operator #${lastOp} (${graph.operators.length} operators)`);
  const buffers = readTfliteBufferData(bytes);
  const model = Model.getRootAsModel(new ByteBuffer(bytes));
  const subgraph = model.subgraphs(0)!;
  const g = new TfliteGraph();
  for (const t of graph.tensors) {
    const data = buffers[t.buffer];
    g.addTensor({
      name: t.name,
      type: TensorType[t.dtype as keyof typeof TensorType],
      shape: t.shape,
      shapeSignature: t.shapeSignature ?? undefined,
      quant: t.quantization ?? undefined,
      data: data && data.length > 0 ? data : undefined,
    });
  }
  for (let k = 0; k <= lastOp; k++) {
    const op = subgraph.operators(k)!.unpack();
    const code = summary.operatorCodes[op.opcodeIndex];
    g.addOperator(code.builtinCode as BuiltinOperator, code.version, op.inputs, op.outputs, op.builtinOptionsType, op.builtinOptions);
  }
  let output = last.outputs[0];
  const out = graph.tensors[output];
  if (out.dtype === 'INT8') {
    output = g.addTensor({ name: `${out.name}/dequantized`, type: TensorType.FLOAT32, shape: out.shape, shapeSignature: out.shapeSignature ?? undefined });
    g.addOperator(BuiltinOperator.DEQUANTIZE, DEQUANTIZE_VERSION, [last.outputs[0]], [output]);
  }
  return g.finish(graph.inputs, [output], `${summary.description ?? 'model'} (cut after operator ${lastOp})`);
}

export interface Agreement {
  /** Largest |engine − reference| of one value, in quantization steps of the op's output. */
  maxSteps: number;
  /** Share of output values that differ. */
  differing: number;
  /** Share of images on which the op's whole output is identical. */
  identicalImages: number;
}

export interface OpAgreement {
  index: number;
  op: string;
  tensor: string;
  /** Values of the op's output per image. */
  elements: number;
  /** The engine's op k on its own inputs vs the reference kernel on the same inputs; null when an input is not an int8 tensor the cut models expose. */
  alone: Agreement | null;
  /** The engine's tensor vs the reference engine's, both from the same images. */
  accumulated: Agreement;
}

interface Counter {
  max: number;
  differing: number;
  values: number;
  identical: number;
}

function count(c: Counter, a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, n: number): void {
  let same = true;
  for (let j = 0; j < n; j++) {
    const d = Math.abs(a[aOffset + j] - b[j]);
    if (d !== 0) {
      same = false;
      c.differing++;
      if (d > c.max) c.max = d;
    }
  }
  c.values += n;
  if (same) c.identical++;
}

function agreement(c: Counter, images: number): Agreement {
  return { maxSteps: c.max, differing: c.values ? c.differing / c.values : 0, identicalImages: images ? c.identical / images : 1 };
}

const CHUNK = 64;

/**
 * Runs `engineName` on a cut copy of the model per int8-output operator and compares every op's
 * output with the reference engine's (with the given arithmetic), accumulated and alone (see the header). `images` holds
 * float samples as the model's input takes them.
 */
export async function compareLayers(
  engineName: string,
  bytes: Uint8Array,
  label: string,
  images: Float32Array,
  samples: number,
  onProgress?: (done: number) => void,
  arithmetic: Arithmetic = 'tflite-reference',
): Promise<OpAgreement[]> {
  const summary = readTfliteModel(bytes, label);
  const graph = summary.subgraph;
  const int8Output = (i: number) => graph.tensors[i]?.dtype === 'INT8';
  const ops = graph.operators.filter((o) => o.outputs.length === 1 && int8Output(o.outputs[0]));
  const producer = new Map<number, number>(ops.map((o) => [o.outputs[0], o.index]));
  const modelInput = graph.inputs[0];

  const full = createReferenceEngine(bytes, { label, arithmetic });
  const alone = new ReferenceInterpreter(bytes, label, arithmetic);
  const engines: Engine[] = [];
  try {
    for (const o of ops) engines.push(await createEngine(engineName, truncatedModel(bytes, o.index, summary), `${label} (cut after op #${o.index})`));
    const per = elementsPerSample(full.input);
    const sizes = engines.map((e) => elementsPerSample(e.output));
    const quant = ops.map((o) => graph.tensors[o.outputs[0]].quantization!);
    const accumulated: Counter[] = ops.map(() => ({ max: 0, differing: 0, values: 0, identical: 0 }));
    const aloneCounts: (Counter | null)[] = ops.map((o) => {
      const inputs = o.inputs.filter((i) => i >= 0 && alone.tensors[i] && !alone.tensors[i]!.constant);
      return inputs.every((i) => i === modelInput || producer.has(i)) ? { max: 0, differing: 0, values: 0, identical: 0 } : null;
    });

    for (let start = 0; start < samples; start += CHUNK) {
      const n = Math.min(CHUNK, samples - start);
      const chunk = images.subarray(start * per, (start + n) * per);
      // The engine's int8 values of every op output for the chunk (exact: DEQUANTIZE wrote s·(q − zp)).
      const values = engines.map((e, k) => {
        const f = e.run(chunk, n);
        const q = new Int8Array(f.length);
        const { scale, zeroPoint } = quant[k];
        for (let j = 0; j < f.length; j++) q[j] = Math.round(f[j] / scale[0]) + zeroPoint[0];
        return q;
      });
      for (let i = 0; i < n; i++) {
        const image = chunk.subarray(i * per, (i + 1) * per);
        full.run(image, 1);
        ops.forEach((o, k) => {
          const size = sizes[k];
          count(accumulated[k], values[k], i * size, full.interpreter.tensors[o.outputs[0]]!.data, size);
          const c = aloneCounts[k];
          if (!c) return;
          for (const t of o.inputs) {
            const tensor = t >= 0 ? alone.tensors[t] : undefined;
            if (!tensor || tensor.constant) continue;
            if (t === modelInput) {
              if (tensor.data instanceof Int8Array) quantizeInto(image, full.input, tensor.data);
              else tensor.data.set(image);
            } else {
              const j = ops.findIndex((p) => p.index === producer.get(t));
              tensor.data.set(values[j].subarray(i * sizes[j], (i + 1) * sizes[j]));
            }
          }
          alone.invokeOperator(o.index);
          count(c, values[k], i * size, alone.tensors[o.outputs[0]]!.data, size);
        });
      }
      onProgress?.(start + n);
    }
    return ops.map((o, k) => ({
      index: o.index,
      op: o.op,
      tensor: graph.tensors[o.outputs[0]].name,
      elements: sizes[k],
      alone: aloneCounts[k] ? agreement(aloneCounts[k]!, samples) : null,
      accumulated: agreement(accumulated[k], samples),
    }));
  } finally {
    for (const e of engines) e.dispose();
    full.dispose();
  }
}

/** The quantized tensor a float model output is dequantized from (its scale is the output's step), if any. */
export function outputStepTensor(summary: ModelSummary): TensorSummary | undefined {
  const graph = summary.subgraph;
  const out = graph.outputs[0];
  const tensor = graph.tensors[out];
  if (tensor?.quantization?.scale.length) return tensor;
  const dequantize = graph.operators.find((o) => o.op === 'DEQUANTIZE' && o.outputs[0] === out);
  const source = dequantize ? graph.tensors[dequantize.inputs[0]] : undefined;
  return source?.quantization?.scale.length ? source : undefined;
}
