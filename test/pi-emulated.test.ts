// An emulated Raspberry Pi: Debian bookworm's arm64 Node 18 (what Raspberry Pi OS bookworm ships)
// from a sysroot built by scripts/make-pi-sysroot.sh, run under qemu-aarch64-static with the
// profile's core (-cpu cortex-a72 for rpi4). The bundle must give int8 outputs identical to the
// x86 run. Emulated latency is printed; it is emulation cost, not a Pi's speed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { exportMlp } from './helpers/mlp-model.js';
import { skipOrFail } from './helpers/needs.js';
import { runCli } from './helpers/run-cli.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const QEMU = '/usr/bin/qemu-aarch64-static';
const sysroot = process.env.EDGEQAT_PI_SYSROOT || join(repo, '.cache', 'pi-sysroot');
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-pi-'));
let skipReason: string | null = null;
let model = '';

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

async function runX86(bundle: string): Promise<RunnerReport> {
  const r = await spawnAsync(process.execPath, [join(bundle, 'run.js'), '--json'], { cwd: tmpdir() });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function runEmulated(bundle: string, cpu: string): Promise<{ report: RunnerReport; seconds: number }> {
  const start = performance.now();
  const r = await spawnAsync(QEMU, ['-cpu', cpu, '-L', sysroot, join(sysroot, 'usr/bin/node'), join(bundle, 'run.js'), '--json', '--iterations', '200', '--warmup', '20'], { cwd: tmpdir() });
  expect(r.status, r.stderr || String(r.error)).toBe(0);
  return { report: JSON.parse(r.stdout), seconds: (performance.now() - start) / 1000 };
}

async function bundle(engine: string): Promise<string> {
  const out = join(tmp, `bundle-${engine}`);
  const r = await runCli(['bundle', model, '--device', 'rpi4', '--engine', engine, '--with-samples', '100', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

async function compare(ctx: TestContext, engine: string): Promise<void> {
  if (skipReason) skipOrFail(ctx, skipReason);
  const dir = await bundle(engine);
  const x86 = await runX86(dir);
  const { report: arm, seconds } = await runEmulated(dir, 'cortex-a72');
  expect(arm).toMatchObject({ arch: 'arm64', platform: 'linux', engine, device: 'rpi4' });
  expect(arm.node).toMatch(/^v18\./);
  expect(arm.samples!.outputs_over).toBe('int8');
  expect(arm.samples!.outputs_sha256).toBe(x86.samples!.outputs_sha256);
  expect(arm.samples!.correct).toBe(x86.samples!.correct);
  console.log(
    `${engine} on emulated rpi4 (qemu cortex-a72, Node ${arm.node}): p50 ${arm.p50_us} µs vs x86 ${x86.p50_us} µs, ` +
      `load ${(arm.load_us / 1000).toFixed(0)} ms, whole run ${seconds.toFixed(1)} s; int8 outputs sha256 ${arm.samples!.outputs_sha256} on both`,
  );
}

describe('the bundle on an emulated Raspberry Pi (arm64, Node 18)', () => {
  beforeAll(async () => {
    if (!existsSync(QEMU)) {
      skipReason = `${QEMU} not found (apt-get install qemu-user-static; .ci/run does)`;
      return;
    }
    const built = await spawnAsync('bash', [join(repo, 'scripts/make-pi-sysroot.sh'), sysroot]);
    if (built.status !== 0) {
      skipReason = `the arm64 Node 18 sysroot could not be built here: ${lastLine(built.stderr) || lastLine(built.stdout) || String(built.error)}`;
      return;
    }
    model = await exportMlp(tmp);
  }, 900_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs the reference-engine bundle with int8 outputs identical to x86', (ctx) => compare(ctx, 'reference'), 600_000);
  it('runs the tfjs-tflite bundle (WebAssembly SIMD) with int8 outputs identical to x86', (ctx) => compare(ctx, 'tfjs-tflite'), 600_000);
});
