// The bias a deployed op adds, in float: TFLite keeps a conv/dense bias as int32 with scale
// f32(s_in · s_w[c]) and zero point 0 (docs/int8-semantics.md), so the float bias moves to that grid at
// export. The fake-quant model's inference uses the same values (the converter's own functions),
// so its predictions are the .tflite's: measured on kws-dscnn's 720 held-out test clips, agreement
// with TFLite went from 99.03% to 100% (docs/keyword-spotting.md). Training keeps the float bias:
// rounding moves a bias by at most s_in·s_w/2, a small part of one output step, and its gradient is the same.
import * as tf from '@tensorflow/tfjs-core';
import { quantizeBias, weightScales } from './weight-quantization.js';
import type { QuantizedWeightSpec } from '../ops/trainer-op-spec.js';

export function deployedBias(floatWeight: tf.Tensor, bias: tf.Tensor, spec: QuantizedWeightSpec, perChannel: boolean, inputScale: number): tf.Tensor {
  const shape = spec.quantShape ? spec.quantShape(floatWeight.shape) : floatWeight.shape;
  const scales = weightScales(floatWeight.dataSync() as Float32Array, shape, spec.channelAxis, perChannel);
  const b = quantizeBias(bias.dataSync() as Float32Array, inputScale, scales);
  const values = Float32Array.from(b.values, (q, i) => Math.fround(q * b.scales[b.scales.length > 1 ? i : 0]));
  return tf.tensor(values, bias.shape, 'float32');
}
