// Prepare shared by AVERAGE_POOL_2D and MAX_POOL_2D: window geometry from Pool2DOptions and the
// fused activation clamp from the output's parameters. Pools do not requantize: the raw int8
// values pass through (docs/int8-semantics.md §2: the kernels do not check that scales match).
import { fusedActivationRange } from './activation.js';
import { windowGeometry, type ConvGeometry } from './conv-common.js';
import { input, option, output, perTensor, type KernelContext } from './kernel.js';

export interface PoolParams {
  geometry: ConvGeometry;
  actMin: number;
  actMax: number;
  /** One window's per-channel sums or maxima. */
  scratch: Int32Array;
}

export function preparePool(ctx: KernelContext): { params: PoolParams; x: Int8Array; y: Int8Array } {
  const x = input(ctx, 0, 'int8');
  const y = output(ctx, 0, 'int8');
  const kH = option(ctx, 'filterHeight', 0);
  const kW = option(ctx, 'filterWidth', 0);
  const geometry = windowGeometry(ctx, x, y, kH, kW, x.shape[3] ?? 0);
  const outQ = perTensor(ctx, y);
  const [actMin, actMax] = fusedActivationRange(ctx, outQ.scale, outQ.zeroPoint);
  return { params: { geometry, actMin, actMax, scratch: new Int32Array(geometry.inC) }, x: x.data as Int8Array, y: y.data as Int8Array };
}
