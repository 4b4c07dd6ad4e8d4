// The trainer's loss is softmax cross-entropy on logits. A float model that ends in an activation
// the loss applies (FIXED_RANGE_ACTIVATIONS appliedByLoss: softmax) is trained through a model
// sharing its layers that stops at that activation's input (the logits).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { FIXED_RANGE_ACTIVATIONS, fixedRangeActivationOf, ruleFor } from '../qat/quantize-registry.js';

/** The fixed-range activation a layer is as a whole (a Softmax layer, an Activation layer), if any. */
function activationLayerOp(layer: Layer): string | undefined {
  const rule = ruleFor(layer.getClassName());
  if (!rule?.supported) return undefined;
  if (rule.role === 'activation') return FIXED_RANGE_ACTIVATIONS[String(layer.getConfig().activation)]?.op;
  return rule.op;
}

export function logitsModel(model: tfl.LayersModel): tfl.LayersModel {
  const last = model.outputs[0].sourceLayer as Layer;
  const op = activationLayerOp(last);
  if (op && fixedRangeActivationOf(op)?.appliedByLoss) {
    return tfl.model({ inputs: model.inputs, outputs: last.input as tfl.SymbolicTensor, name: `${model.name}_logits` });
  }
  const own = String((last.getConfig() as Record<string, unknown>).activation ?? 'linear');
  if (FIXED_RANGE_ACTIVATIONS[own]?.appliedByLoss) {
    throw new EdgeqatError('E_UNSUPPORTED', `model output layer '${last.name}' (${last.getClassName()}) has a ${own} activation; float training needs the logits: end the model with a separate ${own} layer`);
  }
  return model;
}
