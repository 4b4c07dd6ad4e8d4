// What the trainer needs to know about one trainer op (one TFLite builtin, as a rule): which of
// the float layer's weights are fake-quantized (and on which channel axis), how its output is
// quantized, which rewrites apply to it (activation fusion, batch-norm folding), its settings read
// from the layer's config (typed per op), and how to run the forward pass with the quantized
// weights. Which layer classes become which op is the quantize registry's (../quantize-registry.ts).
// One file per op, named after it (leaky-relu.ts exports LEAKY_RELU); ./generated/ lists them.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import type { QuantParams } from '../quant/quant-params.js';
import { FUSED_ACTIVATIONS, fixedRangeActivationOf, type FusedActivation } from '../quantize-registry.js';

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
   * fall between grid points (average pool), so it is fake-quantized with the input's params
   * (or rounded by the spec's `quantizeOutput`, when the deployed kernel rounds otherwise).
   */
  | { kind: 'input'; requantize: boolean }
  /** Fixed by the TFLite spec (FIXED_RANGE_ACTIVATIONS: softmax 1/256, -128). */
  | { kind: 'fixed'; params: QuantParams };

/**
 * Per-layer constants the forward pass and the emitter need, read once from the layer's config.
 * Every op has an activation: the layer's own ('linear' when it has none), replaced by a fused one.
 */
export interface OpSettings {
  activation: string;
}

/** `S`: the op's settings type; the emitter of the op gets them typed (converter opEmitter). */
export interface TrainerOpSpec<S extends OpSettings = OpSettings> {
  /** The TFLite builtin the op becomes; the op's name in TRAINER_OPS and the emitters. */
  builtin: string;
  quantizedWeights: QuantizedWeightSpec[];
  defaultPerChannel: boolean;
  output: OutputQuantization;
  /**
   * TFLite fuses an activation into this op (FUSED_ACTIVATIONS): the fuse-activation rewrite merges
   * a following ReLU layer into it, and an own activation with a fixed range (a Dense's softmax) is
   * split off into its op by the split-fixed-range-activation rewrite.
   */
  fusesActivation: boolean;
  /** A following BatchNormalization is folded into this op's weights and bias. */
  foldsBatchNorm: boolean;
  /**
   * In training the op passes its input through unchanged: an op the trainer's loss applies
   * (FIXED_RANGE_ACTIVATIONS appliedByLoss: softmax, since the loss is softmax cross-entropy on
   * logits and a second softmax would flatten the gradient). Such an op must be the model output.
   */
  identityInTraining?: boolean;
  settings(layer: Layer): S;
  /** Rejects input shapes the op cannot take (at build time, before any training). */
  checkInputShapes?(layer: Layer, shapes: (number | null)[][]): void;
  /** Float forward pass with the quantized weights substituted; bias stays float (int32 at export). */
  call(inputs: tf.Tensor[], weights: Record<string, tf.Tensor>, bias: tf.Tensor | null, settings: S): tf.Tensor;
  /**
   * The deployed kernel's rounding of the output onto the int8 grid `params`, where it is not
   * fake-quant's round(y / scale) + zero point (AVERAGE_POOL_2D rounds the raw int8 sum): the
   * output's value, with the straight-through gradient to `y` (the result of `call` on `inputs`).
   */
  quantizeOutput?(y: tf.Tensor, inputs: tf.Tensor[], params: QuantParams, settings: S): tf.Tensor;
}

/** The TFLite fused activation for an activation name, or null when TFLite cannot fuse it. */
export function fusedActivation(name: string): FusedActivation | null {
  return FUSED_ACTIVATIONS[name] ?? null;
}

export function applyFusedActivation(name: string, x: tf.Tensor): tf.Tensor {
  switch (fusedActivation(name)) {
    case 'NONE':
      return x;
    case 'RELU':
      return tf.relu(x);
    case 'RELU6':
      return tf.relu6(x);
    default:
      throw new EdgeqatError('E_UNSUPPORTED', `activation '${name}' cannot be fused (supported: ${Object.keys(FUSED_ACTIVATIONS).join(', ')})`);
  }
}

/** Settings of an op that has no parameters of its own. */
export function noSettings(): OpSettings {
  return { activation: 'linear' };
}

/**
 * The spec of a fixed-range activation op (FIXED_RANGE_ACTIVATIONS): one input, no weights, the
 * output params the table gives; `fn` is the float function.
 */
export function fixedRangeActivationOp(builtin: string, fn: (x: tf.Tensor) => tf.Tensor): TrainerOpSpec {
  const rule = fixedRangeActivationOf(builtin);
  if (!rule) throw new Error(`${builtin} is not in FIXED_RANGE_ACTIVATIONS`);
  return {
    builtin,
    quantizedWeights: [],
    defaultPerChannel: false,
    output: { kind: 'fixed', params: rule.output },
    fusesActivation: false,
    foldsBatchNorm: false,
    identityInTraining: rule.appliedByLoss ?? false,
    settings: noSettings,
    call: ([input]) => fn(input),
  };
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
