// What the trainer needs to know about one TFLite builtin: which float layers map to it, which of
// their weights are fake-quantized (and on which channel axis), how its output is quantized, and
// how to run the layer's forward pass with those quantized weights. One file per builtin, listed
// in ./index.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import type { QuantParams } from '../quant/quant-params.js';

export interface QuantizedWeightSpec {
  /** The weight's short name in the float layer (`kernel`, `depthwise_kernel`). */
  name: string;
  /**
   * Output-channel axis for per-channel quantization, in `quantShape(shape)` when given (else in
   * the TF.js layout). It is the last axis in every spec: batch-norm folding relies on that.
   */
  channelAxis: number;
  /**
   * The shape the weight is quantized in, when its output channels are not one TF.js axis:
   * a depthwise kernel [kh, kw, in, mult] has in·mult output channels ([kh, kw, in·mult]).
   */
  quantShape?: (shape: number[]) => number[];
}

/** How the op's int8 output gets its scale and zero point (TFLite's per-op constraints). */
export type OutputQuantization =
  /** An observer learns the range of the output (conv, FC, add, concat). */
  | { kind: 'observed' }
  /**
   * The output keeps the input's params (pools, reshape). `requantize`: the op's float result can
   * fall between grid points (average pool), so it is fake-quantized with the input's params.
   */
  | { kind: 'input'; requantize: boolean }
  /** Fixed by the TFLite spec (softmax: 1/256, -128). */
  | { kind: 'fixed'; params: QuantParams };

/** Per-layer constants (activation name, strides, padding, ...) as plain data. */
export type OpSettings = Record<string, unknown> & { activation: string };

export interface TrainerOpSpec {
  builtin: string;
  /** Serialized class names (getClassName()) this spec handles. */
  layerClassNames: string[];
  quantizedWeights: QuantizedWeightSpec[];
  defaultPerChannel: boolean;
  output: OutputQuantization;
  /** TFLite can fuse RELU/RELU6 into this op (a following ReLU layer is folded into it). */
  fusesActivation: boolean;
  /** A following BatchNormalization is folded into this op's weights and bias. */
  foldsBatchNorm: boolean;
  /**
   * In training the op passes its input through unchanged: SOFTMAX, whose logits the trainer's
   * softmax cross-entropy needs (applying softmax twice would flatten the gradient).
   */
  identityInTraining?: boolean;
  /** Fixed per-layer settings the forward pass needs, read once from the layer's config. */
  settings(layer: Layer): OpSettings;
  /** Rejects input shapes the op cannot take (at build time, before any training). */
  checkInputShapes?(layer: Layer, shapes: (number | null)[][]): void;
  /** Float forward pass with the quantized weights substituted; bias stays float (int32 at export). */
  call(inputs: tf.Tensor[], weights: Record<string, tf.Tensor>, bias: tf.Tensor | null, settings: OpSettings): tf.Tensor;
}

/** Activations TFLite can fuse into the op (name in TF.js -> TFLite ActivationFunctionType name). */
export const FUSABLE_ACTIVATIONS: Record<string, 'NONE' | 'RELU' | 'RELU6'> = {
  linear: 'NONE',
  relu: 'RELU',
  relu6: 'RELU6',
};

export function applyFusedActivation(name: string, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    default:
      throw new EdgeqatError('E_UNSUPPORTED', `activation '${name}' cannot be fused (supported: ${Object.keys(FUSABLE_ACTIVATIONS).join(', ')})`);
  }
}

/** A layer's config with the checks every NHWC op needs: one line naming the layer when unsupported. */
export function layerConfig(layer: Layer): Record<string, unknown> {
  const config = layer.getConfig() as Record<string, unknown>;
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
    throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): dataFormat '${String(config.dataFormat)}' is not supported (TFLite is NHWC: use channelsLast)`);
  }
  return config;
}

/** A [h, w] pair from a config value that may be a number or a list. */
export function pair(value: unknown, fallback?: [number, number]): [number, number] {
  if (value === undefined || value === null) {
    if (!fallback) throw new Error('missing size');
    return fallback;
  }
  if (typeof value === 'number') return [value, value];
  const v = value as number[];
  return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
}

/** 'same' | 'valid', rejecting the others ('causal' is 1-D only) with one line. */
export function paddingOf(layer: Layer, value: unknown): 'same' | 'valid' {
  if (value === 'same' || value === 'valid') return value;
  throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): padding '${String(value)}' is not supported (same, valid)`);
}
