// Which float layers edgeqat can quantize and how: data, not code per layer. `prepareQat` reads
// this table; an unsupported layer stops the run before training with the reason given here.
export type LayerRule =
  | {
      className: string;
      supported: true;
      /** 'op': becomes a TFLite builtin via a QuantizeWrapper; 'input': the model input (skipped). */
      role: 'op' | 'input';
      builtin?: string;
      weights?: string;
      activations?: string;
    }
  | { className: string; supported: false; reason: string };

export const QUANTIZE_REGISTRY: LayerRule[] = [
  { className: 'InputLayer', supported: true, role: 'input' },
  {
    className: 'Dense',
    supported: true,
    role: 'op',
    builtin: 'FULLY_CONNECTED',
    weights: 'int8 symmetric narrow [-127,127], per-tensor (per-channel on request)',
    activations: 'int8 asymmetric, observed after the fused linear/relu/relu6 activation',
  },
  { className: 'Conv2D', supported: false, reason: 'convolutions are not supported yet' },
  { className: 'DepthwiseConv2D', supported: false, reason: 'convolutions are not supported yet' },
  { className: 'BatchNormalization', supported: false, reason: 'batch-norm folding is not supported yet' },
];

export function ruleFor(className: string): LayerRule | undefined {
  return QUANTIZE_REGISTRY.find((r) => r.className === className);
}

export function supportedClassNames(): string[] {
  return QUANTIZE_REGISTRY.filter((r) => r.supported).map((r) => r.className);
}
