// What an image file is before decoding it: its format (by content, not by file name), size,
// colour and EXIF orientation, read from the PNG chunks / JPEG markers with every length checked.
// Data sets read all headers first (to choose a common size) and refuse absurd sizes before a
// decoder allocates anything.
import { EdgeqatError } from '../errors.js';
import { exifOrientation, swapsAxes } from './exif-orientation.js';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  /** As stored. */
  width: number;
  height: number;
  /** Upright (after EXIF orientation). */
  uprightWidth: number;
  uprightHeight: number;
  /** Colour (RGB or palette) rather than grayscale; alpha is not counted. */
  colour: boolean;
  /** EXIF orientation 1..8 (1 when there is none). */
  orientation: number;
}

/** Limits that refuse decompression bombs; photos from phones are far below them. */
export const IMAGE_LIMITS = { maxSide: 16384, maxPixels: 64 * 1024 * 1024, maxFileBytes: 256 * 1024 * 1024 } as const;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function fail(where: string, problem: string): never {
  throw new EdgeqatError('E_DATASET', `${where}: ${problem}`);
}

export function readImageHeader(bytes: Uint8Array, where: string): ImageHeader {
  let h: Omit<ImageHeader, 'uprightWidth' | 'uprightHeight'>;
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) h = pngHeader(bytes, where);
  else if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) h = jpegHeader(bytes, where);
  else {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(where, bytes.length === 0 ? 'empty file, not a PNG or JPEG image' : `not a PNG or JPEG image (starts with ${start})`);
  }
  if (h.width < 1 || h.height < 1 || h.width > IMAGE_LIMITS.maxSide || h.height > IMAGE_LIMITS.maxSide || h.width * h.height > IMAGE_LIMITS.maxPixels) {
    fail(where, `${h.width}×${h.height} ${h.format.toUpperCase()} is outside the limits (sides 1..${IMAGE_LIMITS.maxSide}, at most ${IMAGE_LIMITS.maxPixels / 1024 / 1024} M pixels)`);
  }
  const swap = swapsAxes(h.orientation);
  return { ...h, uprightWidth: swap ? h.height : h.width, uprightHeight: swap ? h.width : h.height };
}

/** PNG: IHDR first (size, colour type); an eXIf chunk anywhere before IEND. */
function pngHeader(bytes: Uint8Array, where: string): Omit<ImageHeader, 'uprightWidth' | 'uprightHeight'> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length < 33 || type(12) !== 'IHDR') fail(where, 'truncated PNG: no IHDR chunk');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colorType = bytes[25]!;
  if (![0, 2, 3, 4, 6].includes(colorType)) fail(where, `PNG colour type ${colorType} is not defined by the PNG standard`);
  let orientation = 1;
  let sawEnd = false;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const name = type(at + 4);
    if (at + 12 + length > bytes.length) break;
    if (name === 'eXIf') orientation = exifOrientation(bytes.subarray(at + 8, at + 8 + length));
    if (name === 'IEND') {
      sawEnd = true;
      break;
    }
    at += 12 + length;
  }
  if (!sawEnd) fail(where, 'truncated PNG: no IEND chunk (the file ends early)');
  return { format: 'png', width, height, colour: colorType === 2 || colorType === 3 || colorType === 6, orientation };
}

/** JPEG: the frame header (SOFn: size, components) and APP1 EXIF, up to the first scan. */
function jpegHeader(bytes: Uint8Array, where: string): Omit<ImageHeader, 'uprightWidth' | 'uprightHeight'> {
  let at = 2;
  let orientation = 1;
  let frame: { width: number; height: number; components: number } | null = null;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) fail(where, `corrupt JPEG: expected a marker at byte ${at}`);
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2 || at + 2 + length > bytes.length) fail(where, 'truncated JPEG: a header segment runs past the end of the file');
    const body = bytes.subarray(at + 4, at + 2 + length);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (body.length < 6) fail(where, 'corrupt JPEG: short frame header');
      frame = { height: (body[1]! << 8) | body[2]!, width: (body[3]! << 8) | body[4]!, components: body[5]! };
    } else if (marker === 0xe1 && body.length > 6 && String.fromCharCode(...body.subarray(0, 6)) === 'Exif\0\0') {
      orientation = exifOrientation(body.subarray(6));
    } else if (marker === 0xda) {
      break; // start of scan: the header is over
    }
    at += 2 + length;
  }
  if (!frame) fail(where, 'truncated JPEG: no frame header before the image data');
  if (frame.components !== 1 && frame.components !== 3) fail(where, `JPEG with ${frame.components} colour components (CMYK?) is not supported; save it as RGB or grayscale`);
  if (!hasEndMarker(bytes)) fail(where, 'truncated JPEG: no end-of-image marker (the file ends early)');
  return { format: 'jpeg', width: frame.width, height: frame.height, colour: frame.components === 3, orientation };
}

/** An EOI marker (FF D9) at the end, allowing the padding some writers append after it. */
function hasEndMarker(bytes: Uint8Array): boolean {
  const from = Math.max(2, bytes.length - 4096);
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}
