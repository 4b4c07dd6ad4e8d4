// The one door to the generated TFLite FlatBuffers code: everything else imports from here, so a
// regeneration (or a different flatc) only ever touches schemas/generated/ and this list.
// Table classes (Model, Tensor, …) read a buffer in place; the `…T` classes are the object API
// that writers fill in and `pack()` into a flatbuffers Builder.

export { Builder, ByteBuffer } from 'flatbuffers';

// Tables: readers (in-place accessors) and object-API classes for writers.
export { Model, ModelT } from './generated/tflite/model.js';
export { SubGraph, SubGraphT } from './generated/tflite/sub-graph.js';
export { Tensor, TensorT } from './generated/tflite/tensor.js';
export { Buffer, BufferT } from './generated/tflite/buffer.js';
export { Operator, OperatorT } from './generated/tflite/operator.js';
export { OperatorCode, OperatorCodeT } from './generated/tflite/operator-code.js';
export { QuantizationParameters, QuantizationParametersT } from './generated/tflite/quantization-parameters.js';
export { Metadata, MetadataT } from './generated/tflite/metadata.js';
export { SignatureDef, SignatureDefT } from './generated/tflite/signature-def.js';
export { TensorMap, TensorMapT } from './generated/tflite/tensor-map.js';

// Enums (numeric TypeScript enums, so `TensorType[9] === 'INT8'` gives the schema name).
export { BuiltinOperator } from './generated/tflite/builtin-operator.js';
export { BuiltinOptions, unionToBuiltinOptions } from './generated/tflite/builtin-options.js';
export { BuiltinOptions2, unionToBuiltinOptions2 } from './generated/tflite/builtin-options2.js';
export { TensorType } from './generated/tflite/tensor-type.js';
export { ActivationFunctionType } from './generated/tflite/activation-function-type.js';
export { Padding } from './generated/tflite/padding.js';
export { FullyConnectedOptionsWeightsFormat } from './generated/tflite/fully-connected-options-weights-format.js';
export { QuantizationDetails } from './generated/tflite/quantization-details.js';

// Builtin options of the ops edgeqat emits and runs (schema union BuiltinOptions).
export { Conv2DOptions, Conv2DOptionsT } from './generated/tflite/conv2-doptions.js';
export { DepthwiseConv2DOptions, DepthwiseConv2DOptionsT } from './generated/tflite/depthwise-conv2-doptions.js';
export { Pool2DOptions, Pool2DOptionsT } from './generated/tflite/pool2-doptions.js';
export { FullyConnectedOptions, FullyConnectedOptionsT } from './generated/tflite/fully-connected-options.js';
export { SoftmaxOptions, SoftmaxOptionsT } from './generated/tflite/softmax-options.js';
export { ConcatenationOptions, ConcatenationOptionsT } from './generated/tflite/concatenation-options.js';
export { AddOptions, AddOptionsT } from './generated/tflite/add-options.js';
export { MulOptions, MulOptionsT } from './generated/tflite/mul-options.js';
export { ReshapeOptions, ReshapeOptionsT } from './generated/tflite/reshape-options.js';
export { ReducerOptions, ReducerOptionsT } from './generated/tflite/reducer-options.js';
export { QuantizeOptions, QuantizeOptionsT } from './generated/tflite/quantize-options.js';
export { DequantizeOptions, DequantizeOptionsT } from './generated/tflite/dequantize-options.js';
export { TransposeConvOptions, TransposeConvOptionsT } from './generated/tflite/transpose-conv-options.js';
export { ResizeBilinearOptions, ResizeBilinearOptionsT } from './generated/tflite/resize-bilinear-options.js';
export { ResizeNearestNeighborOptions, ResizeNearestNeighborOptionsT } from './generated/tflite/resize-nearest-neighbor-options.js';
export { LeakyReluOptions, LeakyReluOptionsT } from './generated/tflite/leaky-relu-options.js';
export { PadOptions, PadOptionsT } from './generated/tflite/pad-options.js';
export { StridedSliceOptions, StridedSliceOptionsT } from './generated/tflite/strided-slice-options.js';
// Control flow and sparsity: the verifier checks their subgraph indices; tests build them.
export { IfOptions, IfOptionsT } from './generated/tflite/if-options.js';
export { WhileOptions, WhileOptionsT } from './generated/tflite/while-options.js';
export { SparsityParameters, SparsityParametersT } from './generated/tflite/sparsity-parameters.js';

// Wire layout of every table and union (scripts/gen-layout.mjs), for runtime/verifier/.
export {
  TFLITE_ROOT_TABLE,
  TFLITE_TABLES,
  TFLITE_UNIONS,
  type FieldLayout,
  type TableName,
  type UnionName,
} from './layout/tflite-layout.js';

/** Bytes 4-7 of every TFLite model (schema `file_identifier`); pass it to `builder.finish(root, …)`. */
export const TFLITE_FILE_IDENTIFIER = 'TFL3';

/** Model.version written by current converters (schema revision 3). */
export const TFLITE_SCHEMA_VERSION = 3;
