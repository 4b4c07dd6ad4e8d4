// Per-pixel labels for segmenting a labelled image set (MNIST digits): every pixel at or above
// `threshold` (of 255) is foreground and labelled 1 + the image's class, every other pixel 0
// (background). A segmentation model therefore has numClasses + 1 classes per pixel and must both
// find the digit's strokes and recognise the digit. Derived from the raw pixels, so it needs a
// split that has them (the IDX sources do). Node built-ins only.
import { EdgeqatError } from '../errors.js';
import type { Split } from './dataset.js';

/** The default foreground threshold: half of the 0..255 range. */
export const DIGIT_MASK_THRESHOLD = 128;

/** count × pixelsPerSample labels (0 background, 1 + class foreground). */
export function digitMasks(split: Split, pixelsPerSample: number, threshold = DIGIT_MASK_THRESHOLD, count = split.count): Uint8Array {
  const pixels = split.pixels;
  if (!pixels) throw new EdgeqatError('E_DATASET', 'digit masks need the raw pixels of the data set (this source does not keep them)');
  if (pixels.length < count * pixelsPerSample) {
    throw new EdgeqatError('E_DATASET', `digit masks: ${count} samples of ${pixelsPerSample} pixels need ${count * pixelsPerSample} pixels, the split has ${pixels.length}`);
  }
  const out = new Uint8Array(count * pixelsPerSample);
  for (let i = 0; i < count; i++) {
    const foreground = 1 + split.labels[i]!;
    const at = i * pixelsPerSample;
    for (let p = 0; p < pixelsPerSample; p++) out[at + p] = pixels[at + p]! >= threshold ? foreground : 0;
  }
  return out;
}
