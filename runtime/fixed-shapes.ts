// A copy of a .tflite whose dynamic dims (-1 in a tensor's shape_signature, e.g. a -1 batch) are
// fixed to the tensor's static `shape` (normally 1), for runtimes that cannot run dynamic shapes
// (LiteRT.js rejects a [1, 784] input for a [-1, 784] signature). The -1 entries are overwritten in
// place, so the FlatBuffer layout is unchanged. Call after readTfliteModel has checked the bytes.
import { ByteBuffer, Model } from '../schemas/tflite.js';

/** Vtable offset of Tensor.shape_signature (field 7: 4 + 2·7). */
const SHAPE_SIGNATURE_FIELD = 18;

export interface FixedShapes {
  bytes: Uint8Array;
  /** How many -1 dims were fixed (0: `bytes` is an unchanged copy). */
  fixed: number;
}

export function fixDynamicShapes(modelBytes: Uint8Array): FixedShapes {
  const bytes = modelBytes.slice();
  const bb = new ByteBuffer(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const model = Model.getRootAsModel(bb);
  let fixed = 0;
  for (let s = 0; s < model.subgraphsLength(); s++) {
    const graph = model.subgraphs(s);
    if (!graph) continue;
    for (let t = 0; t < graph.tensorsLength(); t++) {
      const tensor = graph.tensors(t);
      if (!tensor || tensor.shapeSignatureLength() === 0) continue;
      const field = bb.__offset(tensor.bb_pos, SHAPE_SIGNATURE_FIELD);
      const vector = bb.__vector(tensor.bb_pos + field);
      for (let i = 0; i < tensor.shapeSignatureLength(); i++) {
        const dim = tensor.shape(i) ?? 0;
        if (view.getInt32(vector + 4 * i, true) === -1 && dim >= 1) {
          view.setInt32(vector + 4 * i, dim, true);
          fixed++;
        }
      }
    }
  }
  return { bytes, fixed };
}
