// Activation range estimators for post-training calibration. Both see every value of a tensor
// over the calibration images: min/max keeps the extremes; percentile keeps the p-th percentile at
// the top and the (100 − p)-th at the bottom, clipping rare outliers so that the 256 int8 levels
// cover where the values are (a few clipped outliers cost less than coarse steps for all the
// rest). The percentiles are exact (nearest rank): a first pass counts the values, a second keeps
// the k largest and k smallest in two heaps — a histogram over [min, max] would be too coarse
// exactly when an outlier makes clipping worthwhile.
export type CalibrationMethod = 'minmax' | 'percentile';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile'];
export const DEFAULT_PERCENTILE = 99.99;

export interface ValueRange {
  min: number;
  max: number;
}

/** Running exact min/max and count; `finite` turns false at the first NaN or infinity. */
export class MinMax {
  min = Infinity;
  max = -Infinity;
  count = 0;
  finite = true;

  add(values: ArrayLike<number>): void {
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (!Number.isFinite(v)) this.finite = false;
    }
    this.min = lo;
    this.max = hi;
    this.count += values.length;
  }

  get seen(): boolean {
    return this.min <= this.max;
  }
}

/** The k largest values seen (a min-heap: its root is the k-th largest). */
class Largest {
  private readonly heap: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.heap = new Float64Array(k);
  }

  add(v: number): void {
    const h = this.heap;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (h[parent] <= v) break;
        h[i] = h[parent];
        i = parent;
      }
      h[i] = v;
    } else if (v > h[0]) {
      let i = 0; // sift the new value down from the root
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.k) break;
        const c = l + 1 < this.k && h[l + 1] < h[l] ? l + 1 : l;
        if (h[c] >= v) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = v;
    }
  }

  /** The k-th largest value (the smallest kept). */
  get kth(): number {
    return this.heap[0];
  }
}

/** Exact nearest-rank percentiles at both ends, for a tensor of `total` values (known from pass 1). */
export class Tails {
  private readonly top: Largest;
  private readonly bottom: Largest;

  /** `p` in [90, 100]: the top keeps the values above the p-th percentile, the bottom below (100 − p). */
  constructor(total: number, p: number) {
    // Nearest rank: the p-th percentile is the value with floor(total·(1 − p/100)) values above it.
    const k = Math.min(total, Math.floor(total * (1 - p / 100)) + 1);
    this.top = new Largest(Math.max(1, k));
    this.bottom = new Largest(Math.max(1, k));
  }

  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      this.top.add(values[i]);
      this.bottom.add(-values[i]);
    }
  }

  range(): ValueRange {
    return { min: -this.bottom.kth, max: this.top.kth };
  }
}

/**
 * The range a tensor is quantized with: `estimate` widened to include 0 (as every int8 activation
 * range is), and a range that is (nearly) empty, e.g. a tensor that is always 0, widened to
 * [lo, lo + 1]: its scale is then 1/255 instead of the 1e-8 floor, which would make the next
 * layer's int32 bias scale (input scale × weight scale) so small that its bias overflows int32.
 */
export function usableRange(estimate: ValueRange): ValueRange {
  const lo = Math.min(estimate.min, 0);
  const hi = Math.max(estimate.max, 0);
  return hi - lo >= MIN_CALIBRATED_RANGE ? { min: lo, max: hi } : { min: lo, max: lo + 1 };
}

/** Narrowest range calibration keeps as found (1e-6: scale ≈ 4e-9). */
export const MIN_CALIBRATED_RANGE = 1e-6;
