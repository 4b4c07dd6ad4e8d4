// Reads a .tflite file into a plain-JS summary (for `inspect`, engines and tests). Not a verifier:
// it checks just enough (header, bounds of every read) that bad bytes become one E_MODEL_FILE error
// instead of a stack trace, a hang, or a summary made of zeros read past the end of the file.
import { readFileSync, statSync } from 'node:fs';
import { EdgeqatError } from './errors.js';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  ByteBuffer,
  FullyConnectedOptionsWeightsFormat,
  Model,
  Padding,
  TensorType,
  TFLITE_FILE_IDENTIFIER,
  unionToBuiltinOptions,
  type Buffer as TfliteBuffer,
  type Operator,
  type OperatorCode,
  type Tensor,
} from '../schemas/tflite.js';

export interface OperatorCodeSummary {
  /** BuiltinOperator name, e.g. "FULLY_CONNECTED" (or "UNKNOWN_<code>"). */
  builtin: string;
  /** max(deprecated_builtin_code, builtin_code), as TFLite's GetBuiltinCode reads it. */
  builtinCode: number;
  version: number;
  customCode: string | null;
}

export interface OperatorSummary {
  index: number;
  opcodeIndex: number;
  op: string;
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union member name, e.g. "FullyConnectedOptions", or "NONE". */
  optionsType: string;
  /** The builtin options table as plain fields (enums as their names), or null when absent. */
  options: Record<string, unknown> | null;
  /** Fused activation name ("NONE", "RELU", …), or null when the op's options have none. */
  fusedActivation: string | null;
}

export interface QuantizationSummary {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TensorSummary {
  index: number;
  name: string;
  dtype: string;
  shape: number[];
  /** Shape with -1 for dynamic dims; null when the file has none (fixed shape). */
  shapeSignature: number[] | null;
  buffer: number;
  /** Bytes of constant data in the tensor's buffer; 0 for activations. */
  bufferBytes: number;
  /** Null when the tensor has no scale/zero-point (float tensors). */
  quantization: QuantizationSummary | null;
}

export interface SubgraphSummary {
  name: string | null;
  inputs: number[];
  outputs: number[];
  operators: OperatorSummary[];
  tensors: TensorSummary[];
}

export interface ModelSummary {
  fileBytes: number;
  version: number;
  description: string | null;
  operatorCodes: OperatorCodeSummary[];
  subgraphCount: number;
  /** The first subgraph (the one TFLite runs). */
  subgraph: SubgraphSummary;
  /** Byte length of each entry of Model.buffers (index = buffer index). */
  bufferSizes: number[];
  /** Model.metadata entries: name, buffer index, and the buffer's bytes as UTF-8 text when short. */
  metadata: MetadataSummary[];
}

export interface MetadataSummary {
  name: string;
  buffer: number;
  /** The buffer decoded as UTF-8 when it is at most 4 KB (e.g. JSON), else null. */
  text: string | null;
}

const METADATA_TEXT_LIMIT = 4096;

/** Thrown inside the parse for a read outside the file; turned into E_MODEL_FILE at the top. */
class OutOfBoundsError extends Error {}

/**
 * flatbuffers' ByteBuffer returns 0 for reads past the end instead of failing, so a truncated file
 * would parse as zeros. Every accessor funnels through these methods, so checking here is enough.
 */
class CheckedByteBuffer extends ByteBuffer {
  private check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.capacity()) {
      throw new OutOfBoundsError(`read of ${size} bytes at offset ${offset} is outside the file`);
    }
  }
  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }
  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }
  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }
  override __string(...args: Parameters<ByteBuffer['__string']>): string | Uint8Array {
    const start = args[0] + this.readInt32(args[0]);
    this.check(start + 4, Math.max(this.readInt32(start), 0));
    return super.__string(...args);
  }
}

/** Enum-typed option fields → their enum, so options print as names instead of numbers. */
const OPTION_ENUMS: Record<string, Record<number, string>> = {
  fusedActivationFunction: ActivationFunctionType,
  padding: Padding,
  weightsFormat: FullyConnectedOptionsWeightsFormat,
  quantizedBiasType: TensorType,
  inDataType: TensorType,
  outDataType: TensorType,
  outputType: TensorType,
  outType: TensorType,
  idxOutType: TensorType,
};

function enumName(names: Record<number, string>, value: number): string {
  return names[value] ?? `UNKNOWN_${value}`;
}

function intList(length: number, at: (i: number) => number | bigint | null): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(Number(at(i) ?? 0));
  return out;
}

function bufferBytes(buffer: TfliteBuffer): number {
  // offset > 1 means the data lives after the FlatBuffer (models > 2 GB); size is its length.
  if (buffer.offset() > 1n) return Number(buffer.size());
  const length = buffer.dataLength();
  if (length > 0) buffer.data(length - 1); // bounds-checks the last byte: catches truncation
  return length;
}

function summarizeOperatorCode(code: OperatorCode): OperatorCodeSummary {
  const builtinCode = Math.max(code.deprecatedBuiltinCode(), code.builtinCode());
  return {
    builtin: enumName(BuiltinOperator, builtinCode),
    builtinCode,
    version: code.version(),
    customCode: code.customCode(),
  };
}

function plainOptions(operator: Operator): Record<string, unknown> | null {
  const table = unionToBuiltinOptions(operator.builtinOptionsType(), (obj) => operator.builtinOptions(obj));
  if (table === null) return null;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table.unpack())) {
    const names = OPTION_ENUMS[key];
    if (names && typeof value === 'number') options[key] = enumName(names, value);
    else if (typeof value === 'bigint') options[key] = Number(value);
    else options[key] = value;
  }
  return options;
}

function summarizeOperator(operator: Operator, index: number, codes: OperatorCodeSummary[]): OperatorSummary {
  const opcodeIndex = operator.opcodeIndex();
  const code = codes[opcodeIndex];
  if (!code) {
    throw new OutOfBoundsError(
      `operator ${index} uses opcode index ${opcodeIndex} but the model has ${codes.length} operator codes`,
    );
  }
  const options = plainOptions(operator);
  const activation = options?.fusedActivationFunction;
  return {
    index,
    opcodeIndex,
    op: code.builtin === 'CUSTOM' && code.customCode ? `CUSTOM:${code.customCode}` : code.builtin,
    inputs: intList(operator.inputsLength(), (i) => operator.inputs(i)),
    outputs: intList(operator.outputsLength(), (i) => operator.outputs(i)),
    optionsType: enumName(BuiltinOptions, operator.builtinOptionsType()),
    options,
    fusedActivation: typeof activation === 'string' ? activation : null,
  };
}

function summarizeTensor(tensor: Tensor, index: number, bufferSizes: number[]): TensorSummary {
  const buffer = tensor.buffer();
  if (buffer >= bufferSizes.length) {
    throw new OutOfBoundsError(`tensor ${index} uses buffer ${buffer} but the model has ${bufferSizes.length} buffers`);
  }
  const q = tensor.quantization();
  const scale = q ? intList(q.scaleLength(), (i) => q.scale(i)) : [];
  const zeroPoint = q ? intList(q.zeroPointLength(), (i) => q.zeroPoint(i)) : [];
  const signatureLength = tensor.shapeSignatureLength();
  return {
    index,
    name: tensor.name() ?? '',
    dtype: enumName(TensorType, tensor.type()),
    shape: intList(tensor.shapeLength(), (i) => tensor.shape(i)),
    shapeSignature: signatureLength > 0 ? intList(signatureLength, (i) => tensor.shapeSignature(i)) : null,
    buffer,
    bufferBytes: bufferSizes[buffer] ?? 0,
    quantization:
      q && (scale.length > 0 || zeroPoint.length > 0) ? { scale, zeroPoint, quantizedDimension: q.quantizedDimension() } : null,
  };
}

function summarize(model: Model, fileBytes: number): ModelSummary {
  const operatorCodes: OperatorCodeSummary[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const code = model.operatorCodes(i);
    if (!code) throw new OutOfBoundsError(`operator code ${i} is missing`);
    operatorCodes.push(summarizeOperatorCode(code));
  }
  const bufferSizes: number[] = [];
  for (let i = 0; i < model.buffersLength(); i++) {
    const buffer = model.buffers(i);
    bufferSizes.push(buffer ? bufferBytes(buffer) : 0);
  }
  const metadata: MetadataSummary[] = [];
  for (let i = 0; i < model.metadataLength(); i++) {
    const m = model.metadata(i);
    if (!m) throw new OutOfBoundsError(`metadata ${i} is missing`);
    const buffer = m.buffer();
    if (buffer >= bufferSizes.length) throw new OutOfBoundsError(`metadata ${i} buffer ${buffer} out of range (${bufferSizes.length} buffers)`);
    const data = bufferSizes[buffer] <= METADATA_TEXT_LIMIT ? model.buffers(buffer)?.dataArray() : null;
    metadata.push({ name: m.name() ?? '', buffer, text: data ? new TextDecoder().decode(data) : null });
  }
  const subgraphCount = model.subgraphsLength();
  const graph = subgraphCount > 0 ? model.subgraphs(0) : null;
  if (!graph) throw new OutOfBoundsError('the model has no subgraph');

  const operators: OperatorSummary[] = [];
  for (let i = 0; i < graph.operatorsLength(); i++) {
    const operator = graph.operators(i);
    if (!operator) throw new OutOfBoundsError(`operator ${i} is missing`);
    operators.push(summarizeOperator(operator, i, operatorCodes));
  }
  const tensors: TensorSummary[] = [];
  for (let i = 0; i < graph.tensorsLength(); i++) {
    const tensor = graph.tensors(i);
    if (!tensor) throw new OutOfBoundsError(`tensor ${i} is missing`);
    tensors.push(summarizeTensor(tensor, i, bufferSizes));
  }
  return {
    fileBytes,
    version: model.version(),
    description: model.description(),
    operatorCodes,
    subgraphCount,
    subgraph: {
      name: graph.name(),
      inputs: intList(graph.inputsLength(), (i) => graph.inputs(i)),
      outputs: intList(graph.outputsLength(), (i) => graph.outputs(i)),
      operators,
      tensors,
    },
    bufferSizes,
    metadata,
  };
}

/** Printable form of 4 header bytes, kept on one line whatever they contain. */
function showIdentifier(bytes: Uint8Array): string {
  const printable = (b: number) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c; // not " or backslash
  return Array.from(bytes, (b) => (printable(b) ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n', 1)[0]!.trim() || 'unknown error';
}

/** Parses a TFLite model held in memory; `label` names it in error messages. */
export function readTfliteModel(bytes: Uint8Array, label = 'model.tflite'): ModelSummary {
  const fail = (problem: string) => new EdgeqatError('E_MODEL_FILE', `${label}: ${problem}`);
  if (bytes.length === 0) throw fail('empty file, not a TFLite model');
  if (bytes.length < 8) throw fail(`${bytes.length} bytes is too short to be a TFLite model`);
  const identifier = bytes.subarray(4, 8);
  if (new TextDecoder().decode(identifier) !== TFLITE_FILE_IDENTIFIER) {
    throw fail(`not a TFLite model (file identifier "${showIdentifier(identifier)}", expected "${TFLITE_FILE_IDENTIFIER}")`);
  }
  const rootOffset = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  // The root table needs at least its 4-byte vtable offset inside the file, after the header.
  if (rootOffset < 8 || rootOffset + 4 > bytes.length) {
    throw fail(`corrupt or truncated TFLite model (root table offset ${rootOffset} is outside the ${bytes.length}-byte file)`);
  }
  try {
    return summarize(Model.getRootAsModel(new CheckedByteBuffer(bytes)), bytes.length);
  } catch (e) {
    // Any failure here (our bounds checks, or the flatbuffers library tripping on garbage).
    throw fail(`corrupt or truncated TFLite model (${firstLine(e)})`);
  }
}

/** Reads and parses a .tflite file; every user-caused problem is one E_MODEL_FILE line. */
export function readTfliteFile(path: string): ModelSummary {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) {
      throw new EdgeqatError('E_MODEL_FILE', `${path}: is a directory, expected a .tflite file`);
    }
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EdgeqatError('E_MODEL_FILE', `${path}: no such file`);
    throw new EdgeqatError('E_MODEL_FILE', `${path}: cannot read (${code ?? firstLine(e)})`);
  }
  return readTfliteModel(bytes, path);
}
