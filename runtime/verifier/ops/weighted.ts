// Type combinations of the ops with weights (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D), as their
// kernels dispatch on them: float (float weights, or int8/uint8 weights as a hybrid), int8×int8→int8,
// uint8×uint8→uint8 (or int16), int16×int8→int16. Quantized tensors need their scales.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext, TensorView } from './op-context.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64 } = TensorType;

/** Input type → [weights types, bias types, output types]. */
const TYPES = new Map<TensorType, [TensorType[], TensorType[], TensorType[]]>([
  [FLOAT32, [[FLOAT32, INT8, UINT8], [FLOAT32], [FLOAT32]]],
  [INT8, [[INT8], [INT32], [INT8]]],
  [UINT8, [[UINT8], [INT32], [UINT8, INT16]]],
  [INT16, [[INT8], [INT64, INT32], [INT16]]],
]);

export function weightedTypes(c: OpContext, input: TensorView, weights: TensorView, bias: TensorView | null, output: TensorView, weightsRole: string): void {
  // FLOAT32 (the default) means unset; runtimes refuse any other value as a tensor type.
  const biasType = c.int('quantizedBiasType');
  if (biasType !== FLOAT32 && biasType !== INT32 && biasType !== INT64) c.fail(`quantized_bias_type ${TensorType[biasType] ?? biasType} is not FLOAT32, INT32 or INT64`);
  const types = TYPES.get(input.type);
  if (!types) c.fail(`input tensor ${input.index} is ${TensorType[input.type]}, expected FLOAT32, INT8, UINT8 or INT16`);
  c.type(weights, weightsRole, types[0]);
  if (bias) c.type(bias, 'bias', types[1]);
  c.type(output, 'output', types[2]);
  c.quantized(input, 'input');
  c.quantized(weights, weightsRole);
  c.quantized(output, 'output');
}
