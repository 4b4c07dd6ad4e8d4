// Does tfjs-backend-wasm's threaded SIMD build run in Node, give the same results as the default
// single-thread SIMD build, and take less wall time with 2 threads? Runs the `cnn` model's
// convolution kernels at batch 32 (and its dense layer's MatMul) in child processes, one per
// build, alternating builds round by round (the machine is shared): `simd` is the default build,
// `t1`/`tN` the threaded build (EDGEQAT_WASM_THREADS=1/N, toolkit/engine/wasm-threads.ts).
// Per kernel: wall and CPU (process.cpuUsage, all threads) per call, and how far the outputs are
// from the default build's (0 = the same bits).
//
//   npx tsx bench/wasm-threads-probe.ts [--threads 2] [--rounds 3] [--reps 40] [--json]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../toolkit/engine/backend.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { threadCpuNs, threadSplitMs } from './thread-cpu.js';
import { spawnLabelledChild } from './threads-child.js';

interface KernelCase {
  name: string;
  kernel: string;
  inputs: Record<string, number[]>;
  attrs: Record<string, unknown>;
}

// The `cnn` model (toolkit/models/cnn.ts) at batch 32: conv1 5x5x1x16 on 28x28, conv2 3x3x16x32
// on 14x14 (both SAME, stride 1), fc1 1568x64.
const B = 32;
const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined };
export const CNN_KERNEL_CASES: KernelCase[] = [
  { name: 'conv1 forward', kernel: 'Conv2D', inputs: { x: [B, 28, 28, 1], filter: [5, 5, 1, 16] }, attrs: conv },
  { name: 'conv2 forward', kernel: 'Conv2D', inputs: { x: [B, 14, 14, 16], filter: [3, 3, 16, 32] }, attrs: conv },
  { name: 'conv2 input grad', kernel: 'Conv2DBackpropInput', inputs: { dy: [B, 14, 14, 32], filter: [3, 3, 16, 32] }, attrs: { ...conv, inputShape: [B, 14, 14, 16] } },
  { name: 'conv1 filter grad', kernel: 'Conv2DBackpropFilter', inputs: { x: [B, 28, 28, 1], dy: [B, 28, 28, 16] }, attrs: { ...conv, filterShape: [5, 5, 1, 16] } },
  { name: 'conv2 filter grad', kernel: 'Conv2DBackpropFilter', inputs: { x: [B, 14, 14, 16], dy: [B, 14, 14, 32] }, attrs: { ...conv, filterShape: [3, 3, 16, 32] } },
  { name: 'fc1 forward', kernel: 'BatchMatMul', inputs: { a: [1, B, 1568], b: [1, 1568, 64] }, attrs: { transposeA: false, transposeB: false } },
];

interface CaseResult {
  name: string;
  wall_ms: number;
  cpu_ms: number;
  /** CPU of the main thread, and of the busiest other thread (a pool worker when threaded). */
  main_ms: number;
  other_ms: number;
}

interface ChildResult {
  label: string;
  threads: number;
  results: CaseResult[];
  outputsFile: string;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};


async function runChild(label: string, reps: number, outputsFile: string): Promise<ChildResult> {
  await initBackend('wasm');
  const random = mulberry32(7);
  const results: CaseResult[] = [];
  const outputs: Float32Array[] = [];
  const cases = CNN_KERNEL_CASES.map((c) => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([k, shape]) => [k, tf.tensor(Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => random() * 2 - 1), shape)]),
    );
    return { c, inputs, run: () => tf.engine().runKernel(c.kernel, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor };
  });
  // Warm-up of every case first: the threaded build's workers compile and tier up the module in
  // the background for the first ~50 calls (seen in per-thread CPU), and the heap grows.
  for (let i = 0; i < 20; i++) for (const { run } of cases) tf.tidy(() => void run());
  for (const { c, run } of cases) {
    // The kernels are synchronous: when run() returns, the output is written. (Returning the data
    // from tf.tidy would cost more than the kernel: tidy walks a returned typed array key by key.)
    const t0 = threadCpuNs();
    const c0 = cpuMs();
    const w0 = performance.now();
    for (let i = 0; i < reps; i++) tf.tidy(() => void run());
    const wall = (performance.now() - w0) / reps;
    const cpu = (cpuMs() - c0) / reps;
    results.push({ name: c.name, wall_ms: wall, cpu_ms: cpu, ...threadSplitMs(t0, threadCpuNs(), reps) });
    const out = run();
    outputs.push((tf.backend() as BackendWasm).typedArrayFromHeap(out).slice() as Float32Array);
    out.dispose();
  }
  for (const { inputs } of cases) Object.values(inputs).forEach((t) => t.dispose());
  writeFileSync(outputsFile, JSON.stringify(outputs.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('base64'))));
  return { label, threads: label === 'simd' ? 1 : getThreadsCount(), results, outputsFile };
}

function readOutputs(file: string): Float32Array[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as string[]).map((b) => {
    const bytes = Buffer.from(b, 'base64');
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  });
}

/** Largest |a - b| relative to the largest |a|; 0 when the bits are equal. */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return a.length !== b.length ? Infinity : diff / (scale || 1);
}

function spawnChild(label: string, reps: number, dir: string, round: number): ChildResult {
  return spawnLabelledChild<ChildResult>(import.meta.url, label, ['--reps', String(reps), '--out', join(dir, `${label}-${round}.json`)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      reps: { type: 'string', default: '40' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.child) {
    console.log(JSON.stringify(await runChild(values.child, Number(values.reps), values.out!)));
  } else {
    const threads = Number(values.threads);
    const labels = ['simd', 't1', `t${threads}`];
    const dir = mkdtempSync(join(tmpdir(), 'wasm-threads-probe-'));
    const runs: ChildResult[] = [];
    const loads: number[] = [loadavg()[0]];
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const label of labels) runs.push(spawnChild(label, Number(values.reps), dir, round));
      loads.push(loadavg()[0]);
    }
    const reference = readOutputs(runs[0].outputsFile);
    const rows = CNN_KERNEL_CASES.map((c, i) => {
      const row: Record<string, unknown> = { kernel: c.name };
      for (const label of labels) {
        const mine = runs.filter((r) => r.label === label);
        const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        row[`${label} wall`] = median(mine.map((r) => r.results[i].wall_ms)).toFixed(2);
        row[`${label} cpu`] = median(mine.map((r) => r.results[i].cpu_ms)).toFixed(2);
        row[`${label} main/other`] = `${median(mine.map((r) => r.results[i].main_ms)).toFixed(2)}/${median(mine.map((r) => r.results[i].other_ms)).toFixed(2)}`;
        row[`${label} diff`] = Math.max(...mine.map((r) => relativeDiff(reference[i], readOutputs(r.outputsFile)[i]))).toExponential(1);
      }
      return row;
    });
    rmSync(dir, { recursive: true, force: true });
    const summary = { threads_reported: Object.fromEntries(labels.map((l) => [l, runs.find((r) => r.label === l)!.threads])), load_1min: loads.map((l) => l.toFixed(2)), rows };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(`threads reported: ${JSON.stringify(summary.threads_reported)}; 1-min load at each round: ${summary.load_1min.join(', ')}`);
      const cols = Object.keys(rows[0]);
      console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
      for (const r of rows) console.log(`| ${cols.map((k) => r[k]).join(' | ')} |`);
      console.log('wall, CPU (all threads), main/other (CPU of the main thread / of the busiest other thread): ms per call, median over rounds; diff: max |out - simd out| / max |simd out| over rounds (0 = same bits)');
    }
  }
}
