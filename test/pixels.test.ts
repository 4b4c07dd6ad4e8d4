// Per-channel pixel normalisation (runtime/datasets/pixels.ts) and its stored forms: one number per
// statistic in run.json files and models from before colour inputs, arrays since.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeImages, pixelStats } from '../runtime/datasets/datasets.js';
import { readRunInfo } from '../toolkit/run-folder.js';

describe('per-channel normalisation', () => {
  // Two RGB pixels, channels last.
  const rgb = Uint8Array.from([0, 255, 51, 255, 0, 153]);

  it('normalises each channel with its own mean and std; one value applies to all', () => {
    const out = normalizeImages(rgb, { mean: [0, 0.5, 0.2], std: [1, 0.5, 0.4] }, 3);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from([0, 1, 0, 1, -1, 1])));
    expect(Array.from(normalizeImages(rgb, { mean: [0.5], std: [0.5] }, 3))).toEqual(Array.from(Float32Array.from([-1, 1, -0.6, 1, -1, 0.2])));
  });

  it('computes statistics per channel', () => {
    const s = pixelStats(rgb, 3);
    expect(s.mean).toEqual([0.5, 0.5, 0.4]);
    expect(s.std.map((x) => Number(x.toFixed(6)))).toEqual([0.5, 0.5, 0.2]);
    // A constant channel gets std 1 (no division by zero).
    expect(pixelStats(Uint8Array.from([7, 7, 7]), 1).std).toEqual([1]);
  });

  it('reads a run.json written before colour inputs (one number each) in the per-channel form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeqat-pixels-'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ model: 'mlp', dataset: 'mnist', options: {}, normalization: { mean: 0.1307, std: 0.3081 } }));
    expect(readRunInfo(dir).normalization).toEqual({ mean: [0.1307], std: [0.3081] });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ model: 'mlp', dataset: 'mnist', options: {}, normalization: { mean: 'x' } }));
    expect(() => readRunInfo(dir)).toThrow(/run\.json: normalization: expected/);
  });
});
