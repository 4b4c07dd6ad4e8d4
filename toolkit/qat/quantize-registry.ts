// Which float layers edgeqat can quantize and how: data, not code per layer (tfmot's
// default_8bit_quantize_registry). Three tables: layer classes, the activation functions TFLite
// fuses into the op before them, and the activation functions that are ops of their own with an
// int8 output range fixed by TFLite's int8 spec. The rewrites (./rewrites/) and prepare read these
// tables; an unsupported layer stops the run before training with the reason given here.
// Adding a layer: its trainer spec (./ops/), its emitter (converter/emitters/), its parity case
// (test/op-cases/) and one row here.
import type { QuantParams } from './quant/quant-params.js';

export type LayerRole =
  /** The model input: becomes the QuantizeStub (QUANTIZE). */
  | 'input'
  /** A trainer op (./ops/), run through a QuantizeWrapper. */
  | 'op'
  /** Folded into the op it follows (its weights and bias); no op of its own. */
  | 'fold'
  /** ReLU / Activation: its function decides (FUSED_ACTIVATIONS, FIXED_RANGE_ACTIVATIONS, 'linear'). */
  | 'activation'
  /** Used in training only; exported as nothing (its output is its input). */
  | 'identity'
  /** Becomes several trainer ops through a rewrite (./rewrites/: SeparableConv2D → depthwise + pointwise). */
  | 'split';

interface SupportedRule {
  className: string;
  supported: true;
  role: LayerRole;
  /** The trainer op of an 'op' layer (a key of TRAINER_OPS and of the converter's emitters). */
  op?: string;
  /** An 'op' layer whose op depends on one config value (UpSampling2D's interpolation): value → op. */
  opByConfig?: { key: string; ops: Readonly<Record<string, string>> };
  /** The trainer ops a 'split' layer becomes, in order. */
  ops?: readonly string[];
  weights?: string;
  activations?: string;
}

export type LayerRule = SupportedRule | { className: string; supported: false; reason: string };

const OBSERVED = 'int8 asymmetric, observed after the fused activation';
const SAME_AS_INPUT = "int8, the input's scale and zero point (TFLite requires it)";
const PER_CHANNEL = 'int8 symmetric narrow [-127,127], per output channel (per-tensor on request), batch norm folded in';

export const QUANTIZE_REGISTRY: readonly LayerRule[] = [
  { className: 'InputLayer', supported: true, role: 'input', activations: 'int8 asymmetric, observed (QUANTIZE)' },
  { className: 'Dense', supported: true, role: 'op', op: 'FULLY_CONNECTED', weights: 'int8 symmetric narrow [-127,127], per-tensor (per-channel on request)', activations: OBSERVED },
  { className: 'Conv2D', supported: true, role: 'op', op: 'CONV_2D', weights: PER_CHANNEL, activations: OBSERVED },
  { className: 'DepthwiseConv2D', supported: true, role: 'op', op: 'DEPTHWISE_CONV_2D', weights: `${PER_CHANNEL} (in·mult channels)`, activations: OBSERVED },
  { className: 'Conv1D', supported: true, role: 'op', op: 'CONV_2D', weights: PER_CHANNEL, activations: `${OBSERVED}; CONV_2D over the [1, steps, channels] view (RESHAPE + CONV_2D + RESHAPE)` },
  {
    className: 'SeparableConv2D',
    supported: true,
    role: 'split',
    ops: ['DEPTHWISE_CONV_2D', 'CONV_2D'],
    weights: `${PER_CHANNEL}, each half`,
    activations: 'DEPTHWISE_CONV_2D then a 1x1 CONV_2D, each output int8 asymmetric, observed',
  },
  { className: 'Conv2DTranspose', supported: true, role: 'op', op: 'TRANSPOSE_CONV', weights: 'int8 symmetric narrow [-127,127], per output channel (per-tensor on request)', activations: OBSERVED },
  {
    className: 'UpSampling2D',
    supported: true,
    role: 'op',
    opByConfig: { key: 'interpolation', ops: { nearest: 'RESIZE_NEAREST_NEIGHBOR', bilinear: 'RESIZE_BILINEAR' } },
    activations: `${SAME_AS_INPUT}; bilinear values rounded to it`,
  },
  { className: 'BatchNormalization', supported: true, role: 'fold', weights: 'folded into the op before it (one that folds batch norms)' },
  { className: 'ReLU', supported: true, role: 'activation', activations: 'fused RELU / RELU6 (maxValue 6) of the op before it' },
  { className: 'Activation', supported: true, role: 'activation', activations: 'fused into the op before it (FUSED_ACTIVATIONS), an op of its own (FIXED_RANGE_ACTIVATIONS), or dropped (linear)' },
  { className: 'LeakyReLU', supported: true, role: 'op', op: 'LEAKY_RELU', activations: 'int8 asymmetric, observed (LEAKY_RELU is not fused)' },
  { className: 'MaxPooling2D', supported: true, role: 'op', op: 'MAX_POOL_2D', activations: SAME_AS_INPUT },
  { className: 'AveragePooling2D', supported: true, role: 'op', op: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; the average rounded to it` },
  { className: 'GlobalAveragePooling2D', supported: true, role: 'op', op: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; AVERAGE_POOL_2D over the image + RESHAPE` },
  { className: 'GlobalMaxPooling2D', supported: true, role: 'op', op: 'MAX_POOL_2D', activations: `${SAME_AS_INPUT}; MAX_POOL_2D over the image + RESHAPE` },
  { className: 'MaxPooling1D', supported: true, role: 'op', op: 'MAX_POOL_2D', activations: `${SAME_AS_INPUT}; over the [steps, 1, channels] view` },
  { className: 'AveragePooling1D', supported: true, role: 'op', op: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; over the [steps, 1, channels] view, the average rounded to it` },
  { className: 'GlobalMaxPooling1D', supported: true, role: 'op', op: 'MAX_POOL_2D', activations: `${SAME_AS_INPUT}; MAX_POOL_2D over the sequence + RESHAPE` },
  { className: 'GlobalAveragePooling1D', supported: true, role: 'op', op: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; AVERAGE_POOL_2D over the sequence + RESHAPE` },
  { className: 'ZeroPadding2D', supported: true, role: 'op', op: 'PAD', activations: `${SAME_AS_INPUT}; padded with its zero point` },
  { className: 'Cropping2D', supported: true, role: 'op', op: 'STRIDED_SLICE', activations: SAME_AS_INPUT },
  { className: 'Cropping1D', supported: true, role: 'op', op: 'STRIDED_SLICE', activations: SAME_AS_INPUT },
  { className: 'Flatten', supported: true, role: 'op', op: 'RESHAPE', activations: SAME_AS_INPUT },
  { className: 'Reshape', supported: true, role: 'op', op: 'RESHAPE', activations: SAME_AS_INPUT },
  { className: 'Dropout', supported: true, role: 'identity' },
  { className: 'Add', supported: true, role: 'op', op: 'ADD', activations: OBSERVED },
  { className: 'Multiply', supported: true, role: 'op', op: 'MUL', activations: OBSERVED },
  { className: 'Concatenate', supported: true, role: 'op', op: 'CONCATENATION', activations: 'int8 asymmetric, observed; inputs requantized to it' },
  { className: 'Softmax', supported: true, role: 'op', op: 'SOFTMAX', activations: 'fixed scale 1/256, zero point -128 (last layer only)' },
  { className: 'LSTM', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
  { className: 'GRU', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
  { className: 'SimpleRNN', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
];

/** TFLite's fused activations (schema ActivationFunctionType) by TF.js activation name. */
export type FusedActivation = 'NONE' | 'RELU' | 'RELU6';

/** Activation functions TFLite fuses into the op before them (a ReLU layer, or the op's own). */
export const FUSED_ACTIVATIONS: Readonly<Record<string, FusedActivation>> = {
  linear: 'NONE',
  relu: 'RELU',
  relu6: 'RELU6',
};

export interface FixedRangeActivation {
  /** The trainer op (and TFLite builtin) it becomes. */
  op: string;
  /** The int8 output params TFLite's int8 spec fixes for that op (quantization_spec.md). */
  output: QuantParams;
  /**
   * The trainer's loss applies it (softmax cross-entropy on logits): in training the op passes its
   * input on, so it must be the model's output.
   */
  appliedByLoss?: boolean;
}

/**
 * Activation functions that become an op of their own with a fixed int8 output range: as an
 * Activation layer, a Softmax layer, or a Dense/Conv activation split off by prepare. The params
 * are TFLite's int8 spec (lite/g3doc/performance/quantization_spec.md); SOFTMAX's are enforced by
 * its kernel (lite/kernels/activations.cc SoftmaxPrepare: zero point -128, scale 1/256).
 */
export const FIXED_RANGE_ACTIVATIONS: Readonly<Record<string, FixedRangeActivation>> = {
  softmax: { op: 'SOFTMAX', output: { scale: 1 / 256, zeroPoint: -128 }, appliedByLoss: true },
  tanh: { op: 'TANH', output: { scale: 1 / 128, zeroPoint: 0 } },
  sigmoid: { op: 'LOGISTIC', output: { scale: 1 / 256, zeroPoint: -128 } },
};

export function ruleFor(className: string): LayerRule | undefined {
  return QUANTIZE_REGISTRY.find((r) => r.className === className);
}

/**
 * The trainer op of an 'op' layer: its row's op, or the one its config value names (opByConfig);
 * the reason instead when the value names none.
 */
export function opOfLayer(rule: LayerRule, config: Readonly<Record<string, unknown>>): { op: string } | { reason: string } {
  if (!rule.supported) return { reason: rule.reason };
  if (rule.op) return { op: rule.op };
  const by = rule.opByConfig;
  if (!by) return { reason: `${rule.className} is not an op layer` };
  const value = String(config[by.key]);
  const op = by.ops[value];
  return op ? { op } : { reason: `${by.key} '${value}' is not supported (${Object.keys(by.ops).join(', ')})` };
}

/** Every trainer op a supported row can become (op, opByConfig's ops, a split's ops). */
export function opsOfRule(rule: LayerRule): string[] {
  if (!rule.supported) return [];
  return [...(rule.op ? [rule.op] : []), ...Object.values(rule.opByConfig?.ops ?? {}), ...(rule.ops ?? [])];
}

export function supportedClassNames(): string[] {
  return QUANTIZE_REGISTRY.filter((r) => r.supported).map((r) => r.className);
}

/** The fixed-range activation an op becomes, by trainer op name (SOFTMAX, TANH, LOGISTIC). */
export function fixedRangeActivationOf(op: string): FixedRangeActivation | undefined {
  return Object.values(FIXED_RANGE_ACTIVATIONS).find((a) => a.op === op);
}

/** Every activation function name edgeqat takes, for messages. */
export function supportedActivations(): string[] {
  return [...Object.keys(FUSED_ACTIVATIONS), ...Object.keys(FIXED_RANGE_ACTIVATIONS)];
}
