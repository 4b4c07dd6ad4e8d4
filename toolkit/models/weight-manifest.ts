// The bytes a TF.js weights manifest promises: each weight is its shape's element count times its
// dtype's size (or its quantized dtype's, when the converter quantized it). A weight file holding
// more or fewer bytes is refused before TF.js reads it (it would otherwise read the wrong values,
// or values from past the weights). Sizes as tfjs-core io/types.ts DTYPE_VALUE_SIZE_MAP.
import type * as tf from '@tensorflow/tfjs-core';
import { EdgeqatError, type ErrorCode } from '../../runtime/errors.js';

const VALUE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint16: 2, uint8: 1 };

/** Bytes the manifest entries promise, or a one-line refusal naming the entry it cannot size. */
export function manifestBytes(entries: readonly tf.io.WeightsManifestEntry[], where: string, code: ErrorCode): number {
  let total = 0;
  for (const e of entries) {
    const dtype = e?.quantization?.dtype ?? e?.dtype;
    const size = VALUE_BYTES[dtype as string];
    if (size === undefined) throw new EdgeqatError(code, `${where}: weight '${String(e?.name).slice(0, 60)}' has dtype ${JSON.stringify(dtype)}, which edgeqat cannot size (${Object.keys(VALUE_BYTES).join(', ')})`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new EdgeqatError(code, `${where}: weight '${String(e.name).slice(0, 60)}' has no valid shape`);
    }
    total += shape.reduce((a, d) => a * d, 1) * size;
  }
  return total;
}

/** Refuses weight data whose length is not what the manifest entries promise. */
export function checkWeightBytes(entries: readonly tf.io.WeightsManifestEntry[], actual: number, where: string, code: ErrorCode): void {
  const expected = manifestBytes(entries, where, code);
  if (actual !== expected) {
    throw new EdgeqatError(code, `${where}: ${actual} bytes of weights, but the manifest's shapes and dtypes make ${expected}`);
  }
}
