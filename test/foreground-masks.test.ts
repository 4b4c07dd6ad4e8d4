// Foreground-mask labels (runtime/datasets/foreground-masks.ts) on the real MNIST test split: one
// label per raw pixel at the threshold, and one-line errors for splits that cannot give them.
import { describe, expect, it } from 'vitest';
import { isEdgeqatError } from '../runtime/errors.js';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { FOREGROUND_THRESHOLD, foregroundMasks } from '../runtime/datasets/foreground-masks.js';

describe('foreground masks', () => {
  const test = loadDataset('mnist', { split: 'test' }).test!;

  it('label 1 exactly where the raw pixel is at or above the threshold', () => {
    const masks = foregroundMasks(test, 784, 100);
    expect(masks).toHaveLength(78_400);
    let foreground = 0;
    for (let i = 0; i < masks.length; i++) {
      expect(masks[i]).toBe(test.pixels![i]! >= FOREGROUND_THRESHOLD ? 1 : 0);
      foreground += masks[i]!;
    }
    // MNIST digits cover roughly a tenth of the image.
    expect(foreground / masks.length).toBeGreaterThan(0.05);
    expect(foreground / masks.length).toBeLessThan(0.25);
    expect(Array.from(foregroundMasks(test, 784, 1, 0))).toEqual(Array(784).fill(1));
  });

  it('a split without raw pixels, or fewer pixels than asked for: one E_DATASET line', () => {
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(isEdgeqatError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(errorOf(() => foregroundMasks({ ...test, pixels: undefined }, 784))).toBe('foreground masks need the raw pixels of the data set (this source does not keep them)');
    expect(errorOf(() => foregroundMasks(test, 784, 10_001))).toBe('foreground masks: 10001 samples of 784 pixels need 7840784 pixels, the split has 7840000');
  });
});
