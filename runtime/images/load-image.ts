// One image file as a model input's bytes: read (bounded), decode, turn upright, resize to the
// target (with the recorded aspect handling) and convert to the target's channels. Used by the
// `images:` data source and by the device bundle's `node run.js photo.jpg`.
import { readFileSync, statSync } from 'node:fs';
import { EdgeqatError } from '../errors.js';
import { toChannels } from './channels.js';
import { decodeImage } from './decode-image.js';
import { IMAGE_LIMITS, readImageHeader, type ImageHeader } from './image-header.js';
import { resizeImage, type ResizeMode } from './resize.js';

export interface ImageTarget {
  rows: number;
  cols: number;
  channels: 1 | 3;
  resize: ResizeMode;
}

/** A file's bytes; one E_DATASET line for a missing, unreadable, oversized or non-regular file. */
export function readImageBytes(path: string): Uint8Array {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new EdgeqatError('E_DATASET', `${path}: not a file`);
    if (st.size > IMAGE_LIMITS.maxFileBytes) throw new EdgeqatError('E_DATASET', `${path}: ${st.size} bytes is over the limit of ${IMAGE_LIMITS.maxFileBytes} for an image`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new EdgeqatError('E_DATASET', `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (e as Error).message})`}`);
  }
}

/** The image in `bytes` as target.rows × target.cols × target.channels bytes. */
export function imageToTarget(bytes: Uint8Array, where: string, target: ImageTarget, header?: ImageHeader): Uint8Array {
  const img = decodeImage(bytes, where, header);
  const resized = resizeImage(img.data, img.width, img.height, img.channels, target.cols, target.rows, target.resize);
  return toChannels(resized, img.channels, target.channels);
}

export function loadImageFile(path: string, target: ImageTarget): Uint8Array {
  const bytes = readImageBytes(path);
  return imageToTarget(bytes, path, target, readImageHeader(bytes, path));
}
