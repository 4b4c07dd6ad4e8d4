// Operator rules (runtime/verifier/ops/): the TF converter's int8 CNN passes every rule; each break
// of one operator (the kinds the fuzzer found crashing TFLite's WebAssembly kernels) is one line
// naming the operator. Operators of tf-cnn-int8.tflite:
//   0 QUANTIZE 0→9   1 CONV_2D 9,8,6→10   2 DEPTHWISE_CONV_2D 10,5,7→11   3 AVERAGE_POOL_2D 11→12
//   4 MAX_POOL_2D 11→13   5 CONCATENATION 13,12→14   6 ADD 14,14→15   7 SHAPE 15→16
//   8 STRIDED_SLICE 16,1,2,2→17   9 PACK 17,3→18   10 RESHAPE 15,18→19   11 FULLY_CONNECTED 19,4,-1→20
//   12 SOFTMAX 20→21   13 DEQUANTIZE 21→22
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OP_RULES } from '../runtime/verifier/ops/index.js';
import { verifyTfliteModel } from '../runtime/verifier/index.js';
import {
  BufferT,
  BuiltinOperator,
  BuiltinOptions,
  ByteBuffer,
  Conv2DOptionsT,
  Model,
  Pool2DOptionsT,
  SoftmaxOptionsT,
  TensorType,
  type ModelT,
} from '../schemas/tflite.js';
import { packModel } from './helpers/tflite-model.js';
import { verifierProblem } from './helpers/verifier-problem.js';
import { leakyReluCases } from './conformance/cases/leaky-relu.js';
import { padCases } from './conformance/cases/pad.js';

const CNN = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'verifier', 'tf-cnn-int8.tflite')));

function cnn(edit: (m: ModelT) => void): Uint8Array {
  const m = Model.getRootAsModel(new ByteBuffer(CNN)).unpack();
  edit(m);
  return packModel(m);
}

function problem(bytes: Uint8Array, code = 'E_MODEL_FILE'): string {
  return verifierProblem(bytes, 'cnn.tflite', code);
}

const ops = (m: ModelT) => m.subgraphs[0]!.operators;
const tensors = (m: ModelT) => m.subgraphs[0]!.tensors;
const options = <T>(m: ModelT, i: number) => ops(m)[i]!.builtinOptions as T;
/** Declares a new shape for tensor `i` (and its signature, batch -1). */
const declare = (m: ModelT, i: number, shape: number[]) => Object.assign(tensors(m)[i]!, { shape, shapeSignature: [-1, ...shape.slice(1)] });

describe('operator rules', () => {
  it('accept the TF converter CNN, also after an unpack/pack round trip', () => {
    verifyTfliteModel(CNN);
    verifyTfliteModel(cnn(() => {}));
  });

  it('list only builtin operators', () => {
    for (const name of Object.keys(OP_RULES)) expect(BuiltinOperator[name as keyof typeof BuiltinOperator], name).toBeTypeOf('number');
  });

  it('refuse options a kernel would divide by zero with, or that are missing', () => {
    expect(problem(cnn((m) => (options<Conv2DOptionsT>(m, 1).strideW = 0)))).toBe('cnn.tflite: operator 1 (CONV_2D): option strideW is 0, expected ≥ 1');
    expect(problem(cnn((m) => (options<Pool2DOptionsT>(m, 3).filterHeight = -1)))).toBe('cnn.tflite: operator 3 (AVERAGE_POOL_2D): option filterHeight is -1, expected ≥ 1');
    // No options at all: TFLite zero-fills them, so the stride is 0.
    expect(problem(cnn((m) => Object.assign(ops(m)[1]!, { builtinOptionsType: BuiltinOptions.NONE, builtinOptions: null })))).toBe(
      'cnn.tflite: operator 1 (CONV_2D): option strideW is 0, expected ≥ 1',
    );
    expect(problem(cnn((m) => Object.assign(ops(m)[1]!, { builtinOptionsType: BuiltinOptions.Pool2DOptions, builtinOptions: new Pool2DOptionsT() })))).toBe(
      'cnn.tflite: operator 1 (CONV_2D): has Pool2DOptions, expected Conv2DOptions',
    );
    expect(problem(cnn((m) => (options<SoftmaxOptionsT>(m, 12).beta = 0)))).toBe('cnn.tflite: operator 12 (SOFTMAX): beta is 0, expected a finite value > 0');
  });

  it('refuse tensors of a type the kernel does not take', () => {
    // The fuzzer's swap of two operator codes: SOFTMAX on a float input writing int8.
    expect(problem(cnn((m) => (ops(m)[0]!.opcodeIndex = ops(m)[12]!.opcodeIndex)))).toMatch(/^cnn\.tflite: operator 0 \(SOFTMAX\): /);
    expect(problem(cnn((m) => (tensors(m)[15]!.type = TensorType.FLOAT32)))).toBe('cnn.tflite: operator 6 (ADD): output tensor 15 is FLOAT32 but first input tensor 14 is INT8');
    expect(problem(cnn((m) => (tensors(m)[10]!.quantization = null)))).toBe('cnn.tflite: operator 1 (CONV_2D): output tensor 10 is INT8 without quantization parameters');
  });

  it('refuse declared shapes the kernel would not compute', () => {
    // The fuzzer's FULLY_CONNECTED reading its own weights as input.
    expect(problem(cnn((m) => (ops(m)[11]!.inputs = [4, 4, -1])))).toBe('cnn.tflite: operator 11 (FULLY_CONNECTED): output tensor 20 has shape [1,5], expected [5,5]');
    expect(problem(cnn((m) => declare(m, 10, [1, 12, 12, 4])))).toBe('cnn.tflite: operator 1 (CONV_2D): output tensor 10 has shape [1,12,12,4], expected [1,10,10,4]');
    expect(problem(cnn((m) => declare(m, 12, [1, 4, 4, 4])))).toMatch(/operator 3 \(AVERAGE_POOL_2D\): output tensor 12 has shape \[1,4,4,4\], expected \[1,5,5,4\]/);
    expect(problem(cnn((m) => (ops(m)[5]!.inputs = [13, 11])))).toMatch(/operator 5 \(CONCATENATION\): input 1 tensor 11 has shape \[1,10,10,4\], which does not concatenate/);
    expect(problem(cnn((m) => declare(m, 19, [1, 100])))).toMatch(/operator 10 \(RESHAPE\): output tensor 19 of shape \[1,100\] does not hold the 200 values/);
  });

  it('refuse a zero stride in STRIDED_SLICE and a PACK count that is not its input count', () => {
    expect(problem(cnn((m) => (m.buffers[tensors(m)[2]!.buffer] = new BufferT([0, 0, 0, 0]))))).toBe('cnn.tflite: operator 8 (STRIDED_SLICE): strides tensor 2 holds a 0 stride');
    expect(problem(cnn((m) => ((ops(m)[9]!.builtinOptions as { valuesCount: number }).valuesCount = 3)))).toBe('cnn.tflite: operator 9 (PACK): values_count 3 but 2 inputs');
  });

  it('refuse a negative or mismatched PAD padding, and a LEAKY_RELU alpha that is not finite', () => {
    const edit = (model: Uint8Array, f: (m: ModelT) => void) => {
      const m = Model.getRootAsModel(new ByteBuffer(model)).unpack();
      f(m);
      return packModel(m);
    };
    // Conformance models: tensor 0 input, 1 paddings [4,2] (constant), 2 output [1,7,8,3].
    const padModel = padCases()[0]!.model;
    verifyTfliteModel(padModel);
    const paddings = (m: ModelT) => m.buffers[tensors(m)[1]!.buffer]!;
    const negative = edit(padModel, (m) => (paddings(m).data = Array.from(new Uint8Array(Int32Array.from([0, 0, 1, 1, -1, 1, 0, 0]).buffer))));
    expect(problem(negative)).toBe('cnn.tflite: operator 0 (PAD): paddings tensor 1 holds a negative padding');
    expect(problem(edit(padModel, (m) => declare(m, 2, [1, 7, 7, 3])))).toBe('cnn.tflite: operator 0 (PAD): output tensor 2 has shape [1,7,7,3], expected [1,7,8,3]');
    const leaky = leakyReluCases()[0]!.model;
    verifyTfliteModel(leaky);
    expect(problem(edit(leaky, (m) => (options<{ alpha: number }>(m, 0).alpha = NaN)))).toBe('cnn.tflite: operator 0 (LEAKY_RELU): alpha is NaN, expected a finite value');
  });

  it('refuse operators out of execution order, of version 0, or with an unknown bias type', () => {
    // The fuzzer's STRIDED_SLICE reading PACK's later output (a cycle): LiteRT.js refused it and
    // leaked, until after ~200 such loads it hung.
    expect(problem(cnn((m) => (ops(m)[8]!.inputs[0] = 18)))).toBe(
      'cnn.tflite: operator 8 (STRIDED_SLICE): reads tensor 18 before any operator writes it (operators must come in execution order)',
    );
    expect(problem(cnn((m) => (m.operatorCodes[ops(m)[1]!.opcodeIndex]!.version = 0)))).toBe('cnn.tflite: operator 1 (CONV_2D): operator version 0, expected ≥ 1');
    expect(problem(cnn((m) => (options<Conv2DOptionsT>(m, 1).quantizedBiasType = -1 as TensorType)))).toBe(
      'cnn.tflite: operator 1 (CONV_2D): quantized_bias_type -1 is not FLOAT32, INT32 or INT64',
    );
  });

  it('refuse operators without a rule for running, but not for reading', () => {
    const lstm = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'verifier', 'tf-lstm-float.tflite')));
    expect(problem(lstm, 'E_UNSUPPORTED')).toMatch(/^cnn\.tflite: operator 1 \(WHILE\) is not an operator edgeqat's engines run \(they run ADD, /);
    verifyTfliteModel(lstm, 'lstm.tflite', { operators: false });
  });
});
