// Where the straight-through gradient of a fake-quant passes, as an interval of float32 inputs, so
// that the gradient kernel compares instead of dividing (simd/fake-quant.wat fq_backward_range).

/** The float32 value whose order key (see passRange) is k: -0x7f7fffff..0x7f7fffff spans the finite floats in order. */
function fromKey(k: number, view: Float32Array, raw: Int32Array): number {
  raw[0] = Math.abs(k);
  return k < 0 ? -view[0] : view[0];
}

const MAX_KEY = 0x7f7fffff; // bits of the largest finite float32

/**
 * [tlo, thi]: the float32 x with lo <= round(f32(x / s)) <= hi (s a float32 > 0) are exactly
 * tlo <= x <= thi, since round(f32(x / s)) is monotone in x; each end is found by bisection on the
 * ordered finite float32 values (+Infinity / -Infinity when no finite x qualifies). Lets the
 * straight-through gradient compare instead of divide, with the same mask.
 */
export function passRange(s: number, lo: number, hi: number): [number, number] {
  const raw = new Int32Array(1);
  const view = new Float32Array(raw.buffer);
  const q = (k: number) => {
    const v = Math.fround(fromKey(k, view, raw) / s);
    let r = Math.floor(v + 0.5);
    if (r - v === 0.5 && v < 0) r -= 1;
    return r;
  };
  let tlo = Infinity;
  if (q(MAX_KEY) >= lo) {
    let [a, b] = [-MAX_KEY, MAX_KEY]; // smallest k with q(k) >= lo lies in [a, b]
    while (a < b) {
      const m = Math.floor((a + b) / 2);
      if (q(m) >= lo) b = m;
      else a = m + 1;
    }
    tlo = fromKey(a, view, raw);
  }
  let thi = -Infinity;
  if (q(-MAX_KEY) <= hi) {
    let [a, b] = [-MAX_KEY, MAX_KEY]; // largest k with q(k) <= hi lies in [a, b]
    while (a < b) {
      const m = Math.ceil((a + b) / 2);
      if (q(m) <= hi) a = m;
      else b = m - 1;
    }
    thi = fromKey(a, view, raw);
  }
  return [tlo, thi];
}
