// Every file edgeqat writes goes through here: write a temp file in the same folder, fsync, rename,
// fsync the folder. A crash or a full disk leaves either the old file or the new one, never a
// half-written file (docs/crash-safety.md). The temp name has 64 random bits and is created
// exclusively (O_EXCL), so nobody can plant a file or symlink there for the write to follow.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EdgeqatError } from './errors.js';
import { killPoint } from './test-kill-switch.js';

function writeAll(fd: number, bytes: Uint8Array, from: number, to: number): void {
  let off = from;
  while (off < to) off += writeSync(fd, bytes, off, to - off);
}

/** fsync of the folder makes the rename itself durable (POSIX: rename updates the directory). */
function fsyncFolder(dir: string): void {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync there
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const name = basename(path);
  const tmp = join(dir, `.${name}.tmp-${randomBytes(8).toString('hex')}`);
  let created = false;
  try {
    mkdirSync(dir, { recursive: true });
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const fd = openSync(tmp, 'wx', 0o666);
    created = true;
    try {
      const half = bytes.length >> 1;
      writeAll(fd, bytes, 0, half);
      killPoint('partial', name);
      writeAll(fd, bytes, half, bytes.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    killPoint('complete', name);
    renameSync(tmp, path);
    created = false;
    killPoint('renamed', name);
    fsyncFolder(dir);
  } catch (e) {
    if (created) rmSync(tmp, { force: true });
    if (e instanceof EdgeqatError) throw e;
    throw new EdgeqatError('E_IO', `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
