// One parity case per TFLite builtin (a stage of "one op = one file per stage"): a tiny float
// model holding the op, built in [28, 28, 1] -> 10 logits form so it trains on real MNIST. The
// suite (test/qat-ops.test.ts) runs each through prepare -> QAT steps -> export -> TFLite.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { PrepareOptions } from '../../toolkit/qat/prepare.js';

export interface OpCase {
  /** What the case checks, e.g. 'CONV_2D SAME stride 1 + BatchNormalization + ReLU6'. */
  name: string;
  build(): tfl.LayersModel;
  prepare?: PrepareOptions;
  /** The exported operators, in order (QUANTIZE ... DEQUANTIZE). */
  ops: string[];
  /**
   * Why LiteRT.js computes this model differently from tfjs-tflite (its newer XNNPACK takes an op
   * tfjs-tflite leaves to TFLite's kernel): reference-xnnpack, which follows tfjs-tflite, is then
   * not bit-exact with LiteRT.js, which is held to the agreement bar.
   */
  litertDiffers?: string;
}

/** Cases of one builtin: `builtin` is the key in TRAINER_OPS and CONVERTER_EMITTERS. */
export interface OpCases {
  builtin: string;
  cases: OpCase[];
}
