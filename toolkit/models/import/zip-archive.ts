// Reads named entries of a zip archive (a Keras 3 `.keras` file) into memory, refusing hostile
// archives before inflating anything they could use against us:
//   - more than MAX_ENTRIES entries (checked on the end-of-central-directory count, before listing);
//   - an entry name that is absolute, has a `..` segment, a backslash or a NUL (a path outside the
//     archive's folder: "zip slip"), or appears twice;
//   - encrypted entries or compression methods other than stored/deflate;
//   - entries to read whose declared sizes add up to more than MAX_EXPANSION times the archive's
//     size (a zip bomb), or an entry that inflates past its declared size (yauzl's
//     validateEntrySizes stops it at the first byte over).
// Nothing is ever written to disk, so no entry name is used as a path. yauzl (a streaming,
// random-access reader over the file descriptor) reads only the central directory and the entries
// asked for; the archive itself is never loaded whole.
import { statSync } from 'node:fs';
import yauzl from 'yauzl';
import { EdgeqatError } from '../../../runtime/errors.js';

export const MAX_ENTRIES = 1000;
/** Bytes read out of an archive, at most this many times the archive's own size. */
export const MAX_EXPANSION = 2;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export interface ZipRead {
  entries: ZipEntryInfo[];
  /** The entries asked for that the archive has. */
  data: Map<string, Uint8Array>;
  /** Bytes inflated out of the archive (the memory this read used for entry data). */
  bytesRead: number;
}

const STORED = 0;
const DEFLATE = 8;
const UTF8_FLAG = 0x800;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!;
}

/** A printable, one-line form of a (hostile) entry name. */
function shown(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

/** Why an entry name would point outside the archive's folder, or null when it is a plain relative path. */
export function unsafeEntryName(name: string): string | null {
  if (name.includes('\0')) return 'has a NUL byte';
  if (name.includes('\\')) return 'has a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return "has a '..' segment (a path outside the archive's folder)";
  return null;
}

function decodeName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  return raw.toString(entry.generalPurposeBitFlag & UTF8_FLAG ? 'utf8' : 'latin1');
}

function open(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip!)));
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const out = new Uint8Array(entry.uncompressedSize);
      let at = 0;
      stream!.on('data', (chunk: Buffer) => {
        // yauzl checks this too (validateEntrySizes); checked here so nothing is written past `out`.
        if (at + chunk.length > out.length) {
          stream!.destroy(new Error(`inflates past its declared ${entry.uncompressedSize} bytes`));
          return;
        }
        out.set(chunk, at);
        at += chunk.length;
      });
      stream!.on('error', reject);
      stream!.on('end', () => (at === out.length ? resolve(out) : reject(new Error(`holds ${at} bytes, its header says ${out.length}`))));
    });
  });
}

/** Reads the entries named in `wanted` (others are listed, not read). Every problem is one line naming `path`. */
export async function readZipEntries(path: string, wanted: readonly string[]): Promise<ZipRead> {
  const fail = (what: string) => new EdgeqatError('E_MODEL_FILE', `${path}: ${what}`);
  const fileBytes = statSync(path).size;
  let zip: yauzl.ZipFile;
  try {
    zip = await open(path);
  } catch (e) {
    throw fail(`not a zip archive (${firstLine(e)})`);
  }
  try {
    if (zip.entryCount > MAX_ENTRIES) throw fail(`zip archive lists ${zip.entryCount} entries, more than the ${MAX_ENTRIES} accepted (a zip bomb?)`);
    let raw: yauzl.Entry[];
    try {
      raw = await listEntries(zip);
    } catch (e) {
      throw fail(`corrupt zip archive (${firstLine(e)})`);
    }
    const seen = new Set<string>();
    const entries: ZipEntryInfo[] = [];
    const toRead: [string, yauzl.Entry][] = [];
    for (const entry of raw) {
      const name = decodeName(entry);
      const unsafe = unsafeEntryName(name);
      if (unsafe) throw fail(`zip entry ${shown(name)} ${unsafe}; refused`);
      if (seen.has(name)) throw fail(`zip entry ${shown(name)} appears twice; refused`);
      seen.add(name);
      entries.push({ name, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
      if (!wanted.includes(name)) continue;
      if (entry.isEncrypted()) throw fail(`zip entry ${shown(name)} is encrypted`);
      if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATE) {
        throw fail(`zip entry ${shown(name)} uses compression method ${entry.compressionMethod} (stored and deflate are supported)`);
      }
      toRead.push([name, entry]);
    }
    const declared = toRead.reduce((n, [, e]) => n + e.uncompressedSize, 0);
    if (declared > MAX_EXPANSION * fileBytes) {
      throw fail(`zip entries ${toRead.map(([n]) => shown(n)).join(', ')} would expand to ${declared} bytes, more than ${MAX_EXPANSION}× the archive's ${fileBytes} bytes (a zip bomb?)`);
    }
    const data = new Map<string, Uint8Array>();
    let bytesRead = 0;
    for (const [name, entry] of toRead) {
      try {
        data.set(name, await readEntry(zip, entry));
      } catch (e) {
        throw fail(`zip entry ${shown(name)} is corrupt (${firstLine(e)})`);
      }
      bytesRead += entry.uncompressedSize;
    }
    return { entries, data, bytesRead };
  } finally {
    zip.close();
  }
}
