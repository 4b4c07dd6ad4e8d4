// One fuzz case: the mutated bytes go through every door edgeqat has for a model file — the
// verifier, readTfliteModel, `inspect` (from a file) and each engine — and each must either work or
// throw a one-line EdgeqatError. Anything else is a failure: another exception, a WebAssembly
// crash, doors that disagree (a door accepting what the verifier rejects means an unverified path;
// a door rejecting what it accepts means the verifier missed something).
import { writeFileSync } from 'node:fs';
import { elementsPerSample } from '../../runtime/engines/engine.js';
import { isEdgeqatError } from '../../runtime/errors.js';
import { readTfliteModel } from '../../runtime/model-reader.js';
import { verifyTfliteModel } from '../../runtime/verifier/index.js';
import { runInspect } from '../../toolkit/cli/commands/inspect.js';
import type { FuzzEngine } from './engines.js';
import { rawTfjsTflite } from './raw-tfjs-tflite.js';

/** Engines run one invocation when the input is at most this many values (else load only). */
const RUN_LIMIT = 1 << 20;

export interface CaseContext {
  label: string;
  /** Where the case is written for `inspect`, which reads files. */
  inspectPath: string;
  engines: readonly FuzzEngine[];
  /** Also load the bytes into tfjs-tflite with no verifier in front (--raw). */
  raw: boolean;
}

export interface StageOutcome {
  stage: string;
  /** 'ok', 'ran', 'loaded', or the error code / refusal. */
  result: string;
  message?: string;
}

export interface CaseReport {
  accepted: boolean;
  stages: StageOutcome[];
  failures: string[];
  /** --raw only: how tfjs-tflite failed on the unverified bytes, beyond refusing them. */
  rawCrash?: string;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n', 1)[0]!.slice(0, 300);
}

/** V8's WebAssembly trap messages, Emscripten's abort, and a blown stack (as engines word them). */
const WASM_TRAPS =
  /Aborted\(|RuntimeError|unreachable|memory access out of bounds|divide by zero|remainder by zero|integer overflow|float unrepresentable|table index is out of bounds|null function|function signature mismatch|call stack|stack overflow/i;

/** A WebAssembly trap or Emscripten abort anywhere in the error's cause chain. */
export function isWasmCrash(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 8; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof WebAssembly.RuntimeError) return true;
    if (WASM_TRAPS.test(firstLine(x))) return true;
  }
  return false;
}

export async function runCase(bytes: Uint8Array, ctx: CaseContext): Promise<CaseReport> {
  const stages: StageOutcome[] = [];
  const failures: string[] = [];
  const attempt = async (stage: string, fn: () => unknown): Promise<boolean> => {
    try {
      const r = await fn();
      stages.push({ stage, result: typeof r === 'string' ? r : 'ok' });
      return true;
    } catch (e) {
      if (isWasmCrash(e)) failures.push(`${stage}: WebAssembly crash: ${firstLine(e)}`);
      else if (!isEdgeqatError(e)) failures.push(`${stage}: ${(e as Error)?.name ?? typeof e} (not an EdgeqatError): ${firstLine(e)}`);
      else if (/[\r\n]/.test(e.message)) failures.push(`${stage}: error message is not one line`);
      stages.push({ stage, result: isEdgeqatError(e) ? e.code : 'foreign', message: firstLine(e) });
      return false;
    }
  };

  // Two verdicts: for running (every door but inspect) and for reading only (inspect).
  const accepted = await attempt('verify', () => verifyTfliteModel(bytes, ctx.label));
  const readable = await attempt('verify for reading', () => verifyTfliteModel(bytes, ctx.label, { operators: false }));
  if (accepted && !readable) failures.push('verify: accepted for running but not for reading');
  const doors: [string, boolean, boolean][] = [['read', accepted, await attempt('read', () => readTfliteModel(bytes, ctx.label))]];
  writeFileSync(ctx.inspectPath, bytes);
  doors.push(['inspect', readable, await attempt('inspect', () => runInspect(ctx.inspectPath))]);
  for (const engine of ctx.engines) {
    const ok = await attempt(`engine ${engine.name}`, async () => {
      const e = await engine.create(bytes, ctx.label);
      try {
        const n = e.input.shape[0]!;
        const values = n * elementsPerSample(e.input);
        if (values > RUN_LIMIT) return 'loaded';
        e.run(new Float32Array(values), n);
        return 'ran';
      } finally {
        e.dispose();
      }
    });
    // An engine may refuse a verified model (several inputs, int8 I/O…), never the reverse.
    if (ok && !accepted) doors.push([`engine ${engine.name}`, accepted, true]);
  }
  for (const [door, verified, ok] of doors) {
    if (ok && !verified) failures.push(`${door} accepted a file the verifier rejects (an unverified path)`);
    if (!ok && verified) failures.push(`${door} rejected a verified file (a gap in the verifier)`);
  }
  let rawCrash: string | undefined;
  if (ctx.raw) {
    // Not a failure of edgeqat (no door of ours loads models this way): reported separately, with
    // whether the verifier would have stopped the file.
    try {
      stages.push({ stage: 'raw tfjs-tflite', result: await rawTfjsTflite(bytes) });
    } catch (e) {
      rawCrash = `${isWasmCrash(e) ? 'WebAssembly crash' : (e as Error)?.name ?? 'exception'}: ${firstLine(e)}`;
      stages.push({ stage: 'raw tfjs-tflite', result: 'crash', message: rawCrash });
    }
  }
  return { accepted, stages, failures, rawCrash };
}
