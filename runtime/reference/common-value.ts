// The value FULLY_CONNECTED and CONV_2D skip: the most frequent int8 value of their input (a RELU-ed
// activation's zero, an image's background), estimated from up to 64 evenly spaced samples. The
// kernels correct for it exactly with weight sums, so the choice only affects speed, never results.

const SAMPLES = 64;

/** Most frequent value among samples of x[start .. start+length); ties go to the smallest value. */
export function mostFrequent(x: Int8Array, start: number, length: number, counts: Int32Array): number {
  const step = Math.max(1, Math.floor(length / SAMPLES));
  counts.fill(0);
  let best = 0;
  let bestCount = 0;
  for (let i = start; i < start + length; i += step) {
    const v = x[i] + 128;
    const c = ++counts[v];
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best - 128;
}
