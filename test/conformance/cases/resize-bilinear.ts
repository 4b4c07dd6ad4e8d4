// RESIZE_BILINEAR: half-pixel centers (Keras UpSampling2D(interpolation='bilinear') and
// tf.image.resize), legacy and align_corners coordinates, up- and downsampling, integer and
// non-integer ratios.
import { Rng, type ConformanceCase } from '../build.js';
import { resizeCase, resizeSpecs } from './resize.js';

export function resizeBilinearCases(): ConformanceCase[] {
  const rng = new Rng(22);
  return resizeSpecs().map((s) => resizeCase('RESIZE_BILINEAR', rng, s));
}
