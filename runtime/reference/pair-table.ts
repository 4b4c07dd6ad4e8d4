// Binary int8 ops whose result depends only on the two input values (ADD, MUL): prepare evaluates
// the formula for all 256 × 256 pairs once, eval looks each result up. Same integers as
// evaluating per element, at one load per element.
import { prepareBroadcast } from './broadcast.js';
import { input, output, perTensor, type EvalStep, type KernelContext } from './kernel.js';

export interface PairQuant {
  scale: number;
  zeroPoint: number;
}

/**
 * prepare of such an op: int8 inputs 0 and 1 and output 0, per-tensor parameters, broadcasting;
 * `makeTable` gives the table from the three tensors' parameters.
 */
export function preparePairOp(ctx: KernelContext, makeTable: (a: PairQuant, b: PairQuant, out: PairQuant) => Int8Array): EvalStep {
  const a = input(ctx, 0, 'int8');
  const b = input(ctx, 1, 'int8');
  const y = output(ctx, 0, 'int8');
  const qa = perTensor(ctx, a);
  const qb = perTensor(ctx, b);
  const qo = perTensor(ctx, y);
  const { indexA, indexB } = prepareBroadcast(ctx, a, b, y);
  const table = makeTable(qa, qb, qo);
  const ad = a.data as Int8Array;
  const bd = b.data as Int8Array;
  const yd = y.data as Int8Array;
  return () => lookupPairs(table, ad, indexA, bd, indexB, yd);
}

/** y[(q1+128)·256 + q2+128] for every int8 pair. */
export function pairTable(value: (q1: number, q2: number) => number): Int8Array {
  const table = new Int8Array(65536);
  for (let q1 = -128; q1 <= 127; q1++) for (let q2 = -128; q2 <= 127; q2++) table[((q1 + 128) << 8) | (q2 + 128)] = value(q1, q2);
  return table;
}

export function lookupPairs(table: Int8Array, a: Int8Array, index1: Int32Array | null, b: Int8Array, index2: Int32Array | null, y: Int8Array): void {
  for (let i = 0; i < y.length; i++) {
    const q1 = a[index1 === null ? i : index1[i]];
    const q2 = b[index2 === null ? i : index2[i]];
    y[i] = table[((q1 + 128) << 8) | (q2 + 128)];
  }
}
