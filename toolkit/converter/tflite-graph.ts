// Builds one TFLite subgraph (tensors, constant buffers, operators) and serializes it with the
// generated FlatBuffers builders. We write only the fields that are set: the generated object API
// writes every vector even when empty, and TFLite reads an empty `custom_options` vector as
// "custom options present" and an empty `shape_signature` as a rank-0 signature.
// Buffer 0 is the empty sentinel; constant data is 16-byte aligned (schema `force_align: 16`).
import {
  Buffer as TfliteBuffer,
  Builder,
  BuiltinOperator,
  BuiltinOptions,
  Metadata,
  Model,
  Operator,
  OperatorCode,
  QuantizationParameters,
  SubGraph,
  Tensor,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
  TFLITE_SCHEMA_VERSION,
  type OperatorT,
} from '../../schemas/tflite.js';

export interface TensorQuant {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension?: number;
}

export interface TensorSpec {
  name: string;
  type: TensorType;
  shape: number[];
  /** Dynamic dims as -1 (e.g. batch); omitted when the shape is static. */
  shapeSignature?: number[];
  quant?: TensorQuant;
  /** Little-endian constant data; its length must equal shape x dtype size. */
  data?: Uint8Array;
}

interface TensorEntry extends TensorSpec {
  buffer: number;
}

interface OperatorEntry {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  optionsType: BuiltinOptions;
  /** Generated options object (`…OptionsT`), which holds scalars only and packs itself. */
  options: OperatorT['builtinOptions'];
}

export class TfliteGraph {
  private readonly tensors: TensorEntry[] = [];
  private readonly buffers: Uint8Array[] = [new Uint8Array(0)];
  private readonly opcodes: { code: BuiltinOperator; version: number }[] = [];
  private readonly operators: OperatorEntry[] = [];
  private readonly metadata: { name: string; buffer: number }[] = [];

  addTensor(spec: TensorSpec): number {
    let buffer = 0;
    if (spec.data) {
      this.buffers.push(spec.data);
      buffer = this.buffers.length - 1;
    }
    this.tensors.push({ ...spec, buffer });
    return this.tensors.length - 1;
  }

  /** Appends an operator; `version` follows the TF converter's versioning rules for that op. */
  addOperator(
    code: BuiltinOperator,
    version: number,
    inputs: number[],
    outputs: number[],
    optionsType: BuiltinOptions = BuiltinOptions.NONE,
    options: OperatorT['builtinOptions'] = null,
  ): void {
    let opcodeIndex = this.opcodes.findIndex((c) => c.code === code && c.version === version);
    if (opcodeIndex < 0) {
      this.opcodes.push({ code, version });
      opcodeIndex = this.opcodes.length - 1;
    }
    this.operators.push({ opcodeIndex, inputs, outputs, optionsType, options });
  }

  /** Named metadata entry (e.g. preprocessing constants), stored in its own buffer. */
  addMetadata(name: string, bytes: Uint8Array): void {
    this.buffers.push(bytes);
    this.metadata.push({ name, buffer: this.buffers.length - 1 });
  }

  finish(inputs: number[], outputs: number[], description: string): Uint8Array {
    const b = new Builder(1 << 16);

    const buffers = this.buffers.map((data) => packBuffer(b, data));
    const tensors = this.tensors.map((t) => packTensor(b, t));
    const operators = this.operators.map((op) => packOperator(b, op));
    const subgraphName = b.createString('main');
    const subgraph = SubGraph.createSubGraph(
      b,
      SubGraph.createTensorsVector(b, tensors),
      SubGraph.createInputsVector(b, inputs),
      SubGraph.createOutputsVector(b, outputs),
      SubGraph.createOperatorsVector(b, operators),
      subgraphName,
    );
    const opcodes = this.opcodes.map(({ code, version }) => {
      OperatorCode.startOperatorCode(b);
      // deprecated_builtin_code is a byte: 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) for newer ops.
      OperatorCode.addDeprecatedBuiltinCode(b, Math.min(code, 127));
      OperatorCode.addVersion(b, version);
      OperatorCode.addBuiltinCode(b, code);
      return OperatorCode.endOperatorCode(b);
    });
    const metadata = this.metadata.map((m) => Metadata.createMetadata(b, b.createString(m.name), m.buffer));

    const opcodesVec = Model.createOperatorCodesVector(b, opcodes);
    const subgraphsVec = Model.createSubgraphsVector(b, [subgraph]);
    const descriptionStr = b.createString(description);
    const buffersVec = Model.createBuffersVector(b, buffers);
    const metadataVec = metadata.length ? Model.createMetadataVector(b, metadata) : 0;
    Model.startModel(b);
    Model.addVersion(b, TFLITE_SCHEMA_VERSION);
    Model.addOperatorCodes(b, opcodesVec);
    Model.addSubgraphs(b, subgraphsVec);
    Model.addDescription(b, descriptionStr);
    Model.addBuffers(b, buffersVec);
    if (metadataVec) Model.addMetadata(b, metadataVec);
    b.finish(Model.endModel(b), TFLITE_FILE_IDENTIFIER);
    return b.asUint8Array().slice();
  }
}

function packBuffer(b: Builder, data: Uint8Array): number {
  let dataOffset = 0;
  if (data.length > 0) {
    b.startVector(1, data.length, 16);
    for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]);
    dataOffset = b.endVector();
  }
  TfliteBuffer.startBuffer(b);
  if (dataOffset) TfliteBuffer.addData(b, dataOffset);
  return TfliteBuffer.endBuffer(b);
}

function packTensor(b: Builder, t: TensorEntry): number {
  const shape = Tensor.createShapeVector(b, t.shape);
  const signature = t.shapeSignature ? Tensor.createShapeSignatureVector(b, t.shapeSignature) : 0;
  const name = b.createString(t.name);
  let quant = 0;
  if (t.quant) {
    const scale = QuantizationParameters.createScaleVector(b, t.quant.scale);
    const zeroPoint = QuantizationParameters.createZeroPointVector(b, t.quant.zeroPoint.map((z) => BigInt(z)));
    QuantizationParameters.startQuantizationParameters(b);
    QuantizationParameters.addScale(b, scale);
    QuantizationParameters.addZeroPoint(b, zeroPoint);
    QuantizationParameters.addQuantizedDimension(b, t.quant.quantizedDimension ?? 0);
    quant = QuantizationParameters.endQuantizationParameters(b);
  }
  Tensor.startTensor(b);
  Tensor.addShape(b, shape);
  Tensor.addType(b, t.type);
  Tensor.addBuffer(b, t.buffer);
  Tensor.addName(b, name);
  if (quant) Tensor.addQuantization(b, quant);
  if (signature) Tensor.addShapeSignature(b, signature);
  return Tensor.endTensor(b);
}

function packOperator(b: Builder, op: OperatorEntry): number {
  const inputs = Operator.createInputsVector(b, op.inputs);
  const outputs = Operator.createOutputsVector(b, op.outputs);
  const options = op.options ? op.options.pack(b) : 0;
  Operator.startOperator(b);
  Operator.addOpcodeIndex(b, op.opcodeIndex);
  Operator.addInputs(b, inputs);
  Operator.addOutputs(b, outputs);
  if (options) {
    Operator.addBuiltinOptionsType(b, op.optionsType);
    Operator.addBuiltinOptions(b, options);
  }
  return Operator.endOperator(b);
}

/** Bytes of typed data in little-endian order (TFLite's byte order; all supported hosts are LE). */
export function bytesOf(a: Int8Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}
