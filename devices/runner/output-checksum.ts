// The checksum that says two machines ran a model identically: sha256 over the int8 output values
// of every sample, in order. Models with int8 outputs are hashed as they are. Models that end in
// DEQUANTIZE (float32 outputs from an int8 tensor) are hashed as that int8 tensor, recovered
// exactly from the floats: real = scale * (q - zeroPoint) with |q| ≤ 128 leaves real/scale within
// far less than 0.5 of an integer. Anything else is hashed as raw float32 bytes (and says so).
import { createHash } from 'node:crypto';
import type { OutputArray } from '../../runtime/engines/engine.js';
import type { ModelSummary } from '../../runtime/model-reader.js';

export interface OutputChecksum {
  /** What was hashed: 'int8' values, or 'float32' bytes when the int8 values are not recoverable. */
  over: 'int8' | 'float32' | 'uint8' | 'int32';
  sha256: string;
}

/** scale and zero point of the int8 tensor that DEQUANTIZE turns into the model's output, if any. */
export function dequantizedOutput(summary: ModelSummary): { scale: number; zeroPoint: number } | undefined {
  const graph = summary.subgraph;
  const out = graph.outputs[0];
  const producer = graph.operators.find((op) => op.outputs.includes(out));
  if (!producer || producer.op !== 'DEQUANTIZE') return undefined;
  const source = graph.tensors[producer.inputs[0]];
  const q = source?.quantization;
  if (!source || source.dtype !== 'INT8' || !q || q.scale.length !== 1) return undefined;
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

export function outputChecksum(outputs: OutputArray, summary: ModelSummary): OutputChecksum {
  const hash = (bytes: ArrayBufferView) => createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');
  if (outputs instanceof Int8Array) return { over: 'int8', sha256: hash(outputs) };
  if (outputs instanceof Float32Array) {
    const dq = dequantizedOutput(summary);
    if (!dq) return { over: 'float32', sha256: hash(outputs) };
    const q = new Int8Array(outputs.length);
    for (let i = 0; i < outputs.length; i++) {
      const v = Math.round(outputs[i] / dq.scale) + dq.zeroPoint;
      q[i] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
    return { over: 'int8', sha256: hash(q) };
  }
  return { over: outputs instanceof Uint8Array ? 'uint8' : 'int32', sha256: hash(outputs) };
}
