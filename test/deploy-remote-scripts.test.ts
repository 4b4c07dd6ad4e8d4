// The device-side scripts of `edgeqat deploy` (devices/deploy/remote-scripts.ts), run by the real
// `sh` here exactly as ssh runs them on a device (`sh -c '<script>' edgeqat "$1" …`), against a
// folder standing for the device's home. What they may remove is the point: only bundles whose link
// target is exactly `.edgeqat-bundles/<id>`, never `.edgeqat-bundles/../x` (issue #13 §4).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newBundleId } from '../devices/deploy/deploy.js';
import { BUNDLE_ID, INSTALL_SCRIPT, PREPARE_SCRIPT, PROLOGUE, ROLLBACK_SCRIPT } from '../devices/deploy/remote-scripts.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-remote-scripts-'));
const home = join(tmp, 'home');
const dir = join(home, 'edgeqat');
mkdirSync(home);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One script as the device runs it; HOME is the stand-in home. */
function sh(script: string, args: string[]) {
  const r = spawnSync('sh', ['-c', script, 'edgeqat', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home }, cwd: home });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** prepare, copy (what scp does), install: a deploy of a small bundle whose run.js says `tag`. */
function install(tag: string) {
  const id = newBundleId();
  const args = ['~/edgeqat', 'mlp', id, process.execPath];
  expect(sh(PREPARE_SCRIPT, args).code).toBe(0);
  const stage = join(home, `.edgeqat-upload-${id}`);
  const runJs = `console.log(${JSON.stringify(tag)})\n`;
  writeFileSync(join(stage, 'run.js'), runJs);
  writeFileSync(join(stage, 'SHA256SUMS'), `${createHash('sha256').update(runJs).digest('hex')}  run.js\n`);
  const r = sh(INSTALL_SCRIPT, args);
  expect(r.code, r.stderr).toBe(0);
  return id;
}

const link = () => readlinkSync(join(dir, 'mlp'));
const previous = () => (existsSync(join(dir, '.edgeqat-previous-mlp')) || isLink(join(dir, '.edgeqat-previous-mlp')) ? readlinkSync(join(dir, '.edgeqat-previous-mlp')) : null);
const bundles = () => readdirSync(join(dir, '.edgeqat-bundles')).sort();
function isLink(p: string): boolean {
  try {
    readlinkSync(p);
    return true;
  } catch {
    return false;
  }
}

describe('device-side install and rollback scripts', () => {
  it('is_bundle accepts exactly .edgeqat-bundles/<id>, as BUNDLE_ID says', () => {
    const values = [
      `.edgeqat-bundles/${newBundleId()}`,
      '.edgeqat-bundles/0123456789abcdef-0123abcd',
      '.edgeqat-bundles/a-00000000',
      '.edgeqat-bundles/../x',
      '.edgeqat-bundles/../../etc',
      '.edgeqat-bundles/abc-1234abcd/../../x',
      '.edgeqat-bundles/abc-1234abc',
      '.edgeqat-bundles/abc-1234abcde',
      '.edgeqat-bundles/ABC-1234abcd',
      '.edgeqat-bundles/0123456789abcdefg-1234abcd',
      '.edgeqat-bundles/-1234abcd',
      '.edgeqat-bundles/a-b-1234abcd',
      '.edgeqat-bundles/replaced-abc-1234abcd',
      '.edgeqat-bundles/abc-1234abcg',
      '.edgeqat-bundles/abc-1234abcd\n../../x',
      '.edgeqat-bundles/abc-1234abcd ',
      '.edgeqat-bundles/',
      'x/.edgeqat-bundles/abc-1234abcd',
      '/abs/.edgeqat-bundles/abc-1234abcd',
      '',
    ];
    for (const v of values) {
      const r = sh(`${PROLOGUE}\nis_bundle "$5"`, ['~', 'n', 'id', 'node', v]);
      const expected = v.startsWith('.edgeqat-bundles/') && BUNDLE_ID.test(v.slice('.edgeqat-bundles/'.length));
      expect({ v, ok: r.code === 0 }).toEqual({ v, ok: expected });
    }
    expect(values.filter((v) => v.startsWith('.edgeqat-bundles/') && BUNDLE_ID.test(v.slice(17)))).toHaveLength(3);
  });

  it('never removes what a planted .edgeqat-bundles/../x link names, on install or rollback', () => {
    mkdirSync(dir, { recursive: true });
    const victim = join(dir, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    symlinkSync('.edgeqat-bundles/../victim', join(dir, 'mlp'));
    const first = install('one');
    expect(link()).toBe(`.edgeqat-bundles/${first}`);
    expect(existsSync(join(victim, 'precious.txt'))).toBe(true); // the old script ran rm -rf on it
    expect(previous()).toBeNull(); // not ours: not recorded for a rollback either

    const second = install('two');
    expect(previous()).toBe(`.edgeqat-bundles/${first}`);
    expect(bundles()).toEqual([first, second].sort());
    const third = install('three');
    expect(link()).toBe(`.edgeqat-bundles/${third}`);
    expect(previous()).toBe(`.edgeqat-bundles/${second}`);
    expect(bundles()).toEqual([second, third].sort()); // current and previous kept, the one before removed

    // A previous link planted to point outside: the next install does not follow it for removal.
    rmSync(join(dir, '.edgeqat-previous-mlp'));
    symlinkSync('.edgeqat-bundles/../victim', join(dir, '.edgeqat-previous-mlp'));
    const fourth = install('four');
    expect(existsSync(join(victim, 'precious.txt'))).toBe(true);
    expect(previous()).toBe(`.edgeqat-bundles/${third}`);
    expect(bundles()).toEqual([second, third, fourth].sort()); // `second` was no longer named by a link: left alone
    rmSync(join(dir, '.edgeqat-bundles', second), { recursive: true });

    // ... nor is it switched to by a rollback.
    rmSync(join(dir, '.edgeqat-previous-mlp'));
    symlinkSync('.edgeqat-bundles/../victim', join(dir, '.edgeqat-previous-mlp'));
    const refused = sh(ROLLBACK_SCRIPT, ['~/edgeqat', 'mlp', newBundleId(), process.execPath]);
    expect(refused.code).toBe(8);
    expect(refused.stderr.trim()).toBe(`edgeqat-remote: ${dir}/.edgeqat-previous-mlp points at '.edgeqat-bundles/../victim', not at an edgeqat bundle: refused`);
    expect(link()).toBe(`.edgeqat-bundles/${fourth}`);
    expect(existsSync(join(victim, 'precious.txt'))).toBe(true);
    rmSync(join(dir, '.edgeqat-previous-mlp'));
    symlinkSync(`.edgeqat-bundles/${third}`, join(dir, '.edgeqat-previous-mlp'));
  });

  it('rolls back to the checked previous bundle and forward again; refuses a tampered one', () => {
    const current = link();
    const before = previous()!;
    const args = () => ['~/edgeqat', 'mlp', newBundleId(), process.execPath];
    const back = sh(ROLLBACK_SCRIPT, args());
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe(`dir ${dir}\nrolledback ${before} ${current}\n`);
    expect(link()).toBe(before);
    expect(previous()).toBe(current);
    expect(spawnSync(process.execPath, [join(dir, 'mlp', 'run.js')], { encoding: 'utf8' }).stdout).toBe('three\n');
    const forward = sh(ROLLBACK_SCRIPT, args());
    expect(forward.code, forward.stderr).toBe(0);
    expect(link()).toBe(current);

    writeFileSync(join(dir, before, 'run.js'), 'console.log("tampered")\n');
    const tampered = sh(ROLLBACK_SCRIPT, args());
    expect(tampered.code).toBe(6);
    expect(tampered.stderr.trim()).toBe(`edgeqat-remote: the previous bundle ${dir}/${before} does not match its checksums: refused`);
    expect(link()).toBe(current);
    expect(readdirSync(dir).filter((f) => f.startsWith('.edgeqat-link-') || f.startsWith('.edgeqat-incoming-'))).toEqual([]);
  });
});
