// Limits of the model-file verifier, and the one error its checks throw. The defaults admit every
// model edgeqat and the TFLite converter make for microcontrollers and phones, with room to spare;
// EDGEQAT_MAX_MODEL_MB raises the size limit for larger models without code changes.
import { EdgeqatError } from '../errors.js';

export interface VerifierLimits {
  /** Largest model file accepted, in bytes (256 MB). */
  maxFileBytes: number;
  /** Deepest nesting of tables (FlatBuffers' own default, 64). */
  maxDepth: number;
  /** Most tables in one file (FlatBuffers' own default, 1,000,000). */
  maxTables: number;
  /**
   * Most bytes of tables, vectors and strings reached while walking the file, as a multiple of its
   * size: a converter stores each object once (factor ≤ 1), a crafted file shares one object from
   * many places to make readers walk it again and again.
   */
  maxApparentFactor: number;
  /** Most elements in one tensor (2^28: 1 GB of float32). */
  maxTensorElements: number;
}

export const DEFAULT_VERIFIER_LIMITS: Readonly<VerifierLimits> = {
  maxFileBytes: 256 * 1024 * 1024,
  maxDepth: 64,
  maxTables: 1_000_000,
  maxApparentFactor: 4,
  maxTensorElements: 2 ** 28,
};

export const MAX_MODEL_MB_ENV = 'EDGEQAT_MAX_MODEL_MB';

/** The defaults, with maxFileBytes from EDGEQAT_MAX_MODEL_MB when it is set, then `overrides`. */
export function verifierLimits(overrides: Partial<VerifierLimits> = {}): VerifierLimits {
  const limits = { ...DEFAULT_VERIFIER_LIMITS };
  const env = process.env[MAX_MODEL_MB_ENV];
  if (env !== undefined && env !== '') {
    const mb = Number(env);
    if (!Number.isFinite(mb) || mb <= 0) {
      throw new EdgeqatError('E_OPTION', `${MAX_MODEL_MB_ENV}=${env}: expected a positive number of megabytes`);
    }
    limits.maxFileBytes = Math.floor(mb * 1024 * 1024);
  }
  return { ...limits, ...overrides };
}

/** A problem found in a model file; index.ts prefixes the file's label. */
export class ModelProblem extends Error {
  constructor(
    message: string,
    readonly code: 'E_MODEL_FILE' | 'E_UNSUPPORTED' = 'E_MODEL_FILE',
  ) {
    super(message);
  }
}
