// Browser globals that @tensorflow/tfjs-tflite needs while it loads its WebAssembly runtime in Node.
//
// How the package loads (dist/tf-tflite.node.js, wasm/tflite_web_api_cc_*.js): on the FIRST model
// load its EmscriptenModuleLoader sees no `window`, so it acts as a Web Worker. It probes
// `new MessageChannel` (threads) and a SIMD module to pick one of four builds, resolves the loader
// script against `self.location.href`, runs it with `importScripts(url)`, and calls
// `self.tflite_web_api_ModuleFactory(...)`; the Emscripten code then fetches the .wasm next to the
// script with `fetch()` + `WebAssembly.instantiateStreaming`. The module is cached afterwards, so
// the globals only matter during the first `loadTFLiteModel`; they are removed again when it ends.
//
// We hide `MessageChannel` so the single-threaded SIMD build is chosen (the threaded build needs
// real Web Workers), and we wrap the module factory so the wasm's printf output goes to our log
// sink (stderr by default), never to stdout where it would corrupt `--json` output.
//
// Left behind on purpose (cannot be undone, harmless): the globals `tfweb` (tfjs-tflite's closure
// namespace) and `tflite_web_api_ModuleFactory` (a `var` of the Emscripten script).
// Caveat: while installed (~0.2 s for the first load), other Emscripten code that starts up would
// also take Node for a Web Worker; e.g. tfjs-backend-wasm's first `setBackend('wasm')` fails then.
// Do not start it concurrently with the first tfjs-tflite model load (before or after is fine).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

export type TfliteLib = typeof import('@tensorflow/tfjs-tflite');

export interface ShimHandle {
  /** Folder holding tfjs-tflite's wasm builds (what `location` points at). */
  readonly wasmDir: string;
  /** Removes the globals again (once the last overlapping install is restored). */
  restore(): void;
}

/** Receives each line the wasm runtime prints (TFLite INFO/ERROR messages). */
export type TfliteLogSink = (line: string, stream: 'out' | 'err') => void;

const SHIMMED = ['self', 'location', 'importScripts', 'fetch', 'MessageChannel'] as const;
const FACTORY = 'tflite_web_api_ModuleFactory';

const require = createRequire(import.meta.url);
const g = globalThis as unknown as Record<string, unknown>;

/** Default: TFLite's INFO chatter (e.g. "Created TensorFlow Lite XNNPACK delegate") is dropped. */
export const defaultTfliteLogSink: TfliteLogSink = (line) => {
  if (line.trim() !== '' && !line.startsWith('INFO:')) process.stderr.write(`[tflite] ${line}\n`);
};

/**
 * Where the library and its wasm builds come from: node_modules by default. A self-contained deploy
 * bundle (devices/bundle/) has no node_modules; it sets the copy it bundled and its own wasm folder.
 */
export interface TfliteSource {
  wasmDir(): string;
  load(): TfliteLib | Promise<TfliteLib>;
}

const NODE_MODULES_SOURCE: TfliteSource = {
  // The package has no "exports" map, so package.json resolves; wasm/ sits next to it.
  wasmDir: () => path.join(path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json')), 'wasm'),
  // require, not import(): Vite/vitest would resolve the package's "module" entry, an ESM build
  // with extensionless imports that does not load in Node; "main" is the CommonJS Node bundle.
  load: () => require('@tensorflow/tfjs-tflite') as TfliteLib,
};

let source: TfliteSource = NODE_MODULES_SOURCE;
let logSink: TfliteLogSink = defaultTfliteLogSink;
let installs = 0;
let saved: Map<string, PropertyDescriptor | undefined> | undefined;
let libPromise: Promise<TfliteLib> | undefined;

/** Routes the wasm runtime's output; pass null to drop it. Returns the previous sink. */
export function setTfliteLogSink(sink: TfliteLogSink | null): TfliteLogSink {
  const previous = logSink;
  logSink = sink ?? (() => {});
  return previous;
}

/** Replaces where the library comes from (null: node_modules again); call before the first load. */
export function setTfliteSource(next: TfliteSource | null): void {
  source = next ?? NODE_MODULES_SOURCE;
  libPromise = undefined;
}

export function tfliteWasmDir(): string {
  return source.wasmDir();
}

/** Installs the globals (idempotent and counted: nested installs need as many restores). */
export function installTfliteWebShim(): ShimHandle {
  const wasmDir = tfliteWasmDir();
  if (installs++ === 0) {
    saved = new Map(SHIMMED.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
    const originalFetch = typeof g.fetch === 'function' ? (g.fetch as typeof fetch) : undefined;
    const href = pathToFileURL(wasmDir).href + '/';
    define('self', globalThis);
    define('location', { href, origin: 'file://', protocol: 'file:', pathname: new URL(href).pathname });
    define('importScripts', importScripts);
    define('fetch', (input: unknown, init?: RequestInit) => localFetch(input, init, originalFetch));
    delete g.MessageChannel;
  }
  let restored = false;
  return {
    wasmDir,
    restore() {
      if (restored) return;
      restored = true;
      if (--installs > 0 || !saved) return;
      for (const [key, descriptor] of saved) {
        if (descriptor) Object.defineProperty(globalThis, key, descriptor);
        else delete g[key];
      }
      saved = undefined;
    },
  };
}

/** Runs `fn` with the shim installed; restores it afterwards, also on failure. */
export async function withTfliteWebShim<T>(fn: () => Promise<T>): Promise<T> {
  const shim = installTfliteWebShim();
  try {
    return await fn();
  } finally {
    shim.restore();
  }
}

/**
 * Imports tfjs-tflite once (memoized) and pins its wasm feature choice to single-threaded SIMD.
 * Its wasm runtime itself starts on the first model load: wrap that in `withTfliteWebShim`.
 */
export function loadTfliteModule(): Promise<TfliteLib> {
  if (libPromise) return libPromise;
  libPromise = withTfliteWebShim(async () => {
    const lib = await source.load();
    // Cached by the library after the first call, so later loads keep this choice.
    const features = await lib.getWasmFeatures();
    if (features.multiThreading) throw new Error('tfjs-tflite chose its threaded build; MessageChannel was not hidden');
    return lib;
  });
  libPromise.catch(() => {
    libPromise = undefined; // a failed import may be retried
  });
  return libPromise;
}

function define(key: string, value: unknown): void {
  Object.defineProperty(globalThis, key, { value, writable: true, configurable: true, enumerable: false });
}

function toLocalPath(input: unknown): string | undefined {
  const s = input instanceof URL ? input.href : typeof input === 'string' ? input : undefined;
  if (s === undefined) return undefined;
  if (s.startsWith('file:')) return fileURLToPath(s);
  if (path.isAbsolute(s)) return s;
  return undefined;
}

function importScripts(...urls: string[]): void {
  for (const url of urls) {
    const file = toLocalPath(url);
    if (!file) throw new Error(`importScripts: only local files are supported, got ${url}`);
    vm.runInThisContext(readFileSync(file, 'utf8'), { filename: file });
  }
  const factory = g[FACTORY];
  if (typeof factory === 'function' && !(factory as { edgeqatWrapped?: boolean }).edgeqatWrapped) {
    // Emscripten binds Module.print/printErr when the factory runs: give it ours.
    const wrapped = (options: Record<string, unknown> = {}) =>
      (factory as (o: Record<string, unknown>) => unknown)({
        print: (line: string) => logSink(String(line), 'out'),
        printErr: (line: string) => logSink(String(line), 'err'),
        ...options,
      });
    wrapped.edgeqatWrapped = true;
    g[FACTORY] = wrapped;
  }
}

async function localFetch(input: unknown, init: RequestInit | undefined, fallback?: typeof fetch): Promise<Response> {
  const file = toLocalPath(input);
  if (file === undefined) {
    if (!fallback) throw new TypeError('fetch is not available');
    return fallback(input as Parameters<typeof fetch>[0], init);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' });
  }
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
  return new Response(bytes, { status: 200, headers: { 'content-type': type } });
}
