// Operator rules for the decoder ops (TRANSPOSE_CONV, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR):
// the TF converter's int8 decoder passes; each break of one operator is one line naming it.
// Operators of tf-decoder-int8.tflite (test/fixtures/verifier/make-conv-layer-fixtures.py):
//   0 QUANTIZE 0→11   1 CONV_2D 11,10,7→12   2 DEPTHWISE_CONV_2D 12,6,8→13   3 CONV_2D 13,5,9→14
//   4 TRANSPOSE_CONV 1,4,14,3→15 (output_shape, weights, input, bias)
//   5 RESIZE_NEAREST_NEIGHBOR 14,2→16   6 RESIZE_BILINEAR 14,2→17   7 CONCATENATION 15,16,17→18
//   8 DEQUANTIZE 18→19
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTfliteModel } from '../runtime/verifier/index.js';
import { BufferT, ByteBuffer, Model, TensorType, type ModelT, type ResizeBilinearOptionsT, type ResizeNearestNeighborOptionsT, type TransposeConvOptionsT } from '../schemas/tflite.js';
import { packModel } from './helpers/tflite-model.js';
import { verifierProblem } from './helpers/verifier-problem.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', 'verifier', `${name}.tflite`)));
const DECODER = fixture('tf-decoder-int8');

function decoder(edit: (m: ModelT) => void): Uint8Array {
  const m = Model.getRootAsModel(new ByteBuffer(DECODER)).unpack();
  edit(m);
  return packModel(m);
}

const problem = (bytes: Uint8Array) => verifierProblem(bytes, 'decoder.tflite', 'E_MODEL_FILE');
const ops = (m: ModelT) => m.subgraphs[0]!.operators;
const tensors = (m: ModelT) => m.subgraphs[0]!.tensors;
const int32s = (values: number[]) => new BufferT(Array.from(new Uint8Array(Int32Array.from(values).buffer)));
/** Gives constant int32 tensor `i` new values (and the matching shape). */
function setConstant(m: ModelT, i: number, values: number[]): void {
  m.buffers[tensors(m)[i]!.buffer] = int32s(values);
  tensors(m)[i]!.shape = [values.length];
}
const transposeOptions = (m: ModelT) => ops(m)[4]!.builtinOptions as TransposeConvOptionsT;

describe('decoder operator rules', () => {
  it('accept the TF converter decoders (TRANSPOSE_CONV versions 3 and 4), also after an unpack/pack round trip', () => {
    verifyTfliteModel(DECODER);
    verifyTfliteModel(decoder(() => {}));
    verifyTfliteModel(fixture('tf-decoder-relu-int8'));
  });

  it('TRANSPOSE_CONV: output_shape must be the declared output, four int32 values', () => {
    expect(problem(decoder((m) => setConstant(m, 1, [1, 12, 12, 4])))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): output tensor 15 has shape [1,12,12,3], expected [1,12,12,4]');
    expect(problem(decoder((m) => setConstant(m, 1, [1, 12, 12])))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): output_shape tensor 1 has shape [3], expected [4]');
    expect(problem(decoder((m) => (tensors(m)[1]!.type = TensorType.FLOAT32)))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): output_shape tensor 1 is FLOAT32, expected INT32');
  });

  it("TRANSPOSE_CONV: inputs in TFLite's order, weights and bias that fit them", () => {
    // The data input first (the order of CONV_2D): its int32 output_shape is not an activation type.
    expect(problem(decoder((m) => (ops(m)[4]!.inputs = [14, 4, 1, 3])))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): input tensor 1 is INT32, expected FLOAT32, INT8, UINT8 or INT16');
    expect(problem(decoder((m) => (ops(m)[4]!.inputs = [1, 4, 11, 3])))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): weights tensor 4 has 4 input channels, the input has 2');
    expect(problem(decoder((m) => (ops(m)[4]!.inputs = [1, 4, 14, 9])))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): bias tensor 9 has 4 values for 3 channels');
  });

  it('TRANSPOSE_CONV: strides ≥ 1 and an output the strided window maps back onto the input', () => {
    expect(problem(decoder((m) => (transposeOptions(m).strideH = 0)))).toBe('decoder.tflite: operator 4 (TRANSPOSE_CONV): option strideH is 0, expected ≥ 1');
    expect(problem(decoder((m) => (transposeOptions(m).strideH = 3)))).toBe(
      'decoder.tflite: operator 4 (TRANSPOSE_CONV): output tensor 15 of 12x12 does not match input tensor 14 of 6x6 (a 3x3 window with stride 3x2 maps it to 4x6)',
    );
    const taller = (m: ModelT) => {
      setConstant(m, 1, [1, 14, 12, 3]);
      tensors(m)[15]!.shape = [1, 14, 12, 3];
    };
    expect(problem(decoder(taller))).toBe(
      'decoder.tflite: operator 4 (TRANSPOSE_CONV): output tensor 15 of 14x12 does not match input tensor 14 of 6x6 (a 3x3 window with stride 2x2 maps it to 7x6)',
    );
  });

  it('RESIZE_*: a size of two values ≥ 1 equal to the output, one type in and out, not both coordinate modes', () => {
    expect(problem(decoder((m) => setConstant(m, 2, [0, 12])))).toBe('decoder.tflite: operator 5 (RESIZE_NEAREST_NEIGHBOR): size tensor 2 holds [0,12], expected two values ≥ 1');
    expect(problem(decoder((m) => setConstant(m, 2, [12, 12, 1])))).toBe('decoder.tflite: operator 5 (RESIZE_NEAREST_NEIGHBOR): size tensor 2 has shape [3], expected [2]');
    expect(problem(decoder((m) => (tensors(m)[17]!.shape = [1, 12, 13, 4])))).toBe('decoder.tflite: operator 6 (RESIZE_BILINEAR): output tensor 17 has shape [1,12,13,4], expected [1,12,12,4]');
    expect(problem(decoder((m) => (tensors(m)[16]!.type = TensorType.INT16)))).toBe('decoder.tflite: operator 5 (RESIZE_NEAREST_NEIGHBOR): output tensor 16 is INT16 but input tensor 14 is INT8');
    const bothModes = (i: number) => (m: ModelT) => Object.assign(ops(m)[i]!.builtinOptions as ResizeBilinearOptionsT | ResizeNearestNeighborOptionsT, { alignCorners: true, halfPixelCenters: true });
    expect(problem(decoder(bothModes(5)))).toBe('decoder.tflite: operator 5 (RESIZE_NEAREST_NEIGHBOR): align_corners and half_pixel_centers are both set');
    expect(problem(decoder(bothModes(6)))).toBe('decoder.tflite: operator 6 (RESIZE_BILINEAR): align_corners and half_pixel_centers are both set');
  });
});
