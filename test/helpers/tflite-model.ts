// A tiny valid TFLite model as an editable object tree (the generated object API), so a test can
// break exactly one thing and check what the verifier says about it.
//   tensor 0 input f32 [1,4] (signature [-1,4]) → QUANTIZE → 1 int8 [1,4]
//   FULLY_CONNECTED(1, 2 = int8 weights [3,4] in buffer 1, 3 = int32 bias [3] in buffer 2) → 4 int8 [1,3]
//   DEQUANTIZE → 5 output f32 [1,3]
import {
  ActivationFunctionType,
  Buffer as TfliteBuffer,
  BufferT,
  Builder,
  BuiltinOperator,
  BuiltinOptions,
  FullyConnectedOptionsT,
  Model,
  ModelT,
  Operator,
  OperatorCodeT,
  OperatorT,
  QuantizationParametersT,
  SubGraph,
  SubGraphT,
  Tensor,
  TensorT,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
} from '../../schemas/tflite.js';

export function quant(scale: number[], zeroPoint: number[], quantizedDimension = 0): QuantizationParametersT {
  return new QuantizationParametersT([], [], scale, zeroPoint.map(BigInt), undefined, undefined, quantizedDimension);
}

export function opCode(code: BuiltinOperator, version = 1): OperatorCodeT {
  return new OperatorCodeT(Math.min(code, 127), null, version, code);
}

export function tinyModel(): ModelT {
  const weights = new Uint8Array(Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -127]).buffer);
  const bias = new Uint8Array(Int32Array.from([100, -200, 300]).buffer);
  const tensors = [
    new TensorT([1, 4], TensorType.FLOAT32, 0, 'input', null, false, null, [-1, 4]),
    new TensorT([1, 4], TensorType.INT8, 0, 'input_int8', quant([0.5], [-3])),
    new TensorT([3, 4], TensorType.INT8, 1, 'kernel', quant([0.01, 0.02, 0.03], [0, 0, 0])),
    new TensorT([3], TensorType.INT32, 2, 'bias', quant([0.005, 0.01, 0.015], [0, 0, 0])),
    new TensorT([1, 3], TensorType.INT8, 0, 'fc_int8', quant([0.25], [-128])),
    new TensorT([1, 3], TensorType.FLOAT32, 0, 'output'),
  ];
  const operators = [
    new OperatorT(0, [0], [1]),
    new OperatorT(1, [1, 2, 3], [4], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT(ActivationFunctionType.RELU)),
    new OperatorT(2, [4], [5]),
  ];
  return new ModelT(
    3,
    [opCode(BuiltinOperator.QUANTIZE), opCode(BuiltinOperator.FULLY_CONNECTED, 4), opCode(BuiltinOperator.DEQUANTIZE, 2)],
    [new SubGraphT(tensors, [0], [5], operators, 'main')],
    'tiny',
    [new BufferT([]), new BufferT(Array.from(weights)), new BufferT(Array.from(bias))],
  );
}

/**
 * Packs like the TF converter: a buffer without data gets no data field. (The object API always
 * writes one; TFLite reads a present but empty data vector as a 0-byte constant and refuses the
 * tensor, so a repacked converter model would no longer load.)
 */
export function packModel(model: ModelT): Uint8Array {
  const builder = new Builder(1024);
  const buffers = model.buffers;
  model.buffers = buffers.map((b) =>
    b.data.length > 0
      ? b
      : Object.assign(Object.create(BufferT.prototype) as BufferT, b, {
          pack: (bb: Builder) => {
            TfliteBuffer.startBuffer(bb);
            TfliteBuffer.addOffset(bb, b.offset);
            TfliteBuffer.addSize(bb, b.size);
            return TfliteBuffer.endBuffer(bb);
          },
        }),
  );
  try {
    builder.finish(model.pack(builder), TFLITE_FILE_IDENTIFIER);
  } finally {
    model.buffers = buffers;
  }
  return builder.asUint8Array();
}

/** The tiny model with `edit` applied to its object tree, packed. */
export function tinyModelWith(edit: (m: ModelT) => void): Uint8Array {
  const m = tinyModel();
  edit(m);
  return packModel(m);
}

/**
 * 20,000 operator slots all pointing at one operator with 4,000 inputs: an 80 KB file that would
 * make readers walk 320 MB (the verifier refuses it by bytes walked; bench/time-limits.ts times it).
 */
export function sharedObjectsModel(): Uint8Array {
  const b = new Builder(1024);
  const inputs = Operator.createInputsVector(b, new Array(4000).fill(0));
  const outputs = Operator.createOutputsVector(b, [1]);
  Operator.startOperator(b);
  Operator.addInputs(b, inputs);
  Operator.addOutputs(b, outputs);
  const op = Operator.endOperator(b);
  const ops = SubGraph.createOperatorsVector(b, new Array(20_000).fill(op));
  const tensors = SubGraph.createTensorsVector(b, [0, 1].map(() => (Tensor.startTensor(b), Tensor.endTensor(b))));
  SubGraph.startSubGraph(b);
  SubGraph.addTensors(b, tensors);
  SubGraph.addOperators(b, ops);
  const graphs = Model.createSubgraphsVector(b, [SubGraph.endSubGraph(b)]);
  Model.startModel(b);
  Model.addVersion(b, 3);
  Model.addSubgraphs(b, graphs);
  b.finish(Model.endModel(b), TFLITE_FILE_IDENTIFIER);
  return b.asUint8Array();
}
