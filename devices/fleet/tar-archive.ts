// A POSIX ustar archive of a folder's files (POSIX.1-2001 pax "ustar Interchange Format": 512-byte
// header per file, octal fields, data padded to 512 bytes, two zero blocks at the end). The
// generated playbook ships the bundle as one archive: one upload per host instead of one per file
// (each file of a copied folder costs Ansible several round trips), unpacked on the device by tar.
// Only regular files; directories are made by tar from the paths. Names over 100 bytes are refused
// (a bundle's are short), so the prefix field is never needed.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';

const BLOCK = 512;

/** The archive of `files` (paths relative to `dir`, '/'-separated), modes and mtimes from the files. */
export function tarArchive(dir: string, files: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const rel of files) {
    const name = Buffer.from(rel, 'utf8');
    if (name.length > 100) throw new EdgeqatError('E_IO', `${rel}: a file name over 100 bytes cannot go into the playbook's archive`);
    const data = readFileSync(join(dir, rel));
    const st = statSync(join(dir, rel));
    const header = Buffer.alloc(BLOCK);
    name.copy(header, 0);
    octal(header, 100, 8, st.mode & 0o777);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, data.length);
    octal(header, 136, 12, Math.floor(st.mtimeMs / 1000));
    header.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
    header.write('0', 156, 'latin1'); // regular file
    header.write('ustar\u000000', 257, 'latin1');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    parts.push(header, data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** An octal number filling `len` bytes: len - 1 digits and a NUL. */
function octal(buf: Buffer, at: number, len: number, value: number): void {
  buf.write(`${value.toString(8).padStart(len - 1, '0')}\u0000`, at, 'latin1');
}
