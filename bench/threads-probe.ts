// Can a training step use the second core in Node? Three probes, whose findings are in
// docs/benchmarks.md ("Threads"):
//   stock    @tensorflow/tfjs-backend-wasm's threaded SIMD build forced on in Node, as shipped:
//            prints why it does not initialise.
//   xnnpack  a patched copy of that build (written under .cache/threads-probe/, an experiment that
//            edgeqat never loads) at 1 and 2 XNNPACK threads against the shipped SIMD build: CPU time
//            per call and per thread of the cnn's Conv2D and MatMul shapes at batch 32.
//   own      edgeqat's conv-filter-grad SIMD kernel with its filter rows split between the main
//            thread and one worker over a shared WebAssembly.Memory, against one thread in place;
//            checks that both give the same dW bit for bit.
// bench/threads-step.ts puts the 'own' split into whole cnn training steps.
// CPU time per thread comes from /proc/self/task/*/schedstat (bench/thread-cpu.ts).
//
//   npx tsx bench/threads-probe.ts [--probes stock,xnnpack,own] [--calls 200]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import wabtInit from 'wabt';
import { validOutRange } from '../toolkit/engine/kernels/wasm-backprop/conv-geometry.js';
import { threadCpuNs } from './thread-cpu.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js'));

/** CPU ms of each thread of this process so far. */
export function threadCpuMs(): Map<string, number> {
  return new Map([...threadCpuNs()].map(([tid, ns]) => [tid, ns / 1e6]));
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  mainMs: number;
  othersMs: number;
}

/** Per-call wall, process CPU, and CPU of the main thread and of all other threads. */
function timeCalls(calls: number, fn: () => void): Timing {
  for (let i = 0; i < 5; i++) fn();
  const k0 = threadCpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const k1 = threadCpuMs();
  const main = String(process.pid);
  let others = 0;
  for (const [tid, ms] of k1) if (tid !== main) others += ms - (k0.get(tid) ?? 0);
  return { wallMs: wall / calls, cpuMs: (c.user + c.system) / 1000 / calls, mainMs: (k1.get(main)! - k0.get(main)!) / calls, othersMs: others / calls };
}

const fmt = (t: Timing) => `wall ${t.wallMs.toFixed(2)} ms, CPU ${t.cpuMs.toFixed(2)} ms (main thread ${t.mainMs.toFixed(2)}, other threads ${t.othersMs.toFixed(2)})`;

// ---- stock: the shipped threaded build, forced on ----

async function probeStock(): Promise<string> {
  const tf = require('@tensorflow/tfjs-core');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(2);
  const errors: string[] = [];
  const oldWarn = console.warn;
  const oldErr = console.error;
  console.warn = console.error = (...a: unknown[]) => errors.push(a.map(String).join(' ').split('\n')[0]);
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    errors.push(String((e as Error)?.message ?? e));
  } finally {
    console.warn = oldWarn;
    console.error = oldErr;
  }
  return ok ? `stock threaded build initialised: ${wasm.getThreadsCount()} threads` : `stock threaded build did not initialise: ${errors.join(' | ')}`;
}

// ---- xnnpack: a patched copy of the threaded build ----

/** [what, shipped text, replacement]: each must match exactly once, else the package changed. */
const PATCHES: [string, string, string][] = [
  [
    'worker script as a file, not a blob: URL',
    `                                if (path.endsWith('.worker.js')) {`,
    `                                if (path.endsWith('.worker.js')) {
                                    var wp = __dirname + '/threaded-worker.cjs';
                                    require$$0.writeFileSync(wp, wasmWorkerContents.replace(/\\n/g, '\\\\n'));
                                    return wp;
                                }
                                if (false) {`,
  ],
  [
    'module script as a file with the bundle-local names it uses',
    `                                factoryConfig.mainScriptUrlOrBlob = new Blob(["var WasmBackendModuleThreadedSimd = " +
                                        wasmFactoryThreadedSimd.toString()], { type: 'text/javascript' });`,
    `                                var mp = __dirname + '/threaded-main.cjs';
                                require$$0.writeFileSync(mp, "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os');var __dirname=" + JSON.stringify(__dirname) + ";var commonjsGlobal=globalThis;var WasmBackendModuleThreadedSimd = " + wasmFactoryThreadedSimd.toString());
                                factoryConfig.mainScriptUrlOrBlob = mp;`,
  ],
  [
    'logical cores reported x2 (backend.cc caps the pool at half of them)',
    'return require$$4.cpus().length; return navigator',
    'return 2 * require$$4.cpus().length; return navigator',
  ],
];

function writePatchedCopy(): string {
  const dir = join(repoRoot, '.cache', 'threads-probe');
  mkdirSync(dir, { recursive: true });
  let text = readFileSync(join(wasmDist, 'tf-backend-wasm.node.js'), 'utf8');
  for (const [what, from, to] of PATCHES) {
    if (text.split(from).length !== 2) throw new Error(`patch '${what}' does not apply: @tensorflow/tfjs-backend-wasm is not 4.22.0`);
    text = text.replace(from, () => to);
  }
  writeFileSync(join(dir, 'tf-backend-wasm.node.cjs'), text);
  for (const f of readdirSync(wasmDist).filter((n) => n.endsWith('.wasm'))) writeFileSync(join(dir, f), readFileSync(join(wasmDist, f)));
  return join(dir, 'tf-backend-wasm.node.cjs');
}

/** In a child process: the cnn's XNNPACK ops on the shipped build ('shipped') or the patched one ('threaded:N'). */
async function xnnpackChild(config: string, calls: number): Promise<void> {
  const tf = require('@tensorflow/tfjs-core');
  const threads = config.startsWith('threaded:') ? Number(config.split(':')[1]) : 1;
  const wasm = config !== 'shipped' ? require(join(repoRoot, '.cache', 'threads-probe', 'tf-backend-wasm.node.cjs')) : require('@tensorflow/tfjs-backend-wasm');
  if (config !== 'shipped') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error(`${config}: the wasm backend did not initialise`);
  const x1 = tf.randomNormal([32, 28, 28, 1]);
  const w1 = tf.randomNormal([5, 5, 1, 16]);
  const x2 = tf.randomNormal([32, 14, 14, 16]);
  const w2 = tf.randomNormal([3, 3, 16, 32]);
  const a = tf.randomNormal([32, 1568]);
  const b = tf.randomNormal([1568, 64]);
  const ops: [string, () => { dataSync(): unknown; dispose(): void }][] = [
    ['Conv2D conv1 (28x28x1 -> 16, 5x5)', () => tf.conv2d(x1, w1, 1, 'same')],
    ['Conv2D conv2 (14x14x16 -> 32, 3x3)', () => tf.conv2d(x2, w2, 1, 'same')],
    ['MatMul fc1 (32x1568 . 1568x64)', () => tf.matMul(a, b)],
  ];
  const lines = [`${config === 'shipped' ? 'shipped SIMD build' : 'threaded build (patched copy)'}, XNNPACK threads: ${wasm.getThreadsCount()}`];
  for (const [name, op] of ops) {
    lines.push(`  ${name}: ${fmt(timeCalls(calls, () => { const r = op(); r.dataSync(); r.dispose(); }))}`);
  }
  console.log(lines.join('\n'));
  process.exit(0); // the pthread workers would keep the process alive
}

function probeXnnpack(calls: number): string {
  writePatchedCopy();
  const out: string[] = [];
  for (const config of ['shipped', 'threaded:1', 'threaded:2', 'shipped', 'threaded:2']) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', config, '--calls', String(calls)], { encoding: 'utf8', timeout: 300_000 });
    out.push(r.status === 0 ? r.stdout.trim() : `${config}: failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  }
  return out.join('\n');
}

// ---- own: conv-filter-grad split over filter rows between the main thread and a worker ----

/** A worker that runs conv_filter_grad with the arguments in control[8..25) each time control[0] changes. */
export const FILTER_GRAD_WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
let seq = 0;
for (;;) {
  Atomics.wait(control, 0, seq);
  seq = Atomics.load(control, 0);
  if (seq < 0) break;
  kernel.conv_filter_grad(...control.subarray(8, 25));
  Atomics.store(control, 1, seq);
  Atomics.notify(control, 1);
}`;

interface Geometry {
  batch: number;
  size: number; // square input and output, stride 1, 'same' padding
  ci: number;
  co: number;
  f: number;
}

/**
 * conv-filter-grad.wat compiled as is and as a variant importing a shared memory of `pages` pages
 * (initial and maximum: the variant must match the memory it is given).
 */
export async function filterGradModules(pages: number, maxPages = pages): Promise<{ plainModule: WebAssembly.Module; sharedModule: WebAssembly.Module }> {
  const wabt = await wabtInit();
  const wat = readFileSync(join(repoRoot, 'toolkit/engine/kernels/simd/conv-filter-grad.wat'), 'utf8');
  const compile = (text: string, shared: boolean) => {
    const m = wabt.parseWat('conv-filter-grad.wat', text, { simd: true, threads: shared });
    if (!shared) m.validate(); // wabt's validator rejects shared memories whatever the features; V8 checks below
    const bytes = new Uint8Array(m.toBinary({}).buffer);
    m.destroy();
    return new WebAssembly.Module(bytes);
  };
  const importLine = '(import "env" "memory" (memory 1))';
  if (!wat.includes(importLine)) throw new Error('conv-filter-grad.wat no longer imports its memory as expected');
  return { plainModule: compile(wat, false), sharedModule: compile(wat.replace(importLine, `(import "env" "memory" (memory ${pages} ${maxPages} shared))`), true) };
}

async function probeOwn(calls: number): Promise<string> {
  const pages = 256; // 16 MB: room for the cnn's tensors at batch 32
  const { plainModule, sharedModule } = await filterGradModules(pages);
  const plainMemory = new WebAssembly.Memory({ initial: pages });
  const sharedMemory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  type Kernel = { conv_filter_grad(...a: number[]): void };
  const plain = new WebAssembly.Instance(plainModule, { env: { memory: plainMemory } }).exports as unknown as Kernel;
  const shared = new WebAssembly.Instance(sharedModule, { env: { memory: sharedMemory } }).exports as unknown as Kernel;
  const control = new Int32Array(new SharedArrayBuffer(32 * 4));
  const worker = new Worker(FILTER_GRAD_WORKER, { eval: true, workerData: { module: sharedModule, memory: sharedMemory, control } });
  let seq = 0;
  const lines: string[] = [];
  try {
    for (const [name, g] of [
      ['dW of cnn conv1 [5,5,1,16], batch 32', { batch: 32, size: 28, ci: 1, co: 16, f: 5 }],
      ['dW of cnn conv2 [3,3,16,32], batch 32', { batch: 32, size: 14, ci: 16, co: 32, f: 3 }],
    ] as [string, Geometry][]) {
      const pad = (g.f - 1) >> 1;
      const nx = g.batch * g.size * g.size * g.ci;
      const ndy = g.batch * g.size * g.size * g.co;
      const ndw = g.f * g.f * g.ci * g.co;
      const X = 1024;
      const DY = X + nx * 4;
      const DW = DY + ndy * 4;
      const DW2 = DW + ndw * 4;
      const RA = DW2 + ndw * 4;
      const RB = RA + 512;
      let s = 1;
      const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
      new Float32Array(plainMemory.buffer, X, nx + ndy).forEach((_, i, a) => (a[i] = rand()));
      // Filter rows [h0, h1): padT shifted by h0, dW advanced by h0 rows, own range table.
      const args = (ranges: number, dw: number, h0: number, h1: number) => [X, DY, dw + h0 * g.f * g.ci * g.co * 4, g.batch, g.size, g.size, g.ci, g.size, g.size, g.co, 1, 1, h1 - h0, g.f, pad - h0, pad, ranges];
      const writeRanges = (memory: WebAssembly.Memory, at: number, h0: number, h1: number) => {
        const r = new Int32Array(memory.buffer, at, 2 * (h1 - h0 + g.f));
        for (let k = h0; k < h1; k++) r.set(validOutRange(k, 1, pad, g.size, g.size), 2 * (k - h0));
        for (let k = 0; k < g.f; k++) r.set(validOutRange(k, 1, pad, g.size, g.size), 2 * (h1 - h0 + k));
      };
      const split = Math.ceil(g.f / 2);
      const one = () => {
        writeRanges(plainMemory, RA, 0, g.f);
        plain.conv_filter_grad(...args(RA, DW, 0, g.f));
      };
      const two = () => {
        // The backend's heap is not shared: x and dy are copied in, the worker's dW rows copied out.
        new Float32Array(sharedMemory.buffer, X, nx + ndy).set(new Float32Array(plainMemory.buffer, X, nx + ndy));
        writeRanges(sharedMemory, RB, split, g.f);
        control.set(args(RB, DW, split, g.f), 8);
        Atomics.store(control, 0, ++seq);
        Atomics.notify(control, 0);
        writeRanges(sharedMemory, RA, 0, split);
        shared.conv_filter_grad(...args(RA, DW, 0, split));
        while (Atomics.load(control, 1) !== seq) Atomics.wait(control, 1, Atomics.load(control, 1));
        new Float32Array(plainMemory.buffer, DW2, ndw).set(new Float32Array(sharedMemory.buffer, DW, ndw));
      };
      one();
      two();
      const a = new Uint32Array(plainMemory.buffer, DW, ndw);
      const b = new Uint32Array(plainMemory.buffer, DW2, ndw);
      const same = a.every((v, i) => v === b[i]);
      lines.push(`${name}, filter rows ${split} on the main thread / ${g.f - split} on the worker; dW bit-identical: ${same}`);
      for (const [label, fn] of [['1 thread ', one], ['2 threads', two], ['1 thread ', one], ['2 threads', two]] as [string, () => void][]) {
        lines.push(`  ${label}: ${fmt(timeCalls(calls, fn))}`);
      }
    }
  } finally {
    Atomics.store(control, 0, -1);
    Atomics.notify(control, 0);
    await worker.terminate();
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      probes: { type: 'string', default: 'stock,xnnpack,own' },
      calls: { type: 'string', default: '200' },
      child: { type: 'string' },
    },
  });
  const calls = Number(values.calls);
  if (values.child) {
    await xnnpackChild(values.child, calls);
  } else {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`threads probe, ${calls} calls per figure; load average at start: ${load}`);
    const probes = values.probes.split(',');
    // 'stock' leaves a failed wasm backend behind in this process: run it last.
    if (probes.includes('own')) console.log(`\n## own kernel on a worker\n${await probeOwn(calls * 3)}`);
    if (probes.includes('xnnpack')) console.log(`\n## XNNPACK threads\n${probeXnnpack(calls)}`);
    if (probes.includes('stock')) console.log(`\n## stock threaded build in Node\n${await probeStock()}`);
    console.log(`\nload average at end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    process.exit(0);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
