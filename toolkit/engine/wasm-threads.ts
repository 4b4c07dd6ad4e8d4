// Opt-in: tfjs-backend-wasm 4.22's threaded SIMD build in Node, so XNNPACK's pthreadpool kernels
// (Conv2D, BatchMatMul, ...) use more than one core. The backend never picks that build in Node
// (its WASM_HAS_MULTITHREAD_SUPPORT flag is false there), and forcing the flag alone fails: the
// Emscripten glue starts its pthread workers from `blob:` URLs, which Node's worker_threads
// rejects (ERR_WORKER_PATH). What it takes, and what it measured: docs/training-speed.md "Threads".
//
// How: while the backend initialises, `Blob` is a stand-in that writes its text to a file and
// `URL.createObjectURL` returns that file's path, so the glue's `new Worker(url)` gets a path; the
// worker script gets a prelude that does the same for the module source the glue posts to each
// worker, and defines the few module-scope names of the node bundle (`require$$0`, ...) that the
// posted source refers to (it is the factory function's text, cut out of its bundle).
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { EdgeqatError } from '../../runtime/errors.js';

/** Threads asked for in the environment (EDGEQAT_WASM_THREADS), or 0 for the default build. */
export function wasmThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.EDGEQAT_WASM_THREADS;
  if (text === undefined || text === '') return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new EdgeqatError('E_OPTION', `EDGEQAT_WASM_THREADS must be a positive integer, not '${text}'`);
  return n;
}

// Runs first in each worker (and again, harmlessly, when the worker evaluates the module source).
// In the node bundle of tfjs-backend-wasm 4.22 the factory refers to fs, path, perf_hooks and os as
// require$$0/1/3/4 and to the global object as commonjsGlobal.
const WORKER_PRELUDE = `if (!globalThis.__edgeqatWasmThreads) {
  globalThis.__edgeqatWasmThreads = true;
  globalThis.require$$0 = require('fs');
  globalThis.require$$1 = require('path');
  globalThis.require$$3 = require('perf_hooks');
  globalThis.require$$4 = require('os');
  globalThis.commonjsGlobal = globalThis;
  const createObjectURL = URL.createObjectURL;
  const revokeObjectURL = URL.revokeObjectURL;
  URL.createObjectURL = (blob) => (typeof blob?.path === 'string' ? blob.path : createObjectURL.call(URL, blob));
  URL.revokeObjectURL = (url) => (url.startsWith('blob:') ? revokeObjectURL.call(URL, url) : undefined);
}
`;

let scriptDir: string | null = null;
let scriptCount = 0;

function newScriptPath(): string {
  if (scriptDir === null) {
    const dir = mkdtempSync(join(tmpdir(), 'edgeqat-wasm-threads-'));
    scriptDir = dir;
    // Workers may load the module source at any time while the process lives.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(scriptDir, `script-${scriptCount++}.cjs`);
}

/**
 * A `Blob` whose text is in a file: structured clone (postMessage to a worker) keeps its own
 * `path`, and the shimmed `URL.createObjectURL` on either side returns that path.
 */
class FileBlob {
  readonly path: string;
  constructor(parts: unknown[]) {
    this.path = newScriptPath();
    writeFileSync(this.path, WORKER_PRELUDE + parts.map(String).join(''));
  }
}

/**
 * Runs `init` with the Blob/URL stand-ins installed and `os.cpus()` at least `2 * threads` long;
 * restores the originals after. The build caps its pool at half the logical cores (it assumes two
 * hardware threads per core: tfjs-backend-wasm src/cc/backend.cc, init_with_threads_count), read
 * once from os.cpus() when the module starts: on a 2-core machine that is one thread.
 */
async function withThreadedInitShims<R>(threads: number, init: () => Promise<R>): Promise<R> {
  const savedBlob = globalThis.Blob;
  const savedCreate = URL.createObjectURL;
  const savedCpus = os.cpus;
  globalThis.Blob = FileBlob as unknown as typeof Blob;
  URL.createObjectURL = (blob: Parameters<typeof URL.createObjectURL>[0]) => (blob instanceof FileBlob ? blob.path : savedCreate.call(URL, blob));
  os.cpus = () => {
    const cpus = savedCpus.call(os);
    while (cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };
  try {
    return await init();
  } finally {
    globalThis.Blob = savedBlob;
    URL.createObjectURL = savedCreate;
    os.cpus = savedCpus;
  }
}

/**
 * Initialises the 'wasm' backend on the threaded SIMD build with `threads` threads (the caller's
 * thread included; the build allows 8 at most). Must run before anything else initialises 'wasm'.
 * Returns the count XNNPACK reports.
 */
export async function initThreadedWasm(threads: number): Promise<number> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const ok = await withThreadedInitShims(threads, async () => {
    const set = await tf.setBackend('wasm');
    await tf.ready();
    return set;
  });
  if (!ok) throw new EdgeqatError('E_ENGINE', 'the threaded wasm backend (EDGEQAT_WASM_THREADS) failed to initialise');
  // The glue refs a worker while it runs a pthread; XNNPACK's pool threads never end, so the
  // process would never exit.
  const pthreads = (tf.backend() as unknown as { wasm: { PThread?: EmscriptenPThreads } }).wasm.PThread;
  for (const worker of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) worker.unref();
  return getThreadsCount();
}

interface EmscriptenPThreads {
  runningWorkers: Worker[];
  unusedWorkers: Worker[];
}
