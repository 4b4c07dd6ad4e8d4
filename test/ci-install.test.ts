// scripts/ci-install-packages.sh (run by .ci/run): a package that cannot be installed fails the
// script, and with it CI (it used to print a line and go on, leaving the tests to skip). Run with
// stand-in dpkg-query and apt-get first on PATH, which log their calls and fail on request.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/ci-install-packages.sh', import.meta.url));

/** Runs the script with dpkg-query saying `installed` are installed and apt-get exiting with `aptExit`. */
function run(installed: string[], aptExit: number, packages = ['sox', 'espeak-ng']) {
  const bin = mkdtempSync(join(tmpdir(), 'edgeqat-ci-install-'));
  const log = join(bin, 'calls.log');
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${log}'\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  shim('dpkg-query', `for p in ${installed.join(' ')}; do [ "$p" = "$3" ] && { printf 'install ok installed'; exit 0; }; done; exit 1`);
  shim('apt-get', `exit ${aptExit}`);
  const r = spawnSync('bash', [script, ...packages], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  let calls = '';
  try {
    calls = readFileSync(log, 'utf8');
  } catch {
    // no call logged
  }
  return { code: r.status, stderr: r.stderr, calls };
}

describe('ci-install-packages.sh', () => {
  it('does nothing when every package is installed', () => {
    const r = run(['sox', 'espeak-ng'], 100);
    expect(r.code).toBe(0);
    expect(r.calls).not.toMatch(/^apt-get/m);
  });

  it('installs only the missing ones', () => {
    const r = run(['sox'], 0);
    expect(r.code).toBe(0);
    expect(r.calls).toMatch(/^apt-get install -y -q espeak-ng$/m);
  });

  it('fails, naming the packages, when apt-get cannot install them (after one update)', () => {
    const r = run(['sox'], 100);
    expect(r.code).toBe(1);
    expect(r.calls).toMatch(/^apt-get update -q$/m);
    expect(r.stderr.trim()).toBe('ci-install-packages: apt-get update failed');
  });

  it('.ci/run stops on it: set -e, and no failure swallowed with || echo / || true', () => {
    const ci = readFileSync(fileURLToPath(new URL('../.ci/run', import.meta.url)), 'utf8');
    expect(ci).toMatch(/^set -euo pipefail$/m);
    expect(ci).toMatch(/^scripts\/ci-install-packages\.sh$/m);
    expect(ci).toMatch(/^scripts\/make-pi-sysroot\.sh$/m);
    expect(ci).toMatch(/^npm ci\n(#.*\n)*scripts\/build-tfjs-node\.sh\nnpm test$/m); // after npm ci, which removes it
    expect(ci).not.toMatch(/\|\|\s*(echo|true)/);
  });
});
