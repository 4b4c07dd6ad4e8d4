// Resizing to the model's input: bilinear (triangle filter) with pixel centres at +0.5, widened by
// the scale factor when shrinking so that every source pixel contributes (antialiased; the method
// of PIL's Image.resize(BILINEAR) and of tf.image.resize(antialias=True)). Separable: rows, then
// columns, in float64, rounded once to 8 bits. Aspect: `stretch` maps the whole image onto the
// target; `center-crop` first cuts the largest centred window with the target's aspect ratio.
// Deterministic double arithmetic: a device gives the same bytes as the host.
export const RESIZE_MODES = ['stretch', 'center-crop'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

interface Taps {
  /** First source index for each output index. */
  start: Int32Array;
  count: Int32Array;
  /** count weights per output index, `maxTaps` apart. */
  weights: Float64Array;
  maxTaps: number;
}

/** Filter taps mapping source positions [from, from + length) onto `out` samples. */
function taps(from: number, length: number, sourceSize: number, out: number): Taps {
  const scale = length / out;
  const support = Math.max(1, scale); // triangle radius, in source pixels
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(out);
  const count = new Int32Array(out);
  const weights = new Float64Array(out * maxTaps);
  for (let o = 0; o < out; o++) {
    const centre = from + (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(sourceSize, Math.ceil(centre + support));
    let total = 0;
    let n = 0;
    for (let i = lo; i < hi && n < maxTaps; i++) {
      const w = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      weights[o * maxTaps + n++] = w;
      total += w;
    }
    if (total === 0) {
      // A window that holds no pixel centre (can only happen at the very edge): nearest pixel.
      weights[o * maxTaps] = 1;
      n = 1;
      total = 1;
      start[o] = Math.min(sourceSize - 1, Math.max(0, Math.floor(centre)));
    } else start[o] = lo;
    for (let k = 0; k < n; k++) weights[o * maxTaps + k] /= total;
    count[o] = n;
  }
  return { start, count, weights, maxTaps };
}

/** The crop window (in source pixels) for a mode: the whole image, or the centred target-aspect part. */
export function cropWindow(width: number, height: number, outW: number, outH: number, mode: ResizeMode): { x: number; y: number; w: number; h: number } {
  if (mode === 'stretch') return { x: 0, y: 0, w: width, h: height };
  const target = outW / outH;
  if (width / height > target) {
    const w = Math.max(1, Math.min(width, Math.round(height * target)));
    return { x: Math.floor((width - w) / 2), y: 0, w, h: height };
  }
  const h = Math.max(1, Math.min(height, Math.round(width / target)));
  return { x: 0, y: Math.floor((height - h) / 2), w: width, h };
}

/** `data` (height × width × channels) resized to outH × outW × channels. */
export function resizeImage(data: Uint8Array, width: number, height: number, channels: number, outW: number, outH: number, mode: ResizeMode = 'stretch'): Uint8Array {
  const win = cropWindow(width, height, outW, outH, mode);
  if (win.w === outW && win.h === outH) {
    if (win.w === width && win.h === height) return data;
    const out = new Uint8Array(outW * outH * channels);
    for (let y = 0; y < outH; y++) out.set(data.subarray(((win.y + y) * width + win.x) * channels, ((win.y + y) * width + win.x + outW) * channels), y * outW * channels);
    return out;
  }
  const tx = taps(win.x, win.w, width, outW);
  const ty = taps(win.y, win.h, height, outH);
  // Rows first: only the source rows the window covers, each resized to outW.
  const rows = new Float64Array(height * outW * channels);
  for (let y = win.y; y < win.y + win.h; y++) {
    for (let o = 0; o < outW; o++) {
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (let k = 0; k < tx.count[o]!; k++) v += tx.weights[o * tx.maxTaps + k]! * data[(y * width + tx.start[o]! + k) * channels + c]!;
        rows[(y * outW + o) * channels + c] = v;
      }
    }
  }
  const out = new Uint8Array(outW * outH * channels);
  for (let o = 0; o < outH; o++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (let k = 0; k < ty.count[o]!; k++) v += ty.weights[o * ty.maxTaps + k]! * rows[((ty.start[o]! + k) * outW + x) * channels + c]!;
        out[(o * outW + x) * channels + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
  return out;
}
