// Tile for the wasm backend as block copies on the backend's heap. tfjs-backend-wasm 4.22 ships Tile
// as a scalar C++ loop that computes every output element's source index; TF.js's FusedBatchNorm
// gradient (tfjs-core src/gradients/FusedBatchNorm_grad.ts) tiles a per-channel vector to the whole
// activation, so in float training of a conv net with batch norm Tile was ~70% of a step (6 calls,
// ~160 ms at batch 32 for the cnn; docs/training-speed.md). Here each input row is copied once and
// every repetition is made by doubling copies (copyWithin), at memory speed.
import type * as tf from '@tensorflow/tfjs-core';
import { EdgeqatError } from '../../../../runtime/errors.js';
import { wasmBackend } from './wasm-heap.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

interface Args {
  inputs: { x: tf.TensorInfo };
  backend: unknown;
  attrs: { reps: number[] };
}

/** out[start, start + block) repeated so that `count` copies of it follow one another. */
function repeatBlock(out: HeapArray, start: number, block: number, count: number): void {
  let filled = block;
  const total = block * count;
  while (filled < total) {
    const n = Math.min(filled, total - filled);
    out.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

export function tile({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new EdgeqatError('E_UNSUPPORTED', `Tile of ${x.dtype}: the shipped kernel`);
  const backend = wasmBackend(anyBackend, 'Tile');
  const inShape = x.shape.length === 0 ? [1] : x.shape;
  const reps = attrs.reps.length === 0 ? [1] : attrs.reps;
  if (reps.length !== inShape.length) throw new EdgeqatError('E_UNSUPPORTED', 'Tile with reps of another rank: the shipped kernel');
  const outShape = inShape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(x.shape.length === 0 ? [] : outShape, x.dtype);
  if (outShape.some((d) => d === 0)) return out;
  // Views after makeOutput: an allocation may grow the heap and detach older views.
  const src = backend.typedArrayFromHeap(x) as HeapArray;
  const dst = backend.typedArrayFromHeap(out) as HeapArray;

  const rank = inShape.length;
  const inStride: number[] = new Array(rank);
  const outInner: number[] = new Array(rank); // elements of the output after one index of dim d
  inStride[rank - 1] = 1;
  outInner[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    inStride[d] = inStride[d + 1] * inShape[d + 1];
    outInner[d] = outInner[d + 1] * outShape[d + 1];
  }
  // Writes the output block of one index prefix: the input's rows at their places, then that
  // block repeated reps[d] times along dim d.
  const fill = (d: number, from: number, to: number): void => {
    if (d === rank - 1) dst.set(src.subarray(from, from + inShape[d]), to);
    else for (let i = 0; i < inShape[d]; i++) fill(d + 1, from + i * inStride[d], to + i * outInner[d]);
    repeatBlock(dst, to, inShape[d] * outInner[d], reps[d]);
  };
  fill(0, 0, 0);
  return out;
}
