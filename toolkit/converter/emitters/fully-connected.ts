// Converter emitter for FULLY_CONNECTED: int8 weights [out, in] (TF.js Dense kernel transposed),
// symmetric per-tensor or per-output-channel scales, int32 bias with scale = s_in x s_w and zp 0,
// fused activation, int8 output with the observer's scale/zero-point.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, FullyConnectedOptionsT } from '../../../schemas/tflite.js';
import { FULLY_CONNECTED as FULLY_CONNECTED_SPEC } from '../../qat/ops/fully-connected.js';
import { addBias, addKernel, addOutputTensor, fusedActivationOf, opEmitter, opVersion } from './emitter.js';

/** TF converter's FULLY_CONNECTED version for int8 with a bias input. */
const FC_VERSION = 4;

export const FULLY_CONNECTED = opEmitter(FULLY_CONNECTED_SPEC, (graph, wrapper, [input], opts) => {
  const dense = wrapper.layer;
  const fused = fusedActivationOf(wrapper);
  const { weights, bias } = wrapper.inferenceWeights();
  const [inUnits, outUnits] = weights.kernel.shape;

  // TF.js [in, out] -> TFLite [out, in]; quantized per output channel (axis 0) or per tensor.
  const kernel = weights.kernel.dataSync() as Float32Array;
  const transposed = new Float32Array(kernel.length);
  for (let i = 0; i < inUnits; i++) for (let o = 0; o < outUnits; o++) transposed[o * inUnits + i] = kernel[i * outUnits + o];
  const w = addKernel(graph, `${dense.name}/kernel`, [outUnits, inUnits], transposed, 0, wrapper.perChannel, opts);
  const biasFloat = bias ? (bias.dataSync() as Float32Array) : new Float32Array(outUnits);
  const biasTensor = addBias(graph, `${dense.name}/bias`, biasFloat, input.params.scale, w.scales, opts);
  weights.kernel.dispose();
  bias?.dispose();

  const output = addOutputTensor(graph, wrapper, [outUnits], opts);
  const options = new FullyConnectedOptionsT(ActivationFunctionType[fused]);
  graph.addOperator(BuiltinOperator.FULLY_CONNECTED, opVersion(FC_VERSION, opts), [input.index, w.index, biasTensor], [output.index], BuiltinOptions.FullyConnectedOptions, options);
  return output;
});
