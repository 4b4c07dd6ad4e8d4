// RESIZE_NEAREST_NEIGHBOR: the same geometries as RESIZE_BILINEAR (half-pixel centers, legacy,
// align_corners; up- and downsampling, integer and non-integer ratios).
import { Rng, type ConformanceCase } from '../build.js';
import { resizeCase, resizeSpecs } from './resize.js';

export function resizeNearestNeighborCases(): ConformanceCase[] {
  const rng = new Rng(23);
  return resizeSpecs().map((s) => resizeCase('RESIZE_NEAREST_NEIGHBOR', rng, s));
}
