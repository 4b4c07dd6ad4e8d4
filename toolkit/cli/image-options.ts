// The image options shared by train, eval and the other commands that load an image data set:
// --image-size WxH, --resize stretch|center-crop, --channels 1|3 and --normalize.
import type { Normalization } from '../../runtime/datasets/dataset.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { RESIZE_MODES } from '../../runtime/images/resize.js';

/** `32x32` or `96x64` (width × height, as image sizes are usually written) → [rows, cols]. */
export function imageSize(flag: string) {
  return (value: string): [number, number] => {
    const m = /^\s*(\d{1,5})\s*[x×]\s*(\d{1,5})\s*$/.exec(value);
    const w = Number(m?.[1]);
    const h = Number(m?.[2]);
    if (!m || w < 1 || h < 1 || w > 4096 || h > 4096) throw new EdgeqatError('E_OPTION', `${flag} must be WIDTHxHEIGHT in pixels (1..4096), e.g. 32x32, got '${value}'`);
    return [h, w];
  };
}

export function channelsOption(flag: string) {
  return (value: string): 1 | 3 => {
    if (value !== '1' && value !== '3') throw new EdgeqatError('E_OPTION', `${flag} must be 1 (grayscale) or 3 (RGB), got '${value}'`);
    return Number(value) as 1 | 3;
  };
}

export const NORMALIZE_PRESETS = { unit: { mean: [0], std: [1] }, symmetric: { mean: [0.5], std: [0.5] } } as const;

/**
 * `stats` (per-channel mean/std of the training pixels: the data set's own constants), `unit`
 * ([0, 1]), `symmetric` ([-1, 1]) or explicit `MEAN/STD` lists, e.g. `0.49,0.48,0.45/0.25,0.24,0.26`.
 * Returns undefined for `stats` (the data set decides).
 */
export function normalizeOption(flag: string) {
  return (value: string): Normalization | 'stats' => {
    if (value === 'stats') return 'stats';
    if (value === 'unit' || value === 'symmetric') return { mean: [...NORMALIZE_PRESETS[value].mean], std: [...NORMALIZE_PRESETS[value].std] };
    const parts = value.split('/');
    const list = (s: string | undefined) => (s === undefined || s.trim() === '' ? [] : s.split(',').map((x) => (x.trim() === '' ? NaN : Number(x))));
    const mean = list(parts[0]);
    const std = list(parts[1]);
    if (parts.length !== 2 || mean.length === 0 || mean.length !== std.length || ![...mean, ...std].every(Number.isFinite) || std.some((s) => s <= 0)) {
      throw new EdgeqatError('E_OPTION', `${flag} must be stats, unit, symmetric or MEAN/STD lists of equal length with STD > 0 (e.g. 0.5,0.5,0.5/0.25,0.25,0.25), got '${value}'`);
    }
    return { mean, std };
  };
}

export const RESIZE_HELP = `how images of another aspect ratio fit the input: ${RESIZE_MODES.join(' | ')} (default stretch)`;
