// CONCATENATION (docs/int8-semantics.md §4.7): a copy along `axis`. For int8 every input must have exactly the
// output's scale and zero point (TFLite checks this in Prepare and does not requantize); the fused
// activation must be NONE.
import { elementCount, input, opError, option, output, type RefData, type ReferenceKernel } from '../kernel.js';

export interface ConcatenationParams {
  /** Product of the dims before the axis. */
  outer: number;
  /** Per input: its axis dim × the dims after the axis. */
  chunks: number[];
}

export function concatenation(p: ConcatenationParams, inputs: RefData[], y: RefData): void {
  let out = 0;
  for (let o = 0; o < p.outer; o++) {
    for (let k = 0; k < inputs.length; k++) {
      const n = p.chunks[k];
      const x = inputs[k];
      const start = o * n;
      for (let i = 0; i < n; i++) y[out++] = x[start + i];
    }
  }
}

export const CONCATENATION: ReferenceKernel = {
  builtin: 'CONCATENATION',
  prepare(ctx) {
    if (ctx.inputs.length < 1) throw opError(ctx, 'no inputs', 'E_MODEL_FILE');
    const first = input(ctx, 0, 'int8', 'float32', 'int32');
    const xs = ctx.inputs.map((_, i) => input(ctx, i, first.dtype));
    const y = output(ctx, 0, first.dtype);
    if (option(ctx, 'fusedActivationFunction', 'NONE') !== 'NONE') throw opError(ctx, 'a fused activation is not supported on CONCATENATION');
    const rank = y.shape.length;
    const rawAxis = option(ctx, 'axis', 0);
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    if (axis < 0 || axis >= rank) throw opError(ctx, `axis ${rawAxis} is out of range for rank ${rank}`, 'E_MODEL_FILE');
    let axisTotal = 0;
    for (const x of xs) {
      const ok = x.shape.length === rank && x.shape.every((d, i) => i === axis || d === y.shape[i]);
      if (!ok) throw opError(ctx, `input ${x.name} [${x.shape.join(',')}] does not fit output [${y.shape.join(',')}] along axis ${axis}`, 'E_MODEL_FILE');
      axisTotal += x.shape[axis];
      if (first.dtype === 'int8') {
        const q = x.quantization;
        const qo = y.quantization;
        if (!q || !qo || q.scale[0] !== qo.scale[0] || (q.zeroPoint[0] ?? 0) !== (qo.zeroPoint[0] ?? 0)) {
          throw opError(ctx, `input ${x.name} has scale/zero point ${q?.scale[0]}/${q?.zeroPoint[0]}, the output ${qo?.scale[0]}/${qo?.zeroPoint[0]}; TFLite needs them equal`);
        }
      }
    }
    if (axisTotal !== y.shape[axis]) throw opError(ctx, `inputs add up to ${axisTotal} along axis ${axis}, output has ${y.shape[axis]}`, 'E_MODEL_FILE');
    const inner = elementCount(y.shape.slice(axis + 1));
    const p: ConcatenationParams = { outer: elementCount(y.shape.slice(0, axis)), chunks: xs.map((x) => x.shape[axis] * inner) };
    const datas = xs.map((x) => x.data);
    const yd = y.data;
    return () => concatenation(p, datas, yd);
  },
};
