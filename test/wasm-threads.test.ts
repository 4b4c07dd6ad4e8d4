// The opt-in threaded wasm build (EDGEQAT_WASM_THREADS, toolkit/engine/wasm-threads.ts): it starts
// in Node with the threads asked for, edgeqat's in-place SIMD kernels link to its shared memory,
// and cnn QAT steps on MNIST give the default build's losses and weights bit for bit. This file's
// process runs the threaded build; the default build runs in a child process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmThreadsFromEnv } from '../toolkit/engine/wasm-threads.js';
import { backendMemory, heapModule } from '../toolkit/engine/kernels/wasm-backprop/heap-module.js';
import { convFilterGradSharedWasm, convFilterGradWasm } from '../toolkit/engine/kernels/simd/generated/conv-filter-grad-wasm.js';
import { runChild, type ChildResult } from '../bench/wasm-threads-step.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repoRoot = join(import.meta.dirname, '..');

describe('EDGEQAT_WASM_THREADS', () => {
  it('is a positive integer or unset', () => {
    expect(wasmThreadsFromEnv({})).toBe(0);
    expect(wasmThreadsFromEnv({ EDGEQAT_WASM_THREADS: '' })).toBe(0);
    expect(wasmThreadsFromEnv({ EDGEQAT_WASM_THREADS: '2' })).toBe(2);
    expect(() => wasmThreadsFromEnv({ EDGEQAT_WASM_THREADS: '0' })).toThrow(/positive integer/);
    expect(() => wasmThreadsFromEnv({ EDGEQAT_WASM_THREADS: 'two' })).toThrow(/positive integer/);
  });

  it('runs cnn QAT on 2 threads with the default build\'s losses and weights', async () => {
    process.env.EDGEQAT_WASM_THREADS = '2';
    const threaded = await runChild('t2', 1);
    expect(threaded.threads).toBe(2);
    expect(getThreadsCount()).toBe(2);

    const backend = tf.backend() as BackendWasm;
    expect(backendMemory(backend).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(heapModule(backend, convFilterGradWasm)).toBeNull(); // a non-shared import cannot link
    expect(heapModule(backend, convFilterGradWasm, convFilterGradSharedWasm)).not.toBeNull();

    const child = await spawnAsync(process.execPath, ['--import', 'tsx', 'bench/wasm-threads-step.ts', '--child', 'simd', '--steps', '1'], {
      cwd: repoRoot,
      env: { ...process.env, EDGEQAT_WASM_THREADS: '' },
    });
    expect(child.stderr).toBe('');
    const single = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
    expect(single.threads).toBe(1);
    expect(threaded.losses_sha).toBe(single.losses_sha);
    expect(threaded.weights_sha).toBe(single.weights_sha);
    expect(threaded.last_loss).toBeLessThan(2.3); // it learned something in 12 steps
  });
});
