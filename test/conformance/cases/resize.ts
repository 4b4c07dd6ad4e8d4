// Shared by the RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR cases: NHWC int8 input resized to a
// constant [height, width]; the output keeps the input's scale and zero point (what the TF converter
// writes), except in the case that says otherwise (the kernels copy raw values either way).
import { BuiltinOperator, BuiltinOptions, ResizeBilinearOptionsT, ResizeNearestNeighborOptionsT } from '../../../schemas/tflite.js';
import { constInt32, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

export interface ResizeSpec {
  name: string;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
  q: Quant;
  /** Output params when they differ from the input's. */
  out?: Quant;
}

/** The version the TF converter writes for int8: 3 with half_pixel_centers, else 2. */
export function resizeVersion(halfPixelCenters: boolean): number {
  return halfPixelCenters ? 3 : 2;
}

export function resizeCase(op: 'RESIZE_BILINEAR' | 'RESIZE_NEAREST_NEIGHBOR', rng: Rng, s: ResizeSpec): ConformanceCase {
  return int8Case(op, s.name, rng, [1, s.inH, s.inW, s.channels], s.q, 12, (g, x) => {
    const bilinear = op === 'RESIZE_BILINEAR';
    return {
      code: bilinear ? BuiltinOperator.RESIZE_BILINEAR : BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
      version: resizeVersion(s.halfPixelCenters),
      inputs: [x, constInt32(g, 'size', [s.outH, s.outW])],
      output: int8Activation(g, 'output', [1, s.outH, s.outW, s.channels], s.out ?? s.q),
      optionsType: bilinear ? BuiltinOptions.ResizeBilinearOptions : BuiltinOptions.ResizeNearestNeighborOptions,
      options: bilinear ? new ResizeBilinearOptionsT(s.alignCorners, s.halfPixelCenters) : new ResizeNearestNeighborOptionsT(s.alignCorners, s.halfPixelCenters),
    };
  });
}

export function resizeSpecs(): ResizeSpec[] {
  const q = { scale: 0.04, zeroPoint: -9 };
  const base = { channels: 3, alignCorners: false, halfPixelCenters: true, q };
  return [
    { ...base, name: '4x4 → 8x8 half-pixel (UpSampling2D ×2)', inH: 4, inW: 4, outH: 8, outW: 8 },
    { ...base, name: '5x3 → 10x9 half-pixel (×2, ×3), 8 channels', channels: 8, inH: 5, inW: 3, outH: 10, outW: 9 },
    { ...base, name: '4x4 → 8x8 legacy (no half-pixel)', inH: 4, inW: 4, outH: 8, outW: 8, halfPixelCenters: false },
    { ...base, name: '7x5 → 10x12 legacy, non-integer ratios', inH: 7, inW: 5, outH: 10, outW: 12, halfPixelCenters: false },
    { ...base, name: '5x5 → 9x9 align_corners', inH: 5, inW: 5, outH: 9, outW: 9, halfPixelCenters: false, alignCorners: true },
    { ...base, name: '8x9 → 5x3 half-pixel (downsampling)', inH: 8, inW: 9, outH: 5, outW: 3 },
    { ...base, name: '6x4 → 13x7 half-pixel, non-integer ratios', inH: 6, inW: 4, outH: 13, outW: 7 },
    { ...base, name: '4x4 → 8x8 half-pixel, output params differ', inH: 4, inW: 4, outH: 8, outW: 8, out: { scale: 0.05, zeroPoint: 3 } },
  ];
}
