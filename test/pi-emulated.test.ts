// An emulated Raspberry Pi: Debian bookworm's arm64 Node 18 (what Raspberry Pi OS bookworm ships)
// from a sysroot built by scripts/make-pi-sysroot.sh, run under qemu-aarch64-static with the
// profile's core (-cpu cortex-a72 for rpi4). The bundle must give int8 outputs identical to the
// x86 run. Emulated latency is printed; it is emulation cost, not a Pi's speed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { exportMlp } from './helpers/mlp-model.js';
import { skipOrFail } from './helpers/needs.js';
import { runCli } from './helpers/run-cli.js';
import { spawnAsync } from './helpers/spawn-async.js';
import { KWS_FIXTURE, needAudioTools, soxWordStream, STREAM_VOICE, STREAM_WORDS, tinySpeechCommands } from './helpers/speech-data.js';

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

  // The keyword spotter: the front end in the bundle makes the same features (bit for bit) on the
  // emulated Pi as on x86, `node run.js clip.wav` names the words, `--listen` spots a recording's.
  it('runs the kws-dscnn bundle: same MFCC features and int8 outputs, clips and a stream heard as on x86', async (ctx) => {
    if (skipReason) skipOrFail(ctx, skipReason);
    needAudioTools(ctx);
    const tiny = tinySpeechCommands();
    const dir = join(tmp, 'bundle-kws');
    const made = await runCli(['bundle', KWS_FIXTURE, '--device', 'rpi4', '--with-samples', '12', '--dataset', `speech-commands:${tiny}`, '--out', dir]);
    expect(made.code, made.stderr).toBe(0);
    const x86 = await runX86(dir);
    // Long emulated runs go through an async spawn: a spawnSync would block the test worker's RPC.
    const emulated = (args: string[], input?: Buffer) => spawnAsync(QEMU, ['-cpu', 'cortex-a72', '-L', sysroot, join(sysroot, 'usr/bin/node'), join(dir, 'run.js'), ...args], { cwd: tmpdir(), input });
    const host = (args: string[], input?: Buffer) => spawnAsync(process.execPath, [join(dir, 'run.js'), ...args], { cwd: tmpdir(), input });
    const report = await emulated(['--json', '--iterations', '20', '--warmup', '2']);
    expect(report.status, report.stderr).toBe(0);
    const arm = JSON.parse(report.stdout) as RunnerReport;
    expect(arm.arch).toBe('arm64');
    expect(arm.samples!.features_sha256).toBe(x86.samples!.features_sha256);
    expect(arm.samples!.outputs_sha256).toBe(x86.samples!.outputs_sha256);
    expect(arm.samples!.correct).toBe(x86.samples!.correct);

    const clips = [join(tiny, 'yes'), join(tiny, 'go')].map((d) => join(d, readdirSync(d).sort()[0]));
    const clipsArm = await emulated(['--json', ...clips]);
    expect(clipsArm.status, clipsArm.stderr).toBe(0);
    expect(JSON.parse(clipsArm.stdout).clips).toEqual(JSON.parse((await host(['--json', ...clips])).stdout).clips);

    const stream = readFileSync(soxWordStream(tmp, STREAM_WORDS, STREAM_VOICE));
    const started = performance.now();
    const heardArm = await emulated(['--listen', '--json'], stream);
    expect(heardArm.status, heardArm.stderr).toBe(0);
    expect(heardArm.stdout).toBe((await host(['--listen', '--json'], stream)).stdout);
    const words = heardArm.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { word: string }).word);
    expect(words).toEqual(STREAM_WORDS);
    console.log(`kws bundle on emulated rpi4: features sha256 ${(arm.samples!.features_sha256 ?? '').slice(0, 16)}… on both, front end ${arm.samples!.front_end_us} µs/clip (x86 ${x86.samples!.front_end_us}), --listen on ${(stream.length / 32000).toFixed(1)} s of audio took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 900_000);
});
