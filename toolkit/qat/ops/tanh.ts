// Trainer spec for TFLite TANH: an Activation('tanh') layer, or a Dense/Conv's tanh activation split
// off by prepare; its int8 output has the fixed params of FIXED_RANGE_ACTIVATIONS.
import * as tf from '@tensorflow/tfjs-core';
import { fixedRangeActivationOp } from './trainer-op-spec.js';

export const TANH = fixedRangeActivationOp('TANH', (x) => tf.tanh(x));
