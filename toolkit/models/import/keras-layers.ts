// Keras layer classes → TF.js layers: one row per class, matched on the class name Keras writes in
// its config (never on any framework's classes). A row says which TF.js layer class to build, which
// Keras config fields become which TF.js config fields, and which fields must keep a value TF.js
// shares (anything else is named as a problem). Weights are not listed: Keras and TF.js keep a
// layer's variables in the same order and layout (kernel [kh, kw, in, out], then bias; batch norm
// gamma, beta, moving mean, moving variance), and importers check every shape against the built
// TF.js layer. Whether edgeqat can then quantize a layer is the quantize registry's business
// (toolkit/qat/quantize-registry.ts): a row here only makes the float model.
// Adding a layer: one row in KERAS_LAYERS (and its quantize-registry row for QAT).

/** How a Keras config value becomes a TF.js one; null when it cannot (the problem is returned instead). */
export type FieldConvert = (value: unknown) => { value: unknown } | { problem: string };

export interface KerasLayerRow {
  /** The class_name in the Keras config. */
  keras: string;
  /** The TF.js layer class (registered in tfjs-layers' serialization map). */
  tfjs: string;
  /** Keras config field → TF.js config field, or [TF.js field, conversion]. */
  fields?: Readonly<Record<string, string | readonly [string, FieldConvert]>>;
  /** Keras config fields that must be absent or hold this value (their semantics differ otherwise). */
  require?: Readonly<Record<string, unknown>>;
}

/** Keras activation names → TF.js's (keras.activations / tfjs-layers activations.ts). */
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  elu: 'elu',
  selu: 'selu',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
};

const activation: FieldConvert = (v) => {
  if (typeof v === 'string' && ACTIVATIONS[v]) return { value: ACTIVATIONS[v] };
  if (v && typeof v === 'object') {
    const o = v as { class_name?: unknown; registered_name?: unknown };
    return { problem: `custom activation '${String(o.registered_name ?? o.class_name)}' is Python code edgeqat cannot read: use a built-in activation (${Object.keys(ACTIVATIONS).join(', ')})` };
  }
  return { problem: `activation '${String(v)}' has no TF.js equivalent (built-in: ${Object.keys(ACTIVATIONS).join(', ')})` };
};

/** Keras allows a one-element list for an axis. */
const axis: FieldConvert = (v) => {
  const a = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof a === 'number' ? { value: a } : { problem: `axis ${JSON.stringify(v)} is not a single axis` };
};

const KERNEL = { kernel_size: 'kernelSize', strides: 'strides', padding: 'padding', dilation_rate: 'dilationRate', activation: ['activation', activation], use_bias: 'useBias' } as const;
const CONV = { filters: 'filters', ...KERNEL } as const;
const CHANNELS_LAST = { data_format: 'channels_last' };
const POOL = { pool_size: 'poolSize', strides: 'strides', padding: 'padding' } as const;

export const KERAS_LAYERS: readonly KerasLayerRow[] = [
  { keras: 'Dense', tfjs: 'Dense', fields: { units: 'units', activation: ['activation', activation], use_bias: 'useBias' }, require: { lora_rank: null } },
  { keras: 'Conv2D', tfjs: 'Conv2D', fields: CONV, require: { ...CHANNELS_LAST, groups: 1, lora_rank: null } },
  { keras: 'Conv1D', tfjs: 'Conv1D', fields: CONV, require: { ...CHANNELS_LAST, groups: 1, lora_rank: null } },
  { keras: 'Conv2DTranspose', tfjs: 'Conv2DTranspose', fields: CONV, require: { ...CHANNELS_LAST, output_padding: null } },
  { keras: 'DepthwiseConv2D', tfjs: 'DepthwiseConv2D', fields: { ...KERNEL, depth_multiplier: 'depthMultiplier' }, require: CHANNELS_LAST },
  { keras: 'SeparableConv2D', tfjs: 'SeparableConv2D', fields: { ...CONV, depth_multiplier: 'depthMultiplier' }, require: CHANNELS_LAST },
  { keras: 'BatchNormalization', tfjs: 'BatchNormalization', fields: { axis: ['axis', axis], momentum: 'momentum', epsilon: 'epsilon', center: 'center', scale: 'scale' }, require: { renorm: false, synchronized: false } },
  { keras: 'ReLU', tfjs: 'ReLU', fields: { max_value: 'maxValue' }, require: { negative_slope: 0, threshold: 0 } },
  // Keras 3 calls the slope negative_slope, Keras 2 alpha.
  { keras: 'LeakyReLU', tfjs: 'LeakyReLU', fields: { negative_slope: 'alpha', alpha: 'alpha' } },
  { keras: 'Activation', tfjs: 'Activation', fields: { activation: ['activation', activation] } },
  { keras: 'Softmax', tfjs: 'Softmax', fields: { axis: ['axis', axis] } },
  { keras: 'MaxPooling2D', tfjs: 'MaxPooling2D', fields: POOL, require: CHANNELS_LAST },
  { keras: 'AveragePooling2D', tfjs: 'AveragePooling2D', fields: POOL, require: CHANNELS_LAST },
  { keras: 'MaxPooling1D', tfjs: 'MaxPooling1D', fields: POOL, require: CHANNELS_LAST },
  { keras: 'AveragePooling1D', tfjs: 'AveragePooling1D', fields: POOL, require: CHANNELS_LAST },
  { keras: 'GlobalAveragePooling1D', tfjs: 'GlobalAveragePooling1D', require: { ...CHANNELS_LAST, keepdims: false } },
  { keras: 'GlobalMaxPooling1D', tfjs: 'GlobalMaxPooling1D', require: { ...CHANNELS_LAST, keepdims: false } },
  { keras: 'GlobalAveragePooling2D', tfjs: 'GlobalAveragePooling2D', require: { ...CHANNELS_LAST, keepdims: false } },
  { keras: 'GlobalMaxPooling2D', tfjs: 'GlobalMaxPooling2D', require: { ...CHANNELS_LAST, keepdims: false } },
  { keras: 'ZeroPadding2D', tfjs: 'ZeroPadding2D', fields: { padding: 'padding' }, require: CHANNELS_LAST },
  { keras: 'Cropping2D', tfjs: 'Cropping2D', fields: { cropping: 'cropping' }, require: CHANNELS_LAST },
  { keras: 'UpSampling2D', tfjs: 'UpSampling2D', fields: { size: 'size', interpolation: 'interpolation' }, require: CHANNELS_LAST },
  { keras: 'Flatten', tfjs: 'Flatten', require: CHANNELS_LAST },
  { keras: 'Reshape', tfjs: 'Reshape', fields: { target_shape: 'targetShape' } },
  { keras: 'Dropout', tfjs: 'Dropout', fields: { rate: 'rate' }, require: { noise_shape: null } },
  { keras: 'Add', tfjs: 'Add' },
  { keras: 'Multiply', tfjs: 'Multiply' },
  { keras: 'Concatenate', tfjs: 'Concatenate', fields: { axis: ['axis', axis] } },
];

/** Keras classes edgeqat knows and does not import, with what to do instead. */
export const KERAS_NOT_IMPORTED: Readonly<Record<string, string>> = {
  Lambda: 'a Lambda layer holds Python code, which edgeqat cannot read: rebuild the model with built-in layers (e.g. ReLU, Add, Reshape) instead of the Lambda',
  TFOpLambda: 'a TensorFlow op (tf.*) called on a Keras tensor is saved as Python code: use the equivalent Keras layer instead',
  SlicingOpLambda: 'tensor slicing on a Keras tensor is saved as Python code: use a Reshape or Cropping layer instead',
  Rescaling: 'remove the Rescaling layer and state its scale and offset once with --input-scale and --input-offset (edgeqat records them with the model)',
  Normalization: 'remove the Normalization layer and state its mean and standard deviation once with --input-mean and --input-std (edgeqat records them with the model)',
  LSTM: 'recurrent layers have no full-integer int8 TFLite builtin',
  GRU: 'recurrent layers have no full-integer int8 TFLite builtin',
  SimpleRNN: 'recurrent layers have no full-integer int8 TFLite builtin',
  Bidirectional: 'recurrent layers have no full-integer int8 TFLite builtin',
  Functional: 'a model nested inside the model: rebuild it as one flat model (e.g. apply the inner model\'s layers to the outer input)',
  Sequential: 'a model nested inside the model: rebuild it as one flat model (e.g. apply the inner model\'s layers to the outer input)',
};

export function kerasRow(className: string): KerasLayerRow | undefined {
  return KERAS_LAYERS.find((r) => r.keras === className);
}

export function importableClassNames(): string[] {
  return ['InputLayer', ...KERAS_LAYERS.map((r) => r.keras)];
}

export interface MappedConfig {
  config: Record<string, unknown>;
  problems: string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The TF.js config of one Keras layer per its row, or the problems that prevent it. */
export function mapLayerConfig(row: KerasLayerRow, keras: Record<string, unknown>): MappedConfig {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [field, target] of Object.entries(row.fields ?? {})) {
    if (!(field in keras)) continue;
    const value = keras[field];
    if (typeof target === 'string') {
      config[target] = value;
      continue;
    }
    const converted = target[1](value);
    if ('problem' in converted) problems.push(converted.problem);
    else config[target[0]] = converted.value;
  }
  for (const [field, wanted] of Object.entries(row.require ?? {})) {
    if (!(field in keras) || keras[field] === undefined) continue;
    const value = keras[field];
    const isDefault = same(value, wanted) || (wanted === null && value === false) || (typeof wanted === 'number' && same(value, [wanted, wanted]));
    if (!isDefault) problems.push(`${field}=${JSON.stringify(value)} is not supported (only ${JSON.stringify(wanted)})`);
  }
  return { config, problems };
}
