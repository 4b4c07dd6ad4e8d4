// Seeded image augmentation (toolkit/augment/image-augmentation.ts): random crop with padding and horizontal
// flip on real CIFAR-format samples, a pure function of (indices, epoch, step), recorded in run.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { normalizationTable } from '../runtime/datasets/pixels.js';
import { runTrain } from '../toolkit/cli/commands/train.js';
import { imageAugmenter } from '../toolkit/augment/image-augmentation.js';
import { writeCifar10Folder } from '../scripts/make-image-datasets.js';

const root = mkdtempSync(join(tmpdir(), 'edgeqat-augment-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeCifar10Folder(join(root, 'c'), { set: 'mnist', perClass: 4 });
const data = loadDataset(`cifar10:${join(root, 'c')}`);
const train = data.train!;
const per = 32 * 32 * 3;
const indices = Uint32Array.from([3, 0, 17, 25]);

function batch(o: { cropPadding: number; flip: boolean; seed: number }, step: number): Float32Array {
  const out = new Float32Array(indices.length * per);
  imageAugmenter(train.pixels, data.sampleShape, data.normalization, o)(indices, out, { epoch: 0, step });
  return out;
}

describe('image augmentation', () => {
  it('without crop or flip writes exactly the stored inputs', () => {
    const out = batch({ cropPadding: 0, flip: false, seed: 1 }, 5);
    indices.forEach((k, j) => expect(Array.from(out.subarray(j * per, (j + 1) * per))).toEqual(Array.from(train.inputs.subarray(k * per, (k + 1) * per))));
  });

  it('is a pure function of (seed, step, slot) and changes with the step', () => {
    const o = { cropPadding: 4, flip: true, seed: 1 };
    expect(Array.from(batch(o, 7))).toEqual(Array.from(batch(o, 7)));
    expect(Array.from(batch(o, 8))).not.toEqual(Array.from(batch(o, 7)));
  });

  it('flips mirror each row; shifts fill with black (normalised)', () => {
    const stored = (k: number, y: number, x: number, c: number) => train.inputs[k * per + (y * 32 + x) * 3 + c]!;
    let flipped = 0;
    let shifted = 0;
    for (let step = 0; step < 20; step++) {
      const flips = batch({ cropPadding: 0, flip: true, seed: 3 }, step);
      indices.forEach((k, j) => {
        const row = (x: number) => flips[j * per + (16 * 32 + x) * 3 + 1]!;
        const mirrored = Array.from({ length: 32 }, (_, x) => row(x) === stored(k, 16, 31 - x, 1)).every(Boolean);
        const same = Array.from({ length: 32 }, (_, x) => row(x) === stored(k, 16, x, 1)).every(Boolean);
        expect(mirrored || same).toBe(true);
        if (mirrored && !same) flipped++;
      });
      const crops = batch({ cropPadding: 4, flip: false, seed: 3 }, step);
      const black = normalizationTable(data.normalization, 3);
      indices.forEach((_, j) => {
        if ([0, 1, 2].every((c) => crops[j * per + c] === black[c * 256])) shifted++;
      });
    }
    expect(flipped).toBeGreaterThan(10);
    expect(shifted).toBeGreaterThan(10);
  });

  it('train records the augmentation in run.json', async () => {
    const out = join(root, 'run');
    const t = await runTrain({ model: 'mlp', dataset: `cifar10:${join(root, 'c')}`, epochs: 1, batchSize: 8, lr: 0.001, lrSchedule: 'constant', seed: 2, out, backend: 'wasm', quiet: true, cropPadding: 4, flip: true });
    t.model.dispose();
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect([info.options.cropPadding, info.options.flip]).toEqual([4, true]);
  }, 60_000);
});
