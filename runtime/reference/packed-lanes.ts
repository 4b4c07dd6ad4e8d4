// Two int8 weights per float64 multiply. Output units o = 2j and 2j+1 share one packed weight
// W = w[2j] + w[2j+1]·2^K, so W·d accumulates both units' integer sums at once:
// Σ W·d = S0 + S1·2^K. Every product and partial sum is an integer below 2^53, hence exact, when
// |S0|, |S1| ≤ B with 2^(K−1) > B and B·(2^K + 1) < 2^53; then S1 = round(total / 2^K) and
// S0 = total − S1·2^K. B is bounded in prepare from the weights: Σ|w| · max|d|.
// When the bound does not hold (very deep layers), K = 0 and each lane holds one unit.

export interface PackedWeights {
  /** Lanes per float64: 2, or 1 when the bound does not allow packing. */
  lanes: 1 | 2;
  /** 2^K. */
  radix: number;
  /** ceil(units / lanes) packed columns. */
  columns: number;
}

/**
 * Chooses the packing for `units` rows of `depth` int8 weights (w[o·depth + i] through `at`) whose
 * multiplicand is at most `maxAbsMultiplicand` in magnitude.
 */
export function choosePacking(units: number, depth: number, at: (o: number, i: number) => number, maxAbsMultiplicand: number): PackedWeights {
  let worst = 0;
  for (let o = 0; o < units; o++) {
    let s = 0;
    for (let i = 0; i < depth; i++) s += Math.abs(at(o, i));
    worst = Math.max(worst, s);
  }
  const bound = worst * maxAbsMultiplicand;
  const k = Math.ceil(Math.log2(bound + 1)) + 1; // 2^(K−1) ≥ B + 1 > B
  const radix = 2 ** k;
  if (units >= 2 && bound * (radix + 1) < 2 ** 53) return { lanes: 2, radix, columns: Math.ceil(units / 2) };
  return { lanes: 1, radix: 1, columns: units };
}

/** Packs the weight pair of column j: w(2j) + w(2j+1)·2^K (or w(j) alone with one lane). */
export function packPair(p: PackedWeights, units: number, j: number, weight: (o: number) => number): number {
  if (p.lanes === 1) return weight(j);
  const hi = 2 * j + 1 < units ? weight(2 * j + 1) : 0;
  return weight(2 * j) + hi * p.radix;
}

/** Splits packed sums back into one integer per unit: out[o] += lane value. */
export function unpackInto(p: PackedWeights, sums: Float64Array, units: number, out: Float64Array): void {
  if (p.lanes === 1) {
    for (let o = 0; o < units; o++) out[o] = sums[o];
    return;
  }
  const radix = p.radix;
  for (let j = 0; j < p.columns; j++) {
    const total = sums[j];
    const hi = Math.round(total / radix);
    out[2 * j] = total - hi * radix;
    if (2 * j + 1 < units) out[2 * j + 1] = hi;
  }
}

/**
 * sums[j] = Σ_k packed[offsets[k] + j] · values[k] for k < n, j < columns: the rows of a
 * [rows, columns] packed matrix picked by `offsets` (row·columns), each scaled by its value. Taken
 * four rows at a time (one load/store of sums[j] per four multiply-adds; ~1.4× over one at a time in
 * V8). Any grouping is exact: every partial sum is an integer within the packing's bound.
 */
export function accumulateRows(packed: Float64Array, columns: number, offsets: Int32Array, values: Float64Array, n: number, sums: Float64Array): void {
  sums.fill(0);
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const b1 = offsets[k];
    const b2 = offsets[k + 1];
    const b3 = offsets[k + 2];
    const b4 = offsets[k + 3];
    const d1 = values[k];
    const d2 = values[k + 1];
    const d3 = values[k + 2];
    const d4 = values[k + 3];
    for (let j = 0; j < columns; j++) sums[j] += packed[b1 + j] * d1 + packed[b2 + j] * d2 + (packed[b3 + j] * d3 + packed[b4 + j] * d4);
  }
  for (; k < n; k++) {
    const b = offsets[k];
    const d = values[k];
    for (let j = 0; j < columns; j++) sums[j] += packed[b + j] * d;
  }
}
