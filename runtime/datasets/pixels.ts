// Pixel normalisation shared by the image sources: model input = (pixel/255 - mean)/std.
import { EdgeqatError } from '../errors.js';
import type { Normalization } from './dataset.js';

/** (pixel/255 - mean)/std through a 256-entry table: one load and one store per pixel. */
export function normalizeImages(pixels: Uint8Array, { mean, std }: Normalization): Float32Array {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
  const out = new Float32Array(pixels.length);
  const n = pixels.length;
  for (let i = 0; i < n; i++) out[i] = lut[pixels[i]!]!;
  return out;
}

/** Mean and (population) std of pixel/255, from a 256-bin histogram. */
export function pixelStats(pixels: Uint8Array): Normalization {
  const hist = new Float64Array(256);
  const n = pixels.length;
  for (let i = 0; i < n; i++) hist[pixels[i]!]!++;
  let sum = 0;
  let sumSq = 0;
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    sum += hist[v]! * x;
    sumSq += hist[v]! * x * x;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  // A blank image set would divide by zero; 1 keeps values finite and equal to (x - mean).
  return { mean, std: std > 0 ? std : 1 };
}

export function checkNormalization(spec: string, { mean, std }: Normalization): void {
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
    throw new EdgeqatError('E_OPTION', `${spec}: normalization needs a finite mean and std > 0, got mean ${mean}, std ${std}`);
  }
}
