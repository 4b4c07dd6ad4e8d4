// The int8 params of the tensor a layer outputs in the deployed model, for ops whose output must
// keep their input's params (pools, reshape). Identity layers (Dropout) pass their input's on.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { QuantParams } from '../quant/quant-params.js';
import { ruleFor } from '../quantize-registry.js';

/** Implemented by QuantizeStub and QuantizeWrapper. */
export interface QuantizedOutput {
  outputQuantParams(): QuantParams;
}

function isQuantizedOutput(layer: object): layer is QuantizedOutput {
  return typeof (layer as Partial<QuantizedOutput>).outputQuantParams === 'function';
}

export function outputParamsOf(layer: Layer): QuantParams {
  let current: Layer | undefined = layer;
  while (current) {
    if (isQuantizedOutput(current)) return current.outputQuantParams();
    const rule = ruleFor(current.getClassName());
    if (!(rule?.supported && rule.role === 'identity')) break;
    current = current.inboundNodes[0]?.inboundLayers[0];
  }
  throw new Error(`layer '${layer.name}' (${layer.getClassName()}) has no int8 output params`);
}
