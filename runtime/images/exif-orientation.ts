// EXIF orientation (TIFF tag 0x0112 in IFD0 of an EXIF block: JPEG APP1 "Exif\0\0" or PNG eXIf):
// how the stored pixels must be turned to look upright. Values 1..8 as the EXIF 2.3 standard
// (CIPA DC-008, tag Orientation) defines them; anything unreadable counts as 1 (as stored), as
// viewers do.
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;
const MAX_IFD_ENTRIES = 1000;

/** Orientation 1..8 from a TIFF block (starting at its byte-order mark), or 1. */
export function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49; // "II"
  const big = tiff[0] === 0x4d && tiff[1] === 0x4d; // "MM"
  if (!little && !big) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  if (u16(2) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = Math.min(u16(ifd), MAX_IFD_ENTRIES);
  for (let e = 0; e < entries; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > tiff.length) return 1;
    if (u16(at) !== ORIENTATION_TAG) continue;
    if (u16(at + 2) !== SHORT) return 1;
    const value = u16(at + 8);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** Orientations 5..8 turn the image a quarter: width and height swap. */
export function swapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/**
 * The stored image turned upright: `data` is height × width × channels (row-major); the result is
 * the upright image (width and height swapped for orientations 5..8).
 */
export function applyOrientation(data: Uint8Array, width: number, height: number, channels: number, orientation: number): { data: Uint8Array; width: number; height: number } {
  if (orientation <= 1 || orientation > 8) return { data, width, height };
  const swap = swapsAxes(orientation);
  const outW = swap ? height : width;
  const outH = swap ? width : height;
  const out = new Uint8Array(data.length);
  // Source column and row of the upright pixel (x, y), per orientation.
  const source: Record<number, (x: number, y: number) => [number, number]> = {
    2: (x, y) => [width - 1 - x, y], // mirrored left-right
    3: (x, y) => [width - 1 - x, height - 1 - y], // turned 180°
    4: (x, y) => [x, height - 1 - y], // mirrored top-bottom
    5: (x, y) => [y, x], // transposed
    6: (x, y) => [y, height - 1 - x], // stored turned 90° counter-clockwise: turn it clockwise
    7: (x, y) => [width - 1 - y, height - 1 - x], // transversed
    8: (x, y) => [width - 1 - y, x], // stored turned 90° clockwise: turn it counter-clockwise
  };
  const at = source[orientation]!;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const [sx, sy] = at(x, y);
      const from = (sy * width + sx) * channels;
      const to = (y * outW + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c]!;
    }
  }
  return { data: out, width: outW, height: outH };
}
