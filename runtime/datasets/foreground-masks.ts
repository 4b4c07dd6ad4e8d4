// Per-pixel labels for a segmentation model on an image set: every pixel at or above `threshold`
// (of 255) is foreground (1), every other pixel background (0) — MNIST digits' strokes as a mask.
// The labels are a threshold of the raw input itself, so a model that learns them shows that a
// per-pixel network trains, exports and runs the same on every engine, not segmentation skill.
// Derived from the raw pixels: needs a split that keeps them (the IDX sources do). Node built-ins only.
import { EdgeqatError } from '../errors.js';
import type { Split } from './dataset.js';

/** The default foreground threshold: half of the 0..255 range. */
export const FOREGROUND_THRESHOLD = 128;

/** Class names of the mask labels, in label order. */
export const MASK_CLASSES = ['background', 'foreground'] as const;

/** count × pixelsPerSample labels: 1 where the raw pixel is ≥ threshold, else 0. */
export function foregroundMasks(split: Split, pixelsPerSample: number, count = split.count, threshold = FOREGROUND_THRESHOLD): Uint8Array {
  const pixels = split.pixels;
  if (!pixels) throw new EdgeqatError('E_DATASET', 'foreground masks need the raw pixels of the data set (this source does not keep them)');
  if (!Number.isInteger(count) || count < 0 || pixels.length < count * pixelsPerSample) {
    throw new EdgeqatError('E_DATASET', `foreground masks: ${count} samples of ${pixelsPerSample} pixels need ${count * pixelsPerSample} pixels, the split has ${pixels.length}`);
  }
  const out = new Uint8Array(count * pixelsPerSample);
  for (let i = 0; i < out.length; i++) out[i] = pixels[i]! >= threshold ? 1 : 0;
  return out;
}
