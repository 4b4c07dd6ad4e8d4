// Trainer spec for TFLite LOGISTIC: an Activation('sigmoid') layer, or a Dense/Conv's sigmoid
// activation split off by prepare; its int8 output has the fixed params of FIXED_RANGE_ACTIVATIONS.
import * as tf from '@tensorflow/tfjs-core';
import { fixedRangeActivationOp } from './trainer-op-spec.js';

export const LOGISTIC = fixedRangeActivationOp('LOGISTIC', (x) => tf.sigmoid(x));
