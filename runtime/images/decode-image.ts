// PNG and JPEG decoding to 8-bit grayscale or RGB, channels last, turned upright by the EXIF
// orientation. Decoders: pngjs (every PNG colour type and bit depth, interlaced, palettes; inflate
// through Node's zlib) and jpeg-js (baseline and progressive JPEG). Both are pure JavaScript: they
// bundle into the device runtime with esbuild and run on a plain Node of any architecture, where
// a native decoder (sharp/libvips) would need its per-platform binary on the device.
// Policies: alpha is dropped (as PIL's convert('RGB') does); 16-bit PNG samples are scaled to 8; a
// colour file whose pixels are all gray (R = G = B: a grayscale picture saved as RGB or as a YCbCr
// JPEG) decodes as grayscale, so that such files do not turn a grayscale set into a colour one.
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { EdgeqatError } from '../errors.js';
import { applyOrientation } from './exif-orientation.js';
import { IMAGE_LIMITS, readImageHeader, type ImageHeader } from './image-header.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** height × width × channels bytes, row-major. */
  data: Uint8Array;
}

/** The upright image in `bytes` (a PNG or JPEG file's content); one E_DATASET line naming `where` otherwise. */
export function decodeImage(bytes: Uint8Array, where: string, header: ImageHeader = readImageHeader(bytes, where)): DecodedImage {
  let rgba: { data: Uint8Array; width: number; height: number; stride: 3 | 4 };
  try {
    if (header.format === 'png') {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = { data: png.data, width: png.width, height: png.height, stride: 4 };
    } else {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: IMAGE_LIMITS.maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
      rgba = { data: img.data, width: img.width, height: img.height, stride: 3 };
    }
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/\.$/, '');
    throw new EdgeqatError('E_DATASET', `${where}: cannot decode this ${header.format.toUpperCase()} (${reason})`);
  }
  if (rgba.width !== header.width || rgba.height !== header.height || rgba.data.length < rgba.width * rgba.height * rgba.stride) {
    throw new EdgeqatError('E_DATASET', `${where}: corrupt ${header.format.toUpperCase()}: decoded ${rgba.width}×${rgba.height}, the header says ${header.width}×${header.height}`);
  }
  const channels = header.colour && !allGray(rgba.data, rgba.width * rgba.height, rgba.stride) ? 3 : 1;
  const n = rgba.width * rgba.height;
  const data = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0; i < n; i++) {
      data[i * 3] = rgba.data[i * rgba.stride]!;
      data[i * 3 + 1] = rgba.data[i * rgba.stride + 1]!;
      data[i * 3 + 2] = rgba.data[i * rgba.stride + 2]!;
    }
  } else {
    // Grayscale files decode to R = G = B.
    for (let i = 0; i < n; i++) data[i] = rgba.data[i * rgba.stride]!;
  }
  const upright = applyOrientation(data, rgba.width, rgba.height, channels, header.orientation);
  return { ...upright, channels };
}

function allGray(data: Uint8Array, n: number, stride: number): boolean {
  for (let i = 0; i < n; i++) {
    const r = data[i * stride];
    if (data[i * stride + 1] !== r || data[i * stride + 2] !== r) return false;
  }
  return true;
}
