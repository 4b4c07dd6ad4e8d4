// Built-in model registry (`--model <name>`).
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { buildMlp } from './mlp.js';

export interface BuiltinModel {
  description: string;
  build(seed: number, inputSize: number, numClasses: number): tfl.LayersModel;
}

export const BUILTIN_MODELS: Record<string, BuiltinModel> = {
  mlp: { description: '784-100-100-10 ReLU MLP (PyTorch QAT tutorial reference)', build: buildMlp },
};

export function builtinModel(name: string): BuiltinModel {
  const m = BUILTIN_MODELS[name];
  if (!m) throw new EdgeqatError('E_OPTION', `unknown model '${name}' (built-in models: ${Object.keys(BUILTIN_MODELS).join(', ')})`);
  return m;
}
