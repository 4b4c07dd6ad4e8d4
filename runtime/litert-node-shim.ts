// What @litertjs/core (LiteRT.js) needs to start its WebAssembly runtime in Node, and nothing more.
//
// How it loads (dist/index.js `loadLiteRt(dir)` → @litertjs/wasm-utils `createWasmLib`): it picks
// `litert_wasm_internal.js` (relaxed SIMD) or `litert_wasm_compat_internal.js`, runs that
// Emscripten script with `importScripts(url)` when that global exists (else through a <script>
// tag), then calls `self.ModuleFactory(self.Module)`. The script detects Node itself and reads the
// .wasm next to it with `require("node:fs")` and `__dirname`: CommonJS names that an ES module
// does not have. So while it loads we provide `self` (the global object) and an `importScripts`
// that evaluates the script inside a function taking `require`, `__dirname` and `__filename`
// (nothing CommonJS leaks into the global scope), and `self.Module` carrying `print`/`printErr` so
// the runtime's log lines go to our sink instead of stdout (where they would corrupt `--json`).
// `Environment.create()` also warns through console.warn that Node has no WebGPU device; that
// warning is routed to the sink as well. Everything is restored when the load ends.
//
// `Module.instantiateWasm` instantiates the .wasm next to the loader script ourselves, to keep the
// instance's exports: LiteRT.js leaks 304 bytes of its 64 KB wasm stack each time it throws out of
// C++ (every refused model), and after about 210 refusals the next load never returns.
// `litertStack()` gives the stack pointer's save/restore exports (their minified names read from
// the loader script) so the engine can undo that.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export type LitertLib = typeof import('@litertjs/core');
export type LitertLogSink = (line: string) => void;

const require = createRequire(import.meta.url);
const g = globalThis as unknown as Record<string, unknown>;
const SHIMMED = ['self', 'importScripts', 'Module'] as const;

/** Default: INFO and WARNING chatter (accelerator registration, no NPU, no WebGPU) is dropped. */
export const defaultLitertLogSink: LitertLogSink = (line) => {
  if (line.trim() !== '' && !/^(INFO|WARNING):/.test(line) && !line.startsWith('Failed to create default WebGPU device')) {
    process.stderr.write(`[litert] ${line}\n`);
  }
};

let logSink: LitertLogSink = defaultLitertLogSink;
let libPromise: Promise<LitertLib> | undefined;

/** Routes the runtime's output; pass null to drop it. Returns the previous sink. */
export function setLitertLogSink(sink: LitertLogSink | null): LitertLogSink {
  const previous = logSink;
  logSink = sink ?? (() => {});
  return previous;
}

export function litertWasmDir(): string {
  // "exports" is not restricted to "." in @litertjs/core, but package.json is not exported either:
  // resolve the main entry (dist/index.js) and go up.
  return path.join(path.dirname(require.resolve('@litertjs/core')), '..', 'wasm');
}

/** Evaluates an Emscripten loader script with CommonJS names in scope; returns its ModuleFactory. */
export function evaluateLoaderScript(file: string): unknown {
  const source = readFileSync(file, 'utf8');
  const wrapped = `(function (require, __dirname, __filename) {\n${source}\n;return typeof ModuleFactory === 'undefined' ? undefined : ModuleFactory;\n})`;
  const fn = vm.runInThisContext(wrapped, { filename: file }) as (r: NodeRequire, d: string, f: string) => unknown;
  return fn(require, path.dirname(file), file);
}

let loaderScript: string | undefined;

function importScripts(...urls: string[]): void {
  for (const url of urls) {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    if (!path.isAbsolute(file)) throw new Error(`importScripts: only local files are supported, got ${url}`);
    loaderScript = file;
    g.ModuleFactory = evaluateLoaderScript(file);
  }
}

export interface LitertStack {
  save(): number;
  restore(pointer: number): void;
}

let stack: LitertStack | undefined;

/** The wasm stack pointer of the loaded runtime, when its exports could be found (see the header). */
export function litertStack(): LitertStack | undefined {
  return stack;
}

/** Module.instantiateWasm: the loader script's own .wasm, keeping the stack exports. */
function instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object {
  const script = loaderScript;
  if (!script) throw new Error('LiteRT.js: wasm requested before its loader script ran');
  const source = readFileSync(script, 'utf8');
  const exportName = (fn: string) => new RegExp(`\\b${fn} = wasmExports\\["(\\w+)"\\]`).exec(source)?.[1];
  const [get, restore] = [exportName('_emscripten_stack_get_current'), exportName('__emscripten_stack_restore')];
  // Synchronous, so that a failure throws into the loader's promise instead of leaving it pending.
  const module = new WebAssembly.Module(readFileSync(script.replace(/\.js$/, '.wasm')));
  const instance = new WebAssembly.Instance(module, imports);
  const e = instance.exports as Record<string, unknown>;
  const [getFn, restoreFn] = [get && e[get], restore && e[restore]];
  if (typeof getFn === 'function' && typeof restoreFn === 'function') {
    stack = { save: () => (getFn as () => number)(), restore: (p) => (restoreFn as (p: number) => void)(p) };
  }
  done(instance, module);
  return {};
}

/** Runs `fn` with the globals installed (and console.warn routed to the sink); restores them after. */
export async function withLitertShim<T>(fn: () => Promise<T>): Promise<T> {
  const saved = new Map(SHIMMED.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  const define = (key: string, value: unknown) => Object.defineProperty(globalThis, key, { value, writable: true, configurable: true, enumerable: false });
  define('self', globalThis);
  define('importScripts', importScripts);
  define('Module', { print: (line: string) => logSink(String(line)), printErr: (line: string) => logSink(String(line)), instantiateWasm });
  const warn = console.warn;
  console.warn = (...args: unknown[]) => logSink(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  try {
    return await fn();
  } finally {
    console.warn = warn;
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete g[key];
    }
    delete g.ModuleFactory; // left as undefined by createWasmLib
  }
}

/**
 * Imports LiteRT.js and starts its wasm runtime once per process (memoized; a failure may be
 * retried). The single-threaded build is used (threads need Web Workers).
 */
export function loadLitert(): Promise<LitertLib> {
  if (libPromise) return libPromise;
  libPromise = withLitertShim(async () => {
    const lib = (await import('@litertjs/core')) as LitertLib;
    await lib.loadLiteRt(litertWasmDir() + path.sep);
    return lib;
  });
  libPromise.catch(() => {
    libPromise = undefined;
  });
  return libPromise;
}
