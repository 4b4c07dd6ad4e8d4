// NumPy-style broadcasting for the binary ops (ADD, MUL): for every output element, the flat index
// of the input element it reads. Computed once in prepare; null when no broadcasting is needed.
import { elementCount, opError, sameShape, type KernelContext, type RefTensor } from './kernel.js';

export function broadcastShape(ctx: KernelContext, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw opError(ctx, `shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`, 'E_MODEL_FILE');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Index into `shape` (right-aligned against `outShape`) for each output element; null if the shapes are equal. */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array | null {
  if (sameShape(shape, outShape)) return null;
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i];
  }
  const n = elementCount(outShape);
  const index = new Int32Array(n);
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let flat = 0;
    for (let i = 0; i < rank; i++) flat += coord[i] * strides[i];
    index[k] = flat;
    for (let i = rank - 1; i >= 0; i--) {
      if (++coord[i] < outShape[i]) break;
      coord[i] = 0;
    }
  }
  return index;
}

/** Checks the output shape of a binary op and returns both inputs' index maps. */
export function prepareBroadcast(ctx: KernelContext, a: RefTensor, b: RefTensor, y: RefTensor): { indexA: Int32Array | null; indexB: Int32Array | null } {
  const shape = broadcastShape(ctx, a.shape, b.shape);
  if (elementCount(shape) !== elementCount(y.shape)) {
    throw opError(ctx, `output ${y.name} has shape [${y.shape.join(',')}], expected [${shape.join(',')}]`, 'E_MODEL_FILE');
  }
  return { indexA: broadcastIndex(a.shape, shape), indexB: broadcastIndex(b.shape, shape) };
}
