// The atomic write (runtime/atomic-write.ts): a temp name nobody can predict, created exclusively
// (a file or symlink planted at that name makes the write fail, never followed), the folder fsynced
// after the rename, and the test-only kill switch inert unless set.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const fsyncs = vi.hoisted(() => ({ dirs: 0, files: 0 }));
const fixedRandom = vi.hoisted(() => ({ hex: null as string | null }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsyncSync = (fd: number) => {
    if (fs.fstatSync(fd).isDirectory()) fsyncs.dirs++;
    else fsyncs.files++;
    return fs.fsyncSync(fd);
  };
  return { ...fs, default: { ...fs, fsyncSync }, fsyncSync };
});
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = (n: number) => (fixedRandom.hex ? Buffer.from(fixedRandom.hex, 'hex') : crypto.randomBytes(n));
  return { ...crypto, default: { ...crypto, randomBytes }, randomBytes };
});

const { writeFileAtomic } = await import('../runtime/atomic-write.js');
const repo = fileURLToPath(new URL('..', import.meta.url));

describe('writeFileAtomic', () => {
  afterEach(() => {
    fixedRandom.hex = null;
    fsyncs.dirs = fsyncs.files = 0;
  });

  it('writes through a temp name with 64 random bits, then fsyncs the file and the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeqat-atomic-'));
    const target = join(dir, 'run.json');
    fixedRandom.hex = '0123456789abcdef';
    // A file already at the temp name proves the name in use: the write must fail, not overwrite it.
    writeFileSync(join(dir, '.run.json.tmp-0123456789abcdef'), 'someone else');
    expect(() => writeFileAtomic(target, 'x')).toThrow(/run\.json: cannot write \(EEXIST\)/);
    expect(readFileSync(join(dir, '.run.json.tmp-0123456789abcdef'), 'utf8')).toBe('someone else');
    fixedRandom.hex = null;
    writeFileAtomic(target, '{"a":1}');
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}');
    expect(fsyncs.files).toBe(1);
    expect(fsyncs.dirs).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['.run.json.tmp-0123456789abcdef', 'run.json']); // no temp of its own left
  });

  it('never follows a symlink planted at the temp name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeqat-atomic-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    fixedRandom.hex = 'fedcba9876543210';
    symlinkSync(victim, join(dir, '.model.tflite.tmp-fedcba9876543210'));
    expect(() => writeFileAtomic(join(dir, 'model.tflite'), new Uint8Array([1, 2, 3]))).toThrow(/cannot write \(EEXIST\)/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, '.model.tflite.tmp-fedcba9876543210')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'model.tflite'))).toBe(false);
  });

  it('the test-only kill switch: a malformed value is one line; unset, nothing happens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeqat-atomic-'));
    const script = `import('./runtime/atomic-write.ts').then((m) => m.writeFileAtomic(${JSON.stringify(join(dir, 'a.json'))}, '1')).catch((e) => { console.error(e.message); process.exit(2); })`;
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
    const bad = run({ EDGEQAT_TEST_KILL_AT: 'halfway@a.json' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('EDGEQAT_TEST_KILL_AT=halfway@a.json: expected <partial|complete|renamed>@<file name>[:<nth>] (a test-only switch)');
    const other = run({ EDGEQAT_TEST_KILL_AT: 'partial@b.json' }); // another file: inert
    expect(other.status, other.stderr).toBe(0);
    const killed = run({ EDGEQAT_TEST_KILL_AT: 'complete@a.json' });
    expect(killed.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('1'); // the earlier write, whole
  });
});
