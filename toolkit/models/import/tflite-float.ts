// A float32 .tflite (e.g. TensorFlow's converter output) → a trainable TF.js LayersModel. The file
// goes through the runtime's verifier and model reader like every model file; then the operators
// on the path from the input to the output become layers, one row per builtin in TFLITE_OPS, with
// the weights turned back from TFLite's layouts:
//   CONV_2D filter [out, kh, kw, in]              → Conv2D kernel [kh, kw, in, out]
//   DEPTHWISE_CONV_2D filter [1, kh, kw, in·mult] → DepthwiseConv2D kernel [kh, kw, in, mult]
//   FULLY_CONNECTED weights [out, in]             → Dense kernel [in, out]
// (TFLite schema.fbs; lite/kernels/internal/reference/conv.h, depthwiseconv_float.h). Batch norm
// arrives folded into the convolutions by the converter, so the model has none to fold. Ops that
// only compute a RESHAPE's shape operand (SHAPE, STRIDED_SLICE, PACK for a dynamic batch) are left
// out: the reshape's output shape is in the file.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { readTfliteBufferData, readTfliteModel, type ModelSummary, type OperatorSummary, type TensorSummary } from '../../../runtime/model-reader.js';
import { checkFileSize, type ImportedModel } from './imported-model.js';

/** What one operator needs while it is rebuilt. */
interface OpContext {
  op: OperatorSummary;
  options: Record<string, unknown>;
  /** Layer name: the builtin in lower case and the operator's index. */
  name: string;
  /** The tensor of input i. */
  input(i: number): TensorSummary;
  output(): TensorSummary;
  /** A constant input's float32 values (null when the input is computed). */
  constant(i: number): Float32Array | null;
  /** Inputs that are computed by the graph (data), as symbolic tensors. */
  data(i: number): tfl.SymbolicTensor;
}

interface OpRow {
  /** Which inputs carry data from the graph (the others are weights or options). */
  dataInputs: (op: OperatorSummary) => number[];
  build(c: OpContext): tfl.SymbolicTensor;
}

/** A fused activation as a TF.js layer activation; other fused functions are not rebuilt. */
function fused(c: OpContext): 'linear' | 'relu' | 'relu6' {
  const f = String(c.options.fusedActivationFunction ?? 'NONE');
  if (f === 'NONE') return 'linear';
  if (f === 'RELU') return 'relu';
  if (f === 'RELU6') return 'relu6';
  throw problem(c, `fused activation ${f} is not supported (NONE, RELU, RELU6)`);
}

/** A fused activation after an op TF.js layers have no activation for (ADD, MUL, pools): its own ReLU layer. */
function withActivation(c: OpContext, y: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const f = fused(c);
  if (f === 'linear') return y;
  return tfl.layers.reLU({ maxValue: f === 'relu6' ? 6 : undefined, name: `${c.name}_${f}` }).apply(y) as tfl.SymbolicTensor;
}

function problem(c: OpContext, what: string): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `operator ${c.op.index} (${c.op.op}): ${what}`);
}

const padding = (c: OpContext) => (c.options.padding === 'SAME' ? 'same' : 'valid');

function weights(c: OpContext, i: number): Float32Array {
  const w = c.constant(i);
  if (!w) throw problem(c, `input ${i} (weights) is computed at run time, not a constant: convert a float32 model without weight compression`);
  return w;
}

/** Sets a layer's weights from TF.js-layout arrays after it is applied (built). */
function setWeights(layer: Layer, arrays: [Float32Array, number[]][]): void {
  const tensors = arrays.map(([v, s]) => tf.tensor(v, s, 'float32'));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

/** [a, b, c, d] → the values permuted to the axes `perm` (a small transpose, no tf op needed). */
function transpose(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  return tf.tidy(() => tf.transpose(tf.tensor(values, shape, 'float32'), perm).dataSync() as Float32Array);
}

const hasBias = (op: OperatorSummary) => op.inputs.length > 2 && op.inputs[2]! >= 0;

const TFLITE_OPS: Readonly<Record<string, OpRow>> = {
  CONV_2D: {
    dataInputs: () => [0],
    build(c) {
      const [out, kh, kw, inC] = c.input(1).shape as [number, number, number, number];
      const layer = tfl.layers.conv2d({
        filters: out,
        kernelSize: [kh, kw],
        strides: [Number(c.options.strideH), Number(c.options.strideW)],
        dilationRate: [Number(c.options.dilationHFactor ?? 1), Number(c.options.dilationWFactor ?? 1)],
        padding: padding(c),
        useBias: hasBias(c.op),
        activation: fused(c),
        name: c.name,
      });
      const y = layer.apply(c.data(0)) as tfl.SymbolicTensor;
      const kernel = transpose(weights(c, 1), [out, kh, kw, inC], [1, 2, 3, 0]);
      setWeights(layer as unknown as Layer, [[kernel, [kh, kw, inC, out]], ...(hasBias(c.op) ? [[weights(c, 2), [out]] as [Float32Array, number[]]] : [])]);
      return y;
    },
  },
  DEPTHWISE_CONV_2D: {
    dataInputs: () => [0],
    build(c) {
      const [, kh, kw, channels] = c.input(1).shape as [number, number, number, number];
      const mult = Number(c.options.depthMultiplier ?? 1) || 1;
      const inC = channels / mult;
      const layer = tfl.layers.depthwiseConv2d({
        kernelSize: [kh, kw],
        depthMultiplier: mult,
        strides: [Number(c.options.strideH), Number(c.options.strideW)],
        dilationRate: [Number(c.options.dilationHFactor ?? 1), Number(c.options.dilationWFactor ?? 1)],
        padding: padding(c),
        useBias: hasBias(c.op),
        activation: fused(c),
        name: c.name,
      });
      const y = layer.apply(c.data(0)) as tfl.SymbolicTensor;
      // Channel k of TFLite's last axis is input channel floor(k / mult), multiplier k % mult: the
      // same order as TF.js's [kh, kw, in, mult], so a reshape is enough.
      setWeights(layer as unknown as Layer, [[weights(c, 1), [kh, kw, inC, mult]], ...(hasBias(c.op) ? [[weights(c, 2), [channels]] as [Float32Array, number[]]] : [])]);
      return y;
    },
  },
  FULLY_CONNECTED: {
    dataInputs: () => [0],
    build(c) {
      const [out, inC] = c.input(1).shape as [number, number];
      if (c.options.keepNumDims) throw problem(c, 'keep_num_dims is not supported');
      let x = c.data(0);
      if (x.shape.length > 2) {
        if (x.shape.slice(1).reduce((a, b) => a! * b!, 1) !== inC) throw problem(c, `input [${x.shape.join(', ')}] is not one row of ${inC} values per image`);
        x = tfl.layers.flatten({ name: `${c.name}_flatten` }).apply(x) as tfl.SymbolicTensor;
      }
      const layer = tfl.layers.dense({ units: out, useBias: hasBias(c.op), activation: fused(c), name: c.name });
      const y = layer.apply(x) as tfl.SymbolicTensor;
      const kernel = transpose(weights(c, 1), [out, inC], [1, 0]);
      setWeights(layer as unknown as Layer, [[kernel, [inC, out]], ...(hasBias(c.op) ? [[weights(c, 2), [out]] as [Float32Array, number[]]] : [])]);
      return y;
    },
  },
  MAX_POOL_2D: { dataInputs: () => [0], build: (c) => withActivation(c, pool(c, 'max')) },
  AVERAGE_POOL_2D: { dataInputs: () => [0], build: (c) => withActivation(c, pool(c, 'average')) },
  ADD: { dataInputs: (op) => op.inputs.map((_, i) => i), build: (c) => withActivation(c, tfl.layers.add({ name: c.name }).apply([c.data(0), c.data(1)]) as tfl.SymbolicTensor) },
  MUL: { dataInputs: (op) => op.inputs.map((_, i) => i), build: (c) => withActivation(c, tfl.layers.multiply({ name: c.name }).apply([c.data(0), c.data(1)]) as tfl.SymbolicTensor) },
  CONCATENATION: {
    dataInputs: (op) => op.inputs.map((_, i) => i),
    build(c) {
      const inputs = c.op.inputs.map((_, i) => c.data(i));
      return withActivation(c, tfl.layers.concatenate({ axis: Number(c.options.axis), name: c.name }).apply(inputs) as tfl.SymbolicTensor);
    },
  },
  RESHAPE: {
    dataInputs: () => [0],
    build(c) {
      const x = c.data(0);
      const out = c.output().shape.slice(1);
      if (out.length === 1 && x.shape.length > 2) return tfl.layers.flatten({ name: c.name }).apply(x) as tfl.SymbolicTensor;
      return tfl.layers.reshape({ targetShape: out, name: c.name }).apply(x) as tfl.SymbolicTensor;
    },
  },
  SOFTMAX: {
    dataInputs: () => [0],
    build(c) {
      if (Number(c.options.beta ?? 1) !== 1) throw problem(c, `beta ${String(c.options.beta)} is not supported (1)`);
      return tfl.layers.softmax({ name: c.name }).apply(c.data(0)) as tfl.SymbolicTensor;
    },
  },
  MEAN: {
    dataInputs: () => [0],
    build(c) {
      const axes = c.constant(1);
      const x = c.data(0);
      // The converter's GlobalAveragePooling2D: the mean over height and width of an NHWC tensor.
      if (!axes || x.shape.length !== 4 || c.options.keepDims || Array.from(axes).sort().join() !== '1,2') {
        throw problem(c, 'only the mean over height and width of an image (GlobalAveragePooling2D) is supported');
      }
      return tfl.layers.globalAveragePooling2d({ name: c.name }).apply(x) as tfl.SymbolicTensor;
    },
  },
  RELU: { dataInputs: () => [0], build: (c) => tfl.layers.reLU({ name: c.name }).apply(c.data(0)) as tfl.SymbolicTensor },
  RELU6: { dataInputs: () => [0], build: (c) => tfl.layers.reLU({ maxValue: 6, name: c.name }).apply(c.data(0)) as tfl.SymbolicTensor },
  LOGISTIC: { dataInputs: () => [0], build: (c) => tfl.layers.activation({ activation: 'sigmoid', name: c.name }).apply(c.data(0)) as tfl.SymbolicTensor },
  TANH: { dataInputs: () => [0], build: (c) => tfl.layers.activation({ activation: 'tanh', name: c.name }).apply(c.data(0)) as tfl.SymbolicTensor },
};

function pool(c: OpContext, kind: 'max' | 'average'): tfl.SymbolicTensor {
  const args = {
    poolSize: [Number(c.options.filterHeight), Number(c.options.filterWidth)] as [number, number],
    strides: [Number(c.options.strideH), Number(c.options.strideW)] as [number, number],
    padding: padding(c) as 'same' | 'valid',
    name: c.name,
  };
  const layer = kind === 'max' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args);
  return layer.apply(c.data(0)) as tfl.SymbolicTensor;
}

export function supportedTfliteOps(): string[] {
  return Object.keys(TFLITE_OPS);
}

/** The operators the output depends on through data inputs, in file (execution) order. */
function dataPath(s: ModelSummary, label: string): OperatorSummary[] {
  const g = s.subgraph;
  const producer = new Map<number, OperatorSummary>();
  for (const op of g.operators) for (const t of op.outputs) producer.set(t, op);
  const needed = new Set<number>();
  const stack = [...g.outputs];
  while (stack.length) {
    const op = producer.get(stack.pop()!);
    if (!op || needed.has(op.index)) continue;
    needed.add(op.index);
    const row = TFLITE_OPS[op.op];
    if (!row) {
      throw new EdgeqatError('E_UNSUPPORTED', `${label}: operator ${op.index} (${op.op}) cannot be rebuilt as a TF.js layer (supported: ${supportedTfliteOps().join(', ')})`);
    }
    for (const i of row.dataInputs(op)) if (op.inputs[i]! >= 0) stack.push(op.inputs[i]!);
  }
  return g.operators.filter((op) => needed.has(op.index));
}

function floatValues(bytes: Uint8Array): Float32Array {
  // Buffers are not always 4-byte aligned in the file: copy.
  return new Float32Array(bytes.slice().buffer, 0, bytes.length >> 2);
}

export async function importFloatTflite(path: string): Promise<ImportedModel> {
  checkFileSize(path);
  const bytes = new Uint8Array(readFileSync(path));
  const summary = readTfliteModel(bytes, path);
  const buffers = readTfliteBufferData(bytes, path);
  const g = summary.subgraph;
  if (g.inputs.length !== 1 || g.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `${path}: the model has ${g.inputs.length} inputs and ${g.outputs.length} outputs (one of each is supported)`);
  }
  const ops = dataPath(summary, path);
  const quantized = g.tensors.find((t) => t.dtype !== 'FLOAT32' && t.dtype !== 'INT32' && ops.some((op) => op.inputs.includes(t.index) || op.outputs.includes(t.index)));
  if (quantized) {
    throw new EdgeqatError('E_UNSUPPORTED', `${path}: tensor '${quantized.name}' is ${quantized.dtype}: a quantized model; edgeqat fine-tunes float32 models (give it the float .tflite or the Keras model)`);
  }
  const inputTensor = g.tensors[g.inputs[0]!]!;
  const inputShape = inputTensor.shape.slice(1);
  const input = tfl.input({ shape: inputShape, name: 'input' });
  const values = new Map<number, tfl.SymbolicTensor>([[inputTensor.index, input]]);
  for (const op of ops) {
    const c: OpContext = {
      op,
      options: op.options ?? {},
      name: `${op.op.toLowerCase()}_${op.index}`,
      input: (i) => g.tensors[op.inputs[i]!]!,
      output: () => g.tensors[op.outputs[0]!]!,
      constant: (i) => {
        const t = g.tensors[op.inputs[i]!];
        if (!t || t.bufferBytes === 0) return null;
        if (t.dtype === 'INT32') return Float32Array.from(new Int32Array(buffers[t.buffer]!.slice().buffer));
        return floatValues(buffers[t.buffer]!);
      },
      data: (i) => {
        const v = values.get(op.inputs[i]!);
        if (!v) throw new EdgeqatError('E_UNSUPPORTED', `${path}: operator ${op.index} (${op.op}) input ${i} is a constant or comes from outside the model (only computed inputs are supported there)`);
        return v;
      },
    };
    try {
      values.set(op.outputs[0]!, TFLITE_OPS[op.op]!.build(c));
    } catch (e) {
      if (e instanceof EdgeqatError) throw new EdgeqatError(e.code, e.message.startsWith(path) ? e.message : `${path}: ${e.message}`);
      throw new EdgeqatError('E_MODEL_FILE', `${path}: operator ${op.index} (${op.op}) cannot be rebuilt (${(e as Error).message.split('\n', 1)[0]})`);
    }
  }
  const output = values.get(g.outputs[0]!);
  if (!output) throw new EdgeqatError('E_UNSUPPORTED', `${path}: the output is not computed from the input`);
  const name = (g.name && g.name !== 'main' ? g.name : path.split('/').pop()!.replace(/\.tflite$/, '')).replace(/[^A-Za-z0-9_]/g, '_');
  return { model: tfl.model({ inputs: input, outputs: output, name }), format: 'tflite-float', source: path };
}
