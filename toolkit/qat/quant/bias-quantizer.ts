// The bias a deployed op adds, in float: TFLite keeps a conv/dense bias as int32 with scale
// f32(s_in · s_w[c]) and zero point 0 (docs/int8-semantics.md), so the converter moves the float
// bias to that grid. The fake-quant model's inference adds the same values (the converter's own
// functions): test/qat-ops.test.ts then finds 99.98-100% of the conv/dense cases' int8 outputs equal
// to the .tflite's (98.9-99.9% with the float bias), and on kws-dscnn's 720 held-out test clips
// the predictions agree on 100% instead of 99.03% (docs/keyword-spotting.md). Training keeps the
// float bias: rounding moves it by at most s_in·s_w/2, a small part of one output step, and its
// gradient would be the same.
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
