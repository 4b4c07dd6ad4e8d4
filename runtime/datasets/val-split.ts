// A seeded validation split: a fraction of the training samples held out as the evaluation split,
// for sources without a test split of their own (a folder of images or clips, one subfolder per
// class) or to keep a real test set untouched. Stratified: each class gives the same fraction, so
// a small class is not left out by chance. A pure function of (labels, fraction, seed): `eval`,
// the report and the bundle recompute the same held-out samples from what the model records.
import { EdgeqatError } from '../errors.js';
import { mulberry32, permutation } from '../seeded-random.js';
import { sampleSize, type Split, type ValSplit } from './dataset.js';

export type { ValSplit } from './dataset.js';

export function checkValSplit(v: ValSplit, where = '--val-split'): void {
  if (!(Number.isFinite(v.fraction) && v.fraction > 0 && v.fraction < 1)) {
    throw new EdgeqatError('E_OPTION', `${where} must be a fraction between 0 and 1 (exclusive), got ${v.fraction}`);
  }
  if (!(Number.isSafeInteger(v.seed) && v.seed >= 0)) throw new EdgeqatError('E_OPTION', `${where}: seed must be a non-negative integer, got ${v.seed}`);
}

/** Indices (ascending, so data order is kept) of the samples kept for training and held out. */
export function holdOut(labels: Uint8Array, count: number, v: ValSplit): { train: Uint32Array; heldOut: Uint32Array } {
  checkValSplit(v);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const list = byClass.get(labels[i]!);
    if (list) list.push(i);
    else byClass.set(labels[i]!, [i]);
  }
  const held = new Uint8Array(count);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    const take = Math.round(members.length * v.fraction);
    // One stream per class, so adding samples of one class does not move another class's split.
    const order = permutation(members.length, mulberry32((v.seed * 1000003 + label * 7919 + 17) >>> 0));
    for (let k = 0; k < take; k++) held[members[order[k]!]!] = 1;
  }
  const heldCount = held.reduce((a, b) => a + b, 0);
  if (heldCount === 0 || heldCount === count) {
    throw new EdgeqatError('E_DATASET', `--val-split ${v.fraction} of ${count} samples leaves ${heldCount === 0 ? 'nothing to validate on' : 'nothing to train on'}`);
  }
  const train = new Uint32Array(count - heldCount);
  const heldOut = new Uint32Array(heldCount);
  for (let i = 0, t = 0, h = 0; i < count; i++) {
    if (held[i]) heldOut[h++] = i;
    else train[t++] = i;
  }
  return { train, heldOut };
}

/** The samples `indices` of a split, copied (inputs, labels, and raw pixels, clips and sources when present). */
export function subsetOf(split: Split, shape: readonly number[], indices: Uint32Array): Split {
  const n = sampleSize(shape);
  const inputs = new Float32Array(indices.length * n);
  const labels = new Uint8Array(indices.length);
  const pixels = split.pixels ? new Uint8Array(indices.length * n) : undefined;
  const clipSamples = split.clips ? split.clips.length / split.count : 0;
  const clips = split.clips ? new Float32Array(indices.length * clipSamples) : undefined;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    inputs.set(split.inputs.subarray(i * n, (i + 1) * n), j * n);
    labels[j] = split.labels[i]!;
    pixels?.set(split.pixels!.subarray(i * n, (i + 1) * n), j * n);
    clips?.set(split.clips!.subarray(i * clipSamples, (i + 1) * clipSamples), j * clipSamples);
  }
  const sources = split.sources ? Array.from(indices, (i) => split.sources![i]!) : undefined;
  return { inputs, labels, count: indices.length, ...(pixels ? { pixels } : {}), ...(clips ? { clips } : {}), ...(sources ? { sources } : {}) };
}
