// Whole `cnn` QAT training steps (batch 32, MNIST's first training batches) on the default wasm
// build against the threaded build (EDGEQAT_WASM_THREADS=N, toolkit/engine/wasm-threads.ts), each
// in its own child process, alternating round by round (the machine is shared). Checks that the
// first 12 steps give the same losses and weights bit for bit, then times steps: wall, process CPU
// (all threads), CPU of the main thread and of the busiest other thread, per step. Labels: `simd`
// (default build), `tN` (threaded, N threads), `tNs` (the same plus the bench-only split
// Conv2DBackpropFilter of split-filter-grad.ts).
//
//   npx tsx bench/wasm-threads-step.ts [--threads 2 | --labels simd,t2,t1s,t2s] [--rounds 4] [--steps 100]
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { BATCH, cnnQatSteps } from './cnn-qat-steps.js';
import { installSplitFilterGrad } from './split-filter-grad.js';
import { threadCpuNs, threadSplitMs } from './thread-cpu.js';
import { spawnLabelledChild } from './threads-child.js';

const CHECKED_STEPS = 12;

export interface ChildResult {
  label: string;
  threads: number;
  /** sha256 of the losses and of all weights after CHECKED_STEPS steps. */
  losses_sha: string;
  weights_sha: string;
  last_loss: number;
  wall_ms: number;
  cpu_ms: number;
  main_ms: number;
  other_ms: number;
}

/** `steps` timed steps after 40 untimed ones, of which the first 12 are checked (hashes). */
export async function runChild(label: string, steps: number): Promise<ChildResult> {
  await initBackend('wasm');
  if (/^t\d+s$/.test(label)) installSplitFilterGrad();
  const mnist = loadDataset('mnist', { split: 'train' }).train!;
  const { optimizer, varList, losses, step } = cnnQatSteps(mnist);
  for (let k = 0; k < CHECKED_STEPS; k++) step(k);
  const weights = createHash('sha256');
  for (const v of varList) weights.update(new Uint8Array((v.dataSync() as Float32Array).slice().buffer));
  const lossesSha = createHash('sha256').update(new Uint8Array(Float32Array.from(losses).buffer)).digest('hex');
  // More untimed steps: the threaded build's workers compile and tier up the module meanwhile.
  for (let k = CHECKED_STEPS; k < 40; k++) step(k);
  const t0 = threadCpuNs();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let k = 0; k < steps; k++) step(k);
  const wall = (performance.now() - w0) / steps;
  const c = process.cpuUsage(c0);
  const split = threadSplitMs(t0, threadCpuNs(), steps);
  optimizer.dispose();
  return {
    label,
    threads: label === 'simd' ? 1 : getThreadsCount(),
    losses_sha: lossesSha.slice(0, 16),
    weights_sha: weights.digest('hex').slice(0, 16),
    last_loss: losses[CHECKED_STEPS - 1],
    wall_ms: wall,
    cpu_ms: (c.user + c.system) / 1000 / steps,
    ...split,
  };
}

function spawnChild(label: string, steps: number): ChildResult {
  return spawnLabelledChild<ChildResult>(import.meta.url, label, ['--steps', String(steps)]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      threads: { type: 'string', default: '2' },
      labels: { type: 'string' },
      rounds: { type: 'string', default: '4' },
      steps: { type: 'string', default: '100' },
    },
  });
  if (values.child) {
    console.log(JSON.stringify(await runChild(values.child, Number(values.steps))));
  } else {
    const labels = values.labels?.split(',') ?? ['simd', `t${values.threads}`];
    console.log(`cnn QAT, batch ${BATCH}, MNIST, ${values.steps} timed steps per run; ms per step`);
    console.log('| round | build | threads | 1-min load | wall | CPU (all threads) | main thread | busiest other thread | losses / weights sha256 (12 steps) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const label of labels) {
        const load = loadavg()[0].toFixed(2);
        const r = spawnChild(label, Number(values.steps));
        const f = (x: number) => x.toFixed(1);
        console.log(`| ${round} | ${label} | ${r.threads} | ${load} | ${f(r.wall_ms)} | ${f(r.cpu_ms)} | ${f(r.main_ms)} | ${f(r.other_ms)} | ${r.losses_sha} / ${r.weights_sha} |`);
      }
    }
  }
}
