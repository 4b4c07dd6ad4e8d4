// The .tflite verifier: runs before anything in edgeqat reads a model file (readTfliteModel, and
// through it readTfliteFile, `inspect` and every engine), so no reader and no WebAssembly
// interpreter ever sees bytes that would make it read out of bounds, loop, allocate without bound
// or index past a list. Four layers, each assuming the previous ones passed:
//   1. header: size limit, identifier "TFL3", root offset;
//   2. structure (flatbuffer-verifier.ts): FlatBuffers' own verifier over the TFLite schema;
//   3. model (model-checks.ts, tensor-checks.ts, subgraph-calls.ts): TFLite's rules;
//   4. operators (operator-checks.ts, ops/): only ops with a rule, and their tensors as their
//      kernels need them. On by default (engines); `inspect` turns it off to show any model.
// A failure is one line, `<label>: <what is wrong and where>`, code E_MODEL_FILE (exit code 2), or
// E_UNSUPPORTED for a valid model edgeqat does not run (sparse tensors, an op without a rule).
import { EdgeqatError } from '../errors.js';
import { ByteBuffer, Model, TFLITE_FILE_IDENTIFIER, TFLITE_ROOT_TABLE } from '../../schemas/tflite.js';
import { verifyFlatBufferStructure, StructureError, type SiteVisitor } from './flatbuffer-verifier.js';
import { MAX_MODEL_MB_ENV, ModelProblem, verifierLimits, type VerifierLimits } from './limits.js';
import { checkModel } from './model-checks.js';
import { checkOperators } from './operator-checks.js';

export { DEFAULT_VERIFIER_LIMITS, MAX_MODEL_MB_ENV, verifierLimits, type VerifierLimits } from './limits.js';
export type { SiteVisitor, StructureSite } from './flatbuffer-verifier.js';

/** Printable form of 4 header bytes, kept on one line whatever they contain. */
function showIdentifier(bytes: Uint8Array): string {
  const printable = (b: number) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c; // not " or backslash
  return Array.from(bytes, (b) => (printable(b) ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The one-line size-limit message (also used by readTfliteFile before it reads a file). */
export function tooLargeMessage(fileBytes: number, limits: VerifierLimits): string {
  return `${withCommas(fileBytes)} bytes is over the ${withCommas(limits.maxFileBytes)}-byte limit for model files (set ${MAX_MODEL_MB_ENV} to raise it)`;
}

export interface VerifyOptions {
  limits?: Partial<VerifierLimits>;
  /** Check every operator against its rule (default true); false for readers that run nothing. */
  operators?: boolean;
  /** Sees every location of the structural walk (the fuzzer aims its mutations with it). */
  visit?: SiteVisitor;
}

/**
 * Throws a one-line EdgeqatError (E_MODEL_FILE; E_UNSUPPORTED for valid features edgeqat does not
 * run) unless `bytes` is a well-formed TFLite model whose operators edgeqat can check.
 */
export function verifyTfliteModel(bytes: Uint8Array, label = 'model.tflite', options: VerifyOptions = {}): void {
  const fail = (problem: string, code: 'E_MODEL_FILE' | 'E_UNSUPPORTED' = 'E_MODEL_FILE') =>
    new EdgeqatError(code, `${label}: ${problem}`);
  const limit = verifierLimits(options.limits);
  if (bytes.length === 0) throw fail('empty file, not a TFLite model');
  if (bytes.length > limit.maxFileBytes) throw fail(tooLargeMessage(bytes.length, limit));
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
    const structure = { maxDepth: limit.maxDepth, maxTables: limit.maxTables, maxApparentBytes: limit.maxApparentFactor * bytes.length };
    verifyFlatBufferStructure(bytes, TFLITE_ROOT_TABLE, structure, options.visit);
  } catch (e) {
    if (e instanceof StructureError) throw fail(`corrupt or truncated TFLite model (${e.message})`);
    throw e;
  }
  try {
    const model = Model.getRootAsModel(new ByteBuffer(bytes));
    checkModel(model, { fileBytes: bytes.length, maxTensorElements: limit.maxTensorElements });
    if (options.operators !== false) checkOperators(model, bytes);
  } catch (e) {
    if (e instanceof ModelProblem) throw fail(e.message, e.code);
    throw e;
  }
}
