// A small read-only view of an HDF5 file held in memory (Keras's weight files), over jsfive: a
// pure-JavaScript HDF5 reader that sees only the bytes it is given, so a file cannot make it open
// another file (HDF5 external links and external storage are not followed) and its failures are
// JavaScript exceptions, which become one E_MODEL_FILE line here. Before jsfive parses anything the
// superblock is checked: the signature, and the end-of-file address it records against the bytes
// there are (a truncated file is named as such instead of failing somewhere inside).
import * as hdf5 from 'jsfive';
import { EdgeqatError } from '../../../runtime/errors.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface DatasetInfo {
  shape: number[];
  dtype: string;
}

function message(e: unknown): string {
  // jsfive throws strings as well as Errors.
  return (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!;
}

/** The end-of-file address the superblock records (HDF5 File Format Specification, section II.A). */
function superblockEnd(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  const read = (at: number, size: number): number | null => {
    if (at + size > bytes.length) return null;
    if (size === 4) return view.getUint32(at, true);
    if (size === 8) return Number(view.getBigUint64(at, true));
    return null;
  };
  if (version === 0 || version === 1) {
    const offsets = bytes[13]!;
    // signature 8, versions 5, sizes 2, reserved 1, K values 4, flags 4 (+4 for version 1), then
    // base address, free-space address, end-of-file address.
    const start = 24 + (version === 1 ? 4 : 0);
    return read(start + 2 * offsets, offsets);
  }
  if (version === 2 || version === 3) {
    const offsets = bytes[9]!;
    // signature 8, version 1, sizes 2, flags 1, then base address, extension address, end-of-file address.
    return read(12 + 2 * offsets, offsets);
  }
  return null;
}

export class Hdf5File {
  private readonly file: hdf5.File;

  /** `label` names the file in messages (e.g. `my.keras: model.weights.h5`). */
  constructor(
    bytes: Uint8Array,
    readonly label: string,
  ) {
    if (bytes.length < 64 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw this.fail('not an HDF5 file (no HDF5 signature at its start)');
    const version = bytes[8]!;
    if (version > 3) throw this.fail(`HDF5 superblock version ${version} is not supported`);
    const end = superblockEnd(bytes);
    if (end === null) throw this.fail('truncated HDF5 file (its superblock is cut off)');
    if (end > bytes.length) throw this.fail(`truncated HDF5 file: its superblock says ${end} bytes, there are ${bytes.length}`);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.file = this.guard('cannot read the HDF5 file', () => new hdf5.File(buffer, label));
  }

  fail(what: string): EdgeqatError {
    return new EdgeqatError('E_MODEL_FILE', `${this.label}: ${what}`);
  }

  private guard<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof EdgeqatError) throw e;
      throw this.fail(`${what} (${message(e)})`);
    }
  }

  private node(path: string): hdf5.Group | hdf5.Dataset | null {
    return this.guard(`cannot read '${path}'`, () => {
      let node: hdf5.Group | hdf5.Dataset = this.file;
      for (const part of path.split('/').filter((p) => p !== '')) {
        if (!(node instanceof hdf5.Group) || !node.keys.includes(part)) return null;
        node = node.get(part) as hdf5.Group | hdf5.Dataset;
      }
      return node;
    });
  }

  has(path: string): boolean {
    return this.node(path) !== null;
  }

  /** The names in a group ([] when it does not exist). */
  keys(path: string): string[] {
    const node = this.node(path);
    return node instanceof hdf5.Group ? this.guard(`cannot list '${path}'`, () => node.keys) : [];
  }

  /** An attribute as a string, or null when absent; fixed-length strings lose their NUL padding. */
  attrString(path: string, name: string): string | null {
    const value = this.attr(path, name);
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value.replace(/\0+$/, '');
    throw this.fail(`attribute '${name}' of '${path || '/'}' is not a string`);
  }

  /** An attribute holding a list of strings (Keras's layer_names, weight_names), or null when absent. */
  attrStrings(path: string, name: string): string[] | null {
    const value = this.attr(path, name);
    if (value === undefined || value === null) return null;
    const list = Array.isArray(value) ? value : [value];
    // An empty list is stored by h5py as an empty float array.
    if (list.some((v) => typeof v !== 'string' && typeof v !== 'number')) throw this.fail(`attribute '${name}' of '${path}' is not a list of strings`);
    return list.filter((v): v is string => typeof v === 'string').map((v) => v.replace(/\0+$/, ''));
  }

  private attr(path: string, name: string): unknown {
    const node = this.node(path);
    if (!node) return undefined;
    return this.guard(`cannot read the attributes of '${path || '/'}'`, () => (node.attrs as Record<string, unknown>)[name]);
  }

  dataset(path: string): DatasetInfo | null {
    const node = this.node(path);
    if (!(node instanceof hdf5.Dataset)) return null;
    return this.guard(`cannot read dataset '${path}'`, () => ({ shape: (node.shape as number[]).map(Number), dtype: String(node.dtype) }));
  }

  /** A float dataset's values as float32 (Keras stores float32; float64/float16 are converted). */
  readFloat32(path: string): Float32Array {
    const node = this.node(path);
    if (!(node instanceof hdf5.Dataset)) throw this.fail(`'${path}' is not a dataset`);
    const dtype = String(node.dtype);
    if (!/^[<>]f[248]$/.test(dtype)) throw this.fail(`dataset '${path}' holds ${dtype}, not floating-point weights`);
    const info = this.dataset(path)!;
    const count = info.shape.reduce((a, b) => a * b, 1);
    const values = this.guard(`cannot read dataset '${path}'`, () => node.value as ArrayLike<number> | number);
    const list = typeof values === 'number' ? [values] : values;
    if (!list || list.length !== count) throw this.fail(`dataset '${path}' holds ${list?.length ?? 0} values, its shape [${info.shape.join(', ')}] needs ${count}`);
    return Float32Array.from(list);
  }
}
