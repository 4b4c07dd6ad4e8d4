// Writes IDX files (the MNIST family's format): the bundle ships its test samples as IDX so the
// device reads them with the runtime's own strict reader (runtime/datasets/idx.ts).
import { EdgeqatError } from '../../runtime/errors.js';

/** Magic 00 00 08 <ndims>, ndims big-endian uint32 sizes, then the unsigned bytes. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new EdgeqatError('E_DATASET', `IDX data holds ${data.length} bytes, dims ${dims.join('×')} need ${expected}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
