// Reads a .tflite file into a plain-JS summary (for `inspect`, engines and tests). Every file is
// verified first (runtime/verifier/: FlatBuffers structure and TFLite's model checks), so this is the
// choke point through which no unverified model reaches an inspector or engine; bad bytes become
// one E_MODEL_FILE line. The bounds-checked reads below stay as a second line of defence.
import { readFileSync, statSync } from 'node:fs';
import { EdgeqatError } from './errors.js';
import { tooLargeMessage, verifierLimits, verifyTfliteModel } from './verifier/index.js';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  ByteBuffer,
  FullyConnectedOptionsWeightsFormat,
  Model,
  Padding,
  TensorType,
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
  /** The buffer decoded as UTF-8 when it is at most 64 KB (e.g. JSON), else null. */
  text: string | null;
}

const METADATA_TEXT_LIMIT = 65536;

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

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n', 1)[0]!.trim() || 'unknown error';
}

export interface ReadOptions {
  /**
   * Also verify every operator for execution (default true: engines read models this way).
   * `inspect` passes false, to show models with operators edgeqat does not run.
   */
  operators?: boolean;
}

/** Verifies and parses a TFLite model held in memory; `label` names it in error messages. */
export function readTfliteModel(bytes: Uint8Array, label = 'model.tflite', opts: ReadOptions = {}): ModelSummary {
  verifyTfliteModel(bytes, label, { operators: opts.operators }); // one line for anything wrong
  try {
    return summarize(Model.getRootAsModel(new CheckedByteBuffer(bytes)), bytes.length);
  } catch (e) {
    // Unreachable for a verified file; kept so a verifier gap is still one line, not a stack trace.
    throw new EdgeqatError('E_MODEL_FILE', `${label}: corrupt or truncated TFLite model (${firstLine(e)})`);
  }
}

/** Reads, verifies and parses a .tflite file; every user-caused problem is one E_MODEL_FILE line. */
export function readTfliteFile(path: string, opts: ReadOptions = {}): ModelSummary {
  return readTfliteModel(readTfliteBytes(path), path, opts);
}

/**
 * A .tflite file's bytes, unverified: a missing file, a folder or a file over the model-size limit
 * is one E_MODEL_FILE line, checked before anything is read.
 */
export function readTfliteBytes(path: string): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new EdgeqatError('E_MODEL_FILE', `${path}: is a directory, expected a .tflite file`);
    }
    const limits = verifierLimits();
    if (stat.size > limits.maxFileBytes) throw new EdgeqatError('E_MODEL_FILE', `${path}: ${tooLargeMessage(stat.size, limits)}`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EdgeqatError('E_MODEL_FILE', `${path}: no such file`);
    throw new EdgeqatError('E_MODEL_FILE', `${path}: cannot read (${code ?? firstLine(e)})`);
  }
}

/**
 * The constant data of every Model.buffers entry, as views into `bytes` (no copy; empty for
 * activations and the sentinel). Engines that run the model themselves need the weights, which
 * the summary only sizes. Same bounds checks as readTfliteModel: bad bytes are one E_MODEL_FILE line.
 */
export function readTfliteBufferData(bytes: Uint8Array, label = 'model.tflite'): Uint8Array[] {
  readTfliteModel(bytes, label); // header, root offset and every bounds check, with their messages
  try {
    const model = Model.getRootAsModel(new CheckedByteBuffer(bytes));
    const out: Uint8Array[] = [];
    for (let i = 0; i < model.buffersLength(); i++) {
      const buffer = model.buffers(i);
      if (!buffer) throw new OutOfBoundsError(`buffer ${i} is missing`);
      if (buffer.offset() > 1n) {
        // Data stored after the FlatBuffer (models > 2 GB): offset and size are absolute in the file.
        const start = Number(buffer.offset());
        const end = start + Number(buffer.size());
        if (end > bytes.length) throw new OutOfBoundsError(`buffer ${i} data ends at ${end}, after the end of the file`);
        out.push(bytes.subarray(start, end));
        continue;
      }
      const length = buffer.dataLength();
      out.push(length > 0 ? buffer.dataArray()! : new Uint8Array(0));
    }
    return out;
  } catch (e) {
    throw new EdgeqatError('E_MODEL_FILE', `${label}: corrupt or truncated TFLite model (${firstLine(e)})`);
  }
}
