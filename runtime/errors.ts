// Typed errors: every failure a user can cause is an EdgeqatError with a code; the CLI prints its
// one-line message and exits with its exit code (in one place, toolkit/cli/index.ts).

export type ErrorCode =
  | 'E_MODEL_FILE' // missing, truncated or non-TFLite model file
  | 'E_DATASET' // missing or malformed data set files
  | 'E_OPTION' // bad command-line option or config value
  | 'E_UNSUPPORTED' // layer/op/type edgeqat cannot handle
  | 'E_RUN_FOLDER' // missing or malformed run folder / checkpoint
  | 'E_ENGINE' // an engine failed to load or run a model
  | 'E_IO' // a file could not be written
  | 'E_DIVERGED' // training produced a NaN or infinite loss
  | 'E_SIGINT' // interrupted by Ctrl-C (a checkpoint was saved)
  | 'E_SIGTERM' // terminated by SIGTERM (a checkpoint was saved)
  | 'E_BUNDLE' // a deploy bundle could not be built
  | 'E_SSH' // a device could not be reached or refused the login (ssh/scp)
  | 'E_REMOTE'; // a command failed on the device (install, checksum check, runner)

/** Exit codes: 2 for bad input (files, options), 130/143 for signals (as shells do), 1 otherwise. */
const EXIT_CODES: Record<ErrorCode, number> = {
  E_MODEL_FILE: 2,
  E_DATASET: 2,
  E_OPTION: 2,
  E_UNSUPPORTED: 2,
  E_RUN_FOLDER: 2,
  E_ENGINE: 1,
  E_IO: 1,
  E_DIVERGED: 1,
  E_SIGINT: 130,
  E_SIGTERM: 143,
  E_BUNDLE: 1,
  E_SSH: 1,
  E_REMOTE: 1,
};

export class EdgeqatError extends Error {
  readonly code: ErrorCode;
  /** `options.cause` keeps the underlying error (e.g. a WebAssembly trap) for callers that inspect it. */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgeqatError';
    this.code = code;
  }
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export function isEdgeqatError(e: unknown): e is EdgeqatError {
  return e instanceof EdgeqatError;
}
