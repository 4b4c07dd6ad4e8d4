// Seeded training augmentation for images: random crop with padding (the image shifted by up to
// `padding` pixels each way, uncovered pixels black) and random horizontal flip — the CIFAR recipe
// (MLPerf Tiny's image_classification train.py shifts by 10% and flips). Works on the raw bytes
// and writes model inputs through the data set's own normalisation table, so an unshifted,
// unflipped sample is bit for bit the stored input. A pure function of (seed, epoch, step, slot):
// a resumed run draws the same crops and flips.
import type { Normalization } from '../../runtime/datasets/dataset.js';
import { normalizationTable } from '../../runtime/datasets/pixels.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { mulberry32 } from '../../runtime/seeded-random.js';
import type { TrainData } from '../engine/train.js';

export interface AugmentOptions {
  /** Shift by up to this many pixels in each direction (0: no crop). */
  cropPadding: number;
  flip: boolean;
  seed: number;
}

export function imageAugmenter(pixels: Uint8Array | undefined, shape: readonly number[], normalization: Normalization, o: AugmentOptions): NonNullable<TrainData['fillBatch']> {
  if (!pixels || shape.length !== 3) throw new EdgeqatError('E_OPTION', `--crop-padding and --flip augment images; this data set's samples are [${shape.join(', ')}]${pixels ? '' : ' without raw pixels'}`);
  const [rows, cols, channels] = shape as [number, number, number];
  if (o.cropPadding >= Math.min(rows, cols)) throw new EdgeqatError('E_OPTION', `--crop-padding ${o.cropPadding} must be smaller than the image (${cols}x${rows})`);
  const lut = normalizationTable(normalization, channels);
  const per = rows * cols * channels;
  const span = 2 * o.cropPadding + 1;
  return (indices, out, at) => {
    for (let j = 0; j < indices.length; j++) {
      const rand = mulberry32((o.seed * 1000003 + at.step * 7919 + j * 104729 + 0x5eed) >>> 0);
      const dy = Math.floor(rand() * span) - o.cropPadding;
      const dx = Math.floor(rand() * span) - o.cropPadding;
      const flip = o.flip && rand() < 0.5;
      const src = indices[j]! * per;
      const dst = j * per;
      for (let y = 0; y < rows; y++) {
        const sy = y + dy;
        for (let x = 0; x < cols; x++) {
          const sx = (flip ? cols - 1 - x : x) + dx;
          const inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
          const from = src + (sy * cols + sx) * channels;
          const to = dst + (y * cols + x) * channels;
          for (let c = 0; c < channels; c++) out[to + c] = lut[c * 256 + (inside ? pixels[from + c]! : 0)]!;
        }
      }
    }
  };
}
