// What the RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR trainer specs share: UpSampling2D's settings
// and a resize written as two constant interpolation matrices (rows, then columns), so that
// training sees exactly the deployed op's float semantics in both directions. TF.js's own
// ResizeBilinearGrad ignores half_pixel_centers (tfjs-backend-wasm/cpu kernels take alignCorners
// only), which would train the model against a different op than the one it is exported as.
// Coordinates are Keras's (tf.image.resize): half-pixel centres, no corner alignment — what the
// emitters write as ResizeBilinearOptions / ResizeNearestNeighborOptions {align_corners: false,
// half_pixel_centers: true}.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { layerConfig, pair, type OpSettings } from './trainer-op-spec.js';

export interface ResizeSettings extends OpSettings {
  /** Integer upsampling factors [rows, cols] (UpSampling2D size). */
  size: [number, number];
}

export function resizeSettings(layer: Layer): ResizeSettings {
  const c = layerConfig(layer);
  return { activation: 'linear', size: pair(c.size, [2, 2]) };
}

export type ResizeMode = 'nearest' | 'bilinear';

/**
 * [out, in] weights of one axis. Nearest (TFLite GetNearestNeighbor, half-pixel): source
 * min(floor((o + 0.5)·in/out), in − 1). Bilinear (TF's compute_interpolation_weights, half-pixel):
 * c = (o + 0.5)·in/out − 0.5, lower = max(floor(c), 0), upper = min(ceil(c), in − 1), weights
 * 1 − (c − floor(c)) and c − floor(c).
 */
export function interpolationWeights(inSize: number, outSize: number, mode: ResizeMode): Float32Array {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest') {
      m[o * inSize + Math.min(Math.floor((o + 0.5) * scale), inSize - 1)] = 1;
      continue;
    }
    const c = (o + 0.5) * scale - 0.5;
    const floor = Math.floor(c);
    const lerp = c - floor;
    m[o * inSize + Math.max(floor, 0)] += 1 - lerp;
    m[o * inSize + Math.min(Math.ceil(c), inSize - 1)] += lerp;
  }
  return m;
}

/** x [N, H, W, C] → [N, H·size[0], W·size[1], C] through the two interpolation matrices. */
export function resize(x: tf.Tensor, s: ResizeSettings, mode: ResizeMode): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [oh, ow] = [h * s.size[0], w * s.size[1]];
    const rows = tf.tensor2d(interpolationWeights(h, oh, mode), [oh, h]);
    const cols = tf.tensor2d(interpolationWeights(w, ow, mode), [ow, w]);
    // Rows: [H, N·W·C] → [oH, N·W·C]; then columns: [W, N·oH·C] → [oW, N·oH·C].
    const byRow = tf.matMul(rows, tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]));
    const byCol = tf.transpose(tf.reshape(byRow, [oh, n, w, c]), [2, 1, 0, 3]);
    const out = tf.matMul(cols, tf.reshape(byCol, [w, n * oh * c]));
    return tf.transpose(tf.reshape(out, [ow, n, oh, c]), [1, 2, 0, 3]);
  });
}
