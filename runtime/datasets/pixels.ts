// Pixel normalisation shared by the image sources, per channel (channels last):
// model input = (pixel/255 - mean[c])/std[c]; a one-value mean/std applies to every channel.
import { EdgeqatError } from '../errors.js';
import type { Normalization } from './dataset.js';

/** Normalisation with `channels` values (a one-value entry repeated). */
export function perChannel(n: Normalization, channels: number): Normalization {
  const widen = (v: number[]) => (v.length === channels ? v : Array.from({ length: channels }, () => v[0]!));
  return { mean: widen(n.mean), std: widen(n.std) };
}

/**
 * The normalised value of each byte, channel by channel: `channels` tables of 256 float32 values.
 * Every path (data sets, bundles, int8 inputs from bytes) goes through this table, so they agree
 * to the bit.
 */
export function normalizationTable(n: Normalization, channels: number): Float32Array {
  const { mean, std } = perChannel(n, channels);
  const lut = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  return lut;
}

/** (pixel/255 - mean[c])/std[c] through a lookup table: one load and one store per value. */
export function normalizeImages(pixels: Uint8Array, n: Normalization, channels = 1): Float32Array {
  const lut = normalizationTable(n, channels);
  const out = new Float32Array(pixels.length);
  const len = pixels.length;
  if (channels === 1) {
    for (let i = 0; i < len; i++) out[i] = lut[pixels[i]!]!;
  } else {
    for (let i = 0; i < len; i++) out[i] = lut[(i % channels) * 256 + pixels[i]!]!;
  }
  return out;
}

/** Mean and (population) std of pixel/255 for each channel, from 256-bin histograms. */
export function pixelStats(pixels: Uint8Array, channels = 1): Normalization {
  const hist = new Float64Array(256 * channels);
  const len = pixels.length;
  for (let i = 0; i < len; i++) hist[(i % channels) * 256 + pixels[i]!]!++;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let count = 0;
    let sum = 0;
    let sumSq = 0;
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v]!;
      const x = v / 255;
      count += h;
      sum += h * x;
      sumSq += h * x * x;
    }
    const m = count > 0 ? sum / count : 0;
    const s = Math.sqrt(Math.max(0, count > 0 ? sumSq / count - m * m : 0));
    mean.push(m);
    // A blank channel would divide by zero; 1 keeps values finite and equal to (x - mean).
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}

export function checkNormalization(spec: string, n: Normalization, channels?: number): void {
  const ok = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok(n.mean) || !ok(n.std) || n.std.some((s) => s <= 0) || n.mean.length !== n.std.length) {
    throw new EdgeqatError('E_OPTION', `${spec}: normalization needs a finite mean and std > 0 per channel (as many of each), got mean ${JSON.stringify(n.mean)}, std ${JSON.stringify(n.std)}`);
  }
  if (channels !== undefined && n.mean.length !== 1 && n.mean.length !== channels) {
    const fits = channels === 1 ? '1 value fits' : `1 or ${channels} values fit`;
    throw new EdgeqatError('E_OPTION', `${spec}: the samples have ${channels} channel${channels === 1 ? '' : 's'}, the normalization has ${n.mean.length} values per statistic (${fits}; a model of ${n.mean.length}-channel images needs a data set of such images)`);
  }
}

/**
 * A normalisation as stored: one number per statistic (run.json, metadata and bundles written
 * before colour inputs) or one array per statistic. Returns null when it is neither.
 */
export function normalizationFrom(mean: unknown, std: unknown): Normalization | null {
  const list = (v: unknown) => (typeof v === 'number' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
  const m = list(mean);
  const s = list(std);
  return m && s ? { mean: m, std: s } : null;
}

/** `mean 0.1307, std 0.3081` or `mean [0.49, 0.48, 0.45], std [...]` for messages and reports. */
export function formatNormalization(n: Normalization): string {
  const f = (v: number[]) => (v.length === 1 ? v[0]!.toFixed(4) : `[${v.map((x) => x.toFixed(4)).join(', ')}]`);
  return `mean ${f(n.mean)}, std ${f(n.std)}`;
}
