// Geometry of a convolution's backprop, from the kernel's own attrs through tfjs-core's
// computeConv2DInfo (the same padding/output-size rules as the forward op), plus the checks for
// what these kernels do not implement: they throw instead of returning wrong numbers.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { EdgeqatError } from '../../../../runtime/errors.js';

type Shape4 = [number, number, number, number];

export interface BackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function unsupported(kernelName: string, what: string): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `${kernelName} on the wasm backend: ${what}`);
}

/**
 * convInfo for input `inShape` (NHWC) and filter `filterShape`; `dy` must have its output shape.
 * Only dilation 1: TF.js's conv gradients never ask for more, and its cpu kernels ignore it.
 */
export function backpropConvInfo(
  kernelName: string,
  inShape: number[],
  filterShape: number[],
  attrs: BackpropAttrs,
  depthwise: boolean,
  dy: TensorInfo,
  operands: TensorInfo[],
): backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw unsupported(kernelName, `dataFormat '${attrs.dataFormat}' is not supported (NHWC only)`);
  }
  const dilations = attrs.dilations ?? 1;
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dh !== 1 || dw !== 1) {
    throw unsupported(kernelName, `dilations [${dh}, ${dw}] are not supported (dilation 1 only)`);
  }
  for (const t of operands) {
    if (t.dtype !== 'float32') throw unsupported(kernelName, `dtype ${t.dtype} is not supported (float32 only)`);
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw unsupported(kernelName, `input ${JSON.stringify(inShape)} / filter ${JSON.stringify(filterShape)} must be rank 4`);
  }
  if (filterShape[2] !== inShape[3]) {
    throw unsupported(kernelName, `filter input channels ${filterShape[2]} != input channels ${inShape[3]}`);
  }
  const info = backend_util.computeConv2DInfo(
    inShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  if (info.outShape.some((d, i) => d !== dy.shape[i]) || dy.shape.length !== 4) {
    throw unsupported(kernelName, `dy shape ${JSON.stringify(dy.shape)} != conv output ${JSON.stringify(info.outShape)}`);
  }
  return info;
}

/**
 * For filter tap `k` along one axis: the output positions o in [lo, hi) whose input position
 * o * stride + k - pad lies inside [0, inSize). Outside that range the tap reads padding (zeros).
 */
export function validOutRange(k: number, stride: number, pad: number, inSize: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - k) / stride));
  const hi = Math.min(outSize, Math.floor((inSize - 1 + pad - k) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}
