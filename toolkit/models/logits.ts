// The trainer's loss is softmax cross-entropy on logits. A float model that ends in a softmax is
// trained through a model sharing its layers that stops at the softmax's input (the logits).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../runtime/errors.js';

export function logitsModel(model: tfl.LayersModel): tfl.LayersModel {
  const last = model.outputs[0].sourceLayer as Layer;
  const config = last.getConfig() as Record<string, unknown>;
  const cls = last.getClassName();
  if (cls === 'Softmax' || (cls === 'Activation' && config.activation === 'softmax')) {
    return tfl.model({ inputs: model.inputs, outputs: last.input as tfl.SymbolicTensor, name: `${model.name}_logits` });
  }
  if (config.activation === 'softmax') {
    throw new EdgeqatError('E_UNSUPPORTED', `model output layer '${last.name}' (${cls}) has a softmax activation; float training needs the logits: end the model with a separate Softmax layer`);
  }
  return model;
}
