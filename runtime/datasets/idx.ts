// Strict reader for IDX files (the MNIST family's format), raw or gzipped. Node built-ins only:
// this runs on devices that carry the runtime without any training dependencies.
// Format: magic 00 00 <type> <ndims>, then ndims big-endian uint32 sizes, then the data.
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { EdgeqatError } from '../errors.js';

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** 1, or the 4th dimension of a [count, rows, cols, channels] file (read with `withChannels`). */
  channels: number;
  /** count*rows*cols*channels bytes, row-major; may view the file's buffer past its header (no copy). */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

/** Limits that reject absurd headers before they cost memory; real sets are far below them. */
export const IDX_LIMITS = {
  maxCount: 10_000_000,
  maxSide: 4096,
  /** Data bytes after the header (raw file or decompressed gzip). */
  maxDataBytes: 1 << 30,
} as const;

const UNSIGNED_BYTE = 0x08;
const IMAGE_DIMS = 3;
const LABEL_DIMS = 1;

/**
 * Images [count, rows, cols]; with `withChannels` also [count, rows, cols, channels] files (colour
 * samples in bundles: channels last, 1..4).
 */
export function readIdxImages(path: string, withChannels = false): IdxImages {
  const { dims, data } = parseIdx(path, withChannels ? [IMAGE_DIMS, IMAGE_DIMS + 1] : [IMAGE_DIMS]);
  const [count, rows, cols] = dims as [number, number, number];
  const channels = dims[3] ?? 1;
  checkCount(path, count);
  if (channels < 1 || channels > 4) fail(path, `channels ${channels} is outside 1..4`);
  for (const [what, n] of [['rows', rows], ['cols', cols]] as const) {
    if (n === 0 || n > IDX_LIMITS.maxSide) {
      fail(path, `${what} ${n} is outside 1..${IDX_LIMITS.maxSide}`);
    }
  }
  checkDataLength(path, data.length, count * rows * cols * channels, dims.join('×'));
  return { count, rows, cols, channels, pixels: data };
}

export function readIdxLabels(path: string, numClasses = 10): IdxLabels {
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw new EdgeqatError('E_OPTION', `numClasses ${numClasses} is outside 1..256 (labels are bytes)`);
  }
  const { dims, data: labels } = parseIdx(path, [LABEL_DIMS]);
  const count = dims[0] as number;
  checkCount(path, count);
  checkDataLength(path, labels.length, count, `${count}`);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= numClasses) {
      fail(path, `label ${labels[i]} at index ${i} is out of range (expected 0..${numClasses - 1})`);
    }
  }
  return { count, labels };
}

function fail(path: string, problem: string): never {
  throw new EdgeqatError('E_DATASET', `${path}: ${problem}`);
}

function kindOf(ndims: number): string {
  return ndims === IMAGE_DIMS ? 'an image file' : ndims === LABEL_DIMS ? 'a label file' : `a ${ndims}-dimensional IDX file`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Reads, gunzips if needed, checks magic and header; returns the dimensions and the data bytes. */
function parseIdx(path: string, allowedDims: number[]): { dims: number[]; data: Uint8Array } {
  const expectedDims = allowedDims[0]!;
  const buf = readMaybeGzipped(path);
  const expectedMagic = `00 00 08 0${expectedDims}`;
  const expectedKind = expectedDims === IMAGE_DIMS ? 'images' : 'labels';
  if (buf.length < 4) fail(path, `truncated: ${buf.length} bytes, an IDX header needs at least 4`);
  const magic = hex(buf.subarray(0, 4));
  if (buf[0] !== 0 || buf[1] !== 0) {
    fail(path, `not an IDX file: magic is ${magic}, expected ${expectedMagic} (${expectedKind})`);
  }
  if (buf[2] !== UNSIGNED_BYTE) {
    fail(path, `IDX data type 0x${hex(buf.subarray(2, 3))} (magic ${magic}) is not unsigned byte, expected ${expectedMagic}`);
  }
  const ndims = buf[3]!;
  if (!allowedDims.includes(ndims)) {
    fail(path, `is ${kindOf(ndims)} (magic ${magic}), expected ${expectedKind} (${expectedMagic})`);
  }
  const headerLength = 4 + 4 * ndims;
  if (buf.length < headerLength) {
    fail(path, `truncated header: ${buf.length} bytes, a ${ndims}-dimensional IDX header needs ${headerLength}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, headerLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  return { dims, data: unsharedView(buf, headerLength) };
}

/**
 * A plain Uint8Array over buf past offset. Small Buffers live in Node's shared pool; copy those so
 * the result never keeps (or exposes through .buffer) unrelated bytes. Large ones are viewed as is.
 */
function unsharedView(buf: Uint8Array, offset: number): Uint8Array {
  const part = new Uint8Array(buf.buffer, buf.byteOffset + offset, buf.length - offset);
  return buf.buffer.byteLength === buf.length ? part : part.slice();
}

function checkCount(path: string, count: number): void {
  if (count === 0) fail(path, 'holds no items (count 0)');
  if (count > IDX_LIMITS.maxCount) fail(path, `count ${count} exceeds the limit of ${IDX_LIMITS.maxCount}`);
}

function checkDataLength(path: string, actual: number, expected: number, product: string): void {
  if (expected > IDX_LIMITS.maxDataBytes) {
    fail(path, `header declares ${expected} data bytes (${product}), over the limit of ${IDX_LIMITS.maxDataBytes}`);
  }
  if (actual < expected) {
    fail(path, `truncated: ${actual} data bytes, the header declares ${expected} (${product})`);
  }
  if (actual > expected) {
    fail(path, `${actual - expected} trailing bytes after the ${expected} data bytes the header declares (${product})`);
  }
}

function readMaybeGzipped(path: string): Uint8Array {
  let buf: Buffer;
  try {
    // Check the size first: reading a multi-gigabyte file only to reject it would exhaust a device.
    const st = statSync(path);
    if (st.isDirectory()) fail(path, 'is a folder, expected an IDX file');
    if (st.size > IDX_LIMITS.maxDataBytes + 64) fail(path, `${st.size} bytes is over the limit of ${IDX_LIMITS.maxDataBytes}`);
    buf = readFileSync(path);
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(path, 'no such file');
    fail(path, `cannot read (${code ?? (e as Error).message})`);
  }
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  try {
    // maxOutputLength bounds a gzip bomb; the header checks then apply to the decompressed bytes.
    return gunzipSync(buf, { maxOutputLength: IDX_LIMITS.maxDataBytes + 64 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      fail(path, `decompresses to more than the limit of ${IDX_LIMITS.maxDataBytes} bytes`);
    }
    fail(path, `corrupt gzip data (${(e as Error).message.split('\n')[0]})`);
  }
}
