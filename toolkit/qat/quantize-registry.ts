// Which float layers edgeqat can quantize and how: data, not code per layer. `prepareQat` reads
// this table (and the rewrites in ./rewrites/ apply its 'fold' and 'fuse' roles); an unsupported
// layer stops the run before training with the reason given here.
export type LayerRole =
  /** The model input: becomes the QuantizeStub (QUANTIZE). */
  | 'input'
  /** A TFLite builtin, through a QuantizeWrapper. */
  | 'op'
  /** Folded into the convolution it follows (its weights and bias); no op of its own. */
  | 'fold'
  /** An activation fused into the op it follows (RELU/RELU6); Activation 'softmax' is SOFTMAX. */
  | 'fuse'
  /** Used in training only; exported as nothing (its output is its input). */
  | 'identity';

export type LayerRule =
  | {
      className: string;
      supported: true;
      role: LayerRole;
      /** The TFLite builtin of an 'op' layer (a key of TRAINER_OPS and CONVERTER_EMITTERS). */
      builtin?: string;
      weights?: string;
      activations?: string;
    }
  | { className: string; supported: false; reason: string };

const OBSERVED = 'int8 asymmetric, observed after the fused activation';
const SAME_AS_INPUT = "int8, the input's scale and zero point (TFLite requires it)";

export const QUANTIZE_REGISTRY: LayerRule[] = [
  { className: 'InputLayer', supported: true, role: 'input', activations: 'int8 asymmetric, observed (QUANTIZE)' },
  {
    className: 'Dense',
    supported: true,
    role: 'op',
    builtin: 'FULLY_CONNECTED',
    weights: 'int8 symmetric narrow [-127,127], per-tensor (per-channel on request)',
    activations: OBSERVED,
  },
  {
    className: 'Conv2D',
    supported: true,
    role: 'op',
    builtin: 'CONV_2D',
    weights: 'int8 symmetric narrow [-127,127], per output channel (per-tensor on request), batch norm folded in',
    activations: OBSERVED,
  },
  {
    className: 'DepthwiseConv2D',
    supported: true,
    role: 'op',
    builtin: 'DEPTHWISE_CONV_2D',
    weights: 'int8 symmetric narrow [-127,127], per output channel in·mult (per-tensor on request), batch norm folded in',
    activations: OBSERVED,
  },
  { className: 'BatchNormalization', supported: true, role: 'fold', weights: 'folded into the preceding Conv2D/DepthwiseConv2D' },
  { className: 'ReLU', supported: true, role: 'fuse', activations: 'fused RELU / RELU6 (maxValue 6) of the preceding op' },
  { className: 'Activation', supported: true, role: 'fuse', activations: "relu/relu6 fused into the preceding op; 'softmax' as SOFTMAX; 'linear' dropped" },
  { className: 'MaxPooling2D', supported: true, role: 'op', builtin: 'MAX_POOL_2D', activations: SAME_AS_INPUT },
  { className: 'AveragePooling2D', supported: true, role: 'op', builtin: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; the average rounded to it` },
  { className: 'GlobalAveragePooling2D', supported: true, role: 'op', builtin: 'AVERAGE_POOL_2D', activations: `${SAME_AS_INPUT}; AVERAGE_POOL_2D over the image + RESHAPE` },
  { className: 'Flatten', supported: true, role: 'op', builtin: 'RESHAPE', activations: SAME_AS_INPUT },
  { className: 'Reshape', supported: true, role: 'op', builtin: 'RESHAPE', activations: SAME_AS_INPUT },
  { className: 'Dropout', supported: true, role: 'identity' },
  { className: 'Add', supported: true, role: 'op', builtin: 'ADD', activations: OBSERVED },
  { className: 'Concatenate', supported: true, role: 'op', builtin: 'CONCATENATION', activations: 'int8 asymmetric, observed; inputs requantized to it' },
  { className: 'Softmax', supported: true, role: 'op', builtin: 'SOFTMAX', activations: 'fixed scale 1/256, zero point -128 (last layer only)' },
  { className: 'Conv2DTranspose', supported: false, reason: 'TRANSPOSE_CONV is not emitted yet' },
  { className: 'SeparableConv2D', supported: false, reason: 'not emitted as one op; write it as DepthwiseConv2D + 1x1 Conv2D' },
  { className: 'Conv1D', supported: false, reason: '1-D convolutions are not supported (use Conv2D on [1, width, channels])' },
  { className: 'Multiply', supported: false, reason: 'MUL is not emitted yet' },
  { className: 'LSTM', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
  { className: 'GRU', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
  { className: 'SimpleRNN', supported: false, reason: 'recurrent layers have no full-integer int8 TFLite builtin' },
];

export function ruleFor(className: string): LayerRule | undefined {
  return QUANTIZE_REGISTRY.find((r) => r.className === className);
}

export function supportedClassNames(): string[] {
  return QUANTIZE_REGISTRY.filter((r) => r.supported).map((r) => r.className);
}
