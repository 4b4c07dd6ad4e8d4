// TFLite's checks on one tensor (what InterpreterBuilder::ParseTensors and ParseQuantization
// enforce, plus what kernels silently assume): a known type, a buffer index in range, a
// non-negative shape of bounded size that agrees with shape_signature, constant data exactly
// shape × type size, and quantization arrays of consistent lengths and sane values.
// Runs after the structural walk, so every accessor here reads inside the file.
import { TensorType, type QuantizationParameters, type Tensor } from '../../schemas/tflite.js';
import { ModelProblem } from './limits.js';

/** Bytes per element; null for types whose size is not fixed (strings, resources, variants). */
const ELEMENT_BYTES: Partial<Record<TensorType, number | null>> = {
  [TensorType.FLOAT32]: 4,
  [TensorType.FLOAT16]: 2,
  [TensorType.INT32]: 4,
  [TensorType.UINT8]: 1,
  [TensorType.INT64]: 8,
  [TensorType.STRING]: null,
  [TensorType.BOOL]: 1,
  [TensorType.INT16]: 2,
  [TensorType.COMPLEX64]: 8,
  [TensorType.INT8]: 1,
  [TensorType.FLOAT64]: 8,
  [TensorType.COMPLEX128]: 16,
  [TensorType.UINT64]: 8,
  [TensorType.RESOURCE]: null,
  [TensorType.VARIANT]: null,
  [TensorType.UINT32]: 4,
  [TensorType.UINT16]: 2,
  [TensorType.INT4]: 1, // packed two per byte in current files, one per byte in older ones
};

/** Zero-point ranges of the quantized integer types (the TFLite quantization spec). */
const ZERO_POINT_RANGE: Partial<Record<TensorType, [number, number]>> = {
  [TensorType.INT8]: [-128, 127],
  [TensorType.UINT8]: [0, 255],
  [TensorType.INT16]: [-32768, 32767],
  [TensorType.INT4]: [-8, 7],
};
const INT32_RANGE: [number, number] = [-(2 ** 31), 2 ** 31 - 1];
const MIN_NORMAL_FLOAT32 = 2 ** -126;

export interface TensorContext {
  /** "tensor 7" or "subgraph 1 tensor 7": how messages name this tensor. */
  name: string;
  /** Byte length of each Model.buffers entry (inline data or external size). */
  bufferBytes: readonly number[];
  maxElements: number;
}

/** Checks one tensor; returns whether it is a constant (its buffer holds data). */
export function checkTensor(tensor: Tensor, ctx: TensorContext): boolean {
  const fail = (problem: string): never => {
    throw new ModelProblem(`${ctx.name} ${problem}`);
  };
  const type = tensor.type();
  const elementBytes = ELEMENT_BYTES[type];
  if (elementBytes === undefined) fail(`has unknown type ${type}`);

  const buffer = tensor.buffer();
  if (buffer >= ctx.bufferBytes.length) fail(`buffer ${buffer} out of range (${ctx.bufferBytes.length} buffers)`);

  const rank = tensor.shapeLength();
  const shape: number[] = [];
  let elements = 1;
  for (let i = 0; i < rank; i++) {
    const d = tensor.shape(i)!;
    if (d < 0) fail(`shape dim ${i} is ${d} (shape dims must be ≥ 0; -1 belongs in shape_signature)`);
    shape.push(d);
    elements *= d;
    if (elements > ctx.maxElements) fail(`has more than ${ctx.maxElements} elements (shape [${shapeText(tensor)}])`);
  }
  const signatureRank = tensor.shapeSignatureLength();
  if (signatureRank > 0) {
    if (signatureRank !== rank) fail(`shape_signature has ${signatureRank} dims but shape has ${rank}`);
    for (let i = 0; i < rank; i++) {
      const s = tensor.shapeSignature(i)!;
      if (s !== -1 && s !== shape[i]) fail(`shape_signature dim ${i} is ${s} but shape dim ${i} is ${shape[i]}`);
    }
  }

  if (tensor.sparsity() !== null) {
    throw new ModelProblem(`${ctx.name} is a sparse tensor (SparsityParameters); edgeqat does not read sparse models`, 'E_UNSUPPORTED');
  }

  const bytes = ctx.bufferBytes[buffer];
  if (bytes > 0 && elementBytes !== null && elementBytes !== undefined) {
    const packed = type === TensorType.INT4 ? Math.ceil(elements / 2) : elements * elementBytes;
    if (bytes !== elements * elementBytes && bytes !== packed) {
      fail(`buffer ${buffer} holds ${bytes} bytes but shape [${shape.join(',')}] of ${TensorType[type]} needs ${packed}`);
    }
  }

  const q = tensor.quantization();
  if (q) checkQuantization(q, type, shape, fail);
  return bytes > 0;
}

function checkQuantization(q: QuantizationParameters, type: TensorType, shape: number[], fail: (problem: string) => never): void {
  const scales = q.scaleLength();
  const zeroPoints = q.zeroPointLength();
  if (scales === 0 && zeroPoints === 0) return; // min/max only, or empty: not quantized
  if (scales !== zeroPoints) fail(`has ${scales} quantization scales but ${zeroPoints} zero points`);
  const dim = q.quantizedDimension();
  if (dim < 0 || dim >= Math.max(shape.length, 1)) fail(`quantized_dimension ${dim} out of range (rank ${shape.length})`);
  if (scales > 1 && shape[dim] !== scales) fail(`has ${scales} quantization scales but dim ${dim} has size ${shape[dim] ?? 0}`);
  for (let i = 0; i < scales; i++) {
    const s = q.scale(i)!;
    // A zero, negative or non-finite scale makes kernels divide by zero or convert inf/NaN to an
    // integer (a WebAssembly trap); a subnormal one makes XNNPACK refuse the tensor, after which
    // LiteRT.js traps. XNNPACK's own rule: finite, normal, > 0.
    if (!(s >= MIN_NORMAL_FLOAT32 && Number.isFinite(s))) fail(`quantization scale ${i} is ${s} (must be a finite, normal float > 0)`);
  }
  const [lo, hi] = ZERO_POINT_RANGE[type] ?? INT32_RANGE;
  for (let i = 0; i < zeroPoints; i++) {
    const z = q.zeroPoint(i)!;
    if (z < BigInt(lo) || z > BigInt(hi)) fail(`zero point ${i} is ${z}, outside [${lo}, ${hi}] for ${TensorType[type]}`);
  }
}

function shapeText(tensor: Tensor): string {
  const dims: number[] = [];
  for (let i = 0; i < Math.min(tensor.shapeLength(), 8); i++) dims.push(tensor.shape(i)!);
  return dims.join(',') + (tensor.shapeLength() > 8 ? ',…' : '');
}
