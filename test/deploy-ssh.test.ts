// `edgeqat deploy` against a real OpenSSH server on 127.0.0.1 (test/helpers/ssh-server.ts): the
// real CLI, the system's ssh/scp, a throwaway host key, user key and known_hosts. The "device" is
// this machine, so the test can look at what landed on its disk.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeployCommandResult } from '../toolkit/cli/commands/deploy.js';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { exportMlp } from './helpers/mlp-model.js';
import { describeNeeding } from './helpers/needs.js';
import { runCli } from './helpers/run-cli.js';
import { freePort, sshUnavailable, startSshServer, type SshServer } from './helpers/ssh-server.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const unavailable = sshUnavailable();
const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-deploy-test-'));
const deployDir = join(tmp, 'device', 'edgeqat');
let server: SshServer;
let model = '';

function deployArgs(extra: string[], modelPath = model, dir = deployDir): string[] {
  return ['deploy', modelPath, '--host', server.host, '--port', String(server.port), '--ssh-config', server.configFile, '--node', process.execPath, '--dir', dir, ...extra];
}

/** The CLI in a child process we can watch and interrupt. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'toolkit/cli/index.ts'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

async function runInstalled(path: string): Promise<RunnerReport> {
  const r = await spawnAsync(process.execPath, [join(path, 'run.js'), '--json'], { cwd: os.tmpdir() });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function leftovers(): string[] {
  const staged = existsSync(deployDir) ? readdirSync(deployDir).filter((f) => f.startsWith('.edgeqat-incoming-') || f.startsWith('.edgeqat-link-')) : [];
  const uploads = readdirSync(os.homedir()).filter((f) => f.startsWith('.edgeqat-upload-'));
  return [...staged, ...uploads];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeNeeding(unavailable, 'edgeqat deploy over SSH', () => {
  beforeAll(async () => {
    server = await startSshServer();
    model = await exportMlp(tmp);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the MLP bundle, runs it on the device and returns both sets of figures', async () => {
    const r = await runCli(deployArgs(['--with-samples', '100', '--json']));
    expect(r.code, r.stderr).toBe(0);
    const result: DeployCommandResult = JSON.parse(r.stdout);
    expect(result).toMatchObject({ device: 'rpi4', ssh_host: server.host, engine: 'reference', path: join(deployDir, 'mlp'), outputs_match: true });
    for (const side of [result.figures.host, result.figures.device]) {
      expect(side).toMatchObject({ runner: 'edgeqat-bundle', engine: 'reference', verified_files: 5 });
      expect(side.p50_us).toBeGreaterThan(0);
      expect(side.samples).toMatchObject({ count: 100, outputs_over: 'int8' });
    }
    expect(result.figures.device.samples!.outputs_sha256).toBe(result.figures.host.samples!.outputs_sha256);
    expect(result.timings.total_ms).toBeGreaterThan(0);
    // On the device: <dir>/mlp is a link to one verified bundle, nothing half-done is left.
    expect(readlinkSync(join(deployDir, 'mlp'))).toMatch(/^\.edgeqat-bundles\/[0-9a-z]+-[0-9a-f]{8}$/);
    expect(readdirSync(join(deployDir, '.edgeqat-bundles'))).toHaveLength(1);
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(deployDir, 'mlp') }).status).toBe(0);
    expect(leftovers()).toEqual([]);
    console.log(`deploy round trip (bundle, host run, connect, upload, install, device run): ${result.timings.total_ms} ms`, result.timings);
  });

  it('replaces the installed bundle atomically: the path always names a whole bundle', async () => {
    const link = join(deployDir, 'mlp');
    const before = readlinkSync(link);
    const seen = new Set<string>();
    const broken: string[] = [];
    const watcher = setInterval(() => {
      try {
        const m = JSON.parse(readFileSync(join(link, 'manifest.json'), 'utf8')) as { engine: string };
        statSync(join(link, 'model.tflite'));
        seen.add(m.engine);
      } catch (e) {
        broken.push(String(e));
      }
    }, 5);
    const { done } = startCli(deployArgs(['--engine', 'tfjs-tflite', '--with-samples', '20']));
    const r = await done;
    clearInterval(watcher);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +host +device$/m);
    expect(r.stdout).toMatch(/^latency p50 +\d/m);
    expect(r.stdout).toContain('int8 outputs identical on host and device');
    expect(broken).toEqual([]);
    expect(seen.has('reference')).toBe(true);
    const after = readlinkSync(link);
    expect(after).not.toBe(before);
    expect(readdirSync(join(deployDir, '.edgeqat-bundles'))).toEqual([after.split('/')[1]]); // the old one is gone
    expect((await runInstalled(link)).engine).toBe('tfjs-tflite');
  });

  it('leaves the previous bundle working when the upload is interrupted', async () => {
    const link = join(deployDir, 'mlp');
    const before = readlinkSync(link);
    // A slow upload (scp -l) of the 5.6 MB tfjs-tflite bundle, so there is time to kill scp midway.
    const { child, done } = startCli(deployArgs(['--engine', 'tfjs-tflite', '--bandwidth', '2000']));
    let killed = false;
    while (!killed && child.exitCode === null) { // bounded by the upload itself, not by a count of polls (load)
      await sleep(50);
      const incoming = existsSync(deployDir) ? readdirSync(deployDir).find((f) => f.startsWith('.edgeqat-incoming-')) : undefined;
      if (!incoming) continue;
      const uploaded = readdirSync(join(deployDir, incoming), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
      if (uploaded < 100_000) continue;
      const ps = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout;
      const scp = ps.split('\n').map((l) => l.trim().split(/\s+/)).find(([, ppid, comm]) => Number(ppid) === child.pid && comm === 'scp');
      if (scp) {
        process.kill(Number(scp[0]), 'SIGKILL');
        killed = true;
      }
    }
    const r = await done;
    expect(killed).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(`edgeqat: error: ${server.host}: upload failed (scp ended by SIGKILL); the previous bundle is unchanged`);
    expect(readlinkSync(link)).toBe(before);
    expect((await runInstalled(link)).engine).toBe('tfjs-tflite');
    expect(leftovers()).toEqual([]);
  });

  it('passes folders and file names with spaces, quotes, ;, $() and backticks without running them', async () => {
    // A file name cannot hold '/': these would touch files in the shell's folder (home or repo), checked below.
    const nasty = `it's "my" model; touch pwned-1; $(touch pwned-2) \`touch pwned-3\``;
    const nastyModel = join(tmp, `${nasty}.tflite`);
    copyFileSync(model, nastyModel);
    const nastyDir = join(tmp, 'device', `dir with spaces; touch ${tmp}/pwned-4 $(touch ${tmp}/pwned-5) '"`);
    const r = await runCli(deployArgs(['--json'], nastyModel, nastyDir));
    expect(r.code, r.stderr).toBe(0);
    const result: DeployCommandResult = JSON.parse(r.stdout);
    expect(result.path).toBe(join(nastyDir, nasty));
    expect(existsSync(join(nastyDir, nasty, 'run.js'))).toBe(true);

    const refused = [
      ['--host', `${server.host}; touch ${tmp}/pwned-6`],
      ['--host', `-oProxyCommand=touch ${tmp}/pwned-7`],
      ['--host', `$(touch ${tmp}/pwned-8)@127.0.0.1`],
    ];
    for (const [flag, value] of refused) {
      const bad = await runCli(['deploy', model, flag, value, '--port', String(server.port), '--ssh-config', server.configFile]);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toMatch(/^edgeqat: error: --host must be \[user@\]hostname or an IP address/);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
    const badNode = await runCli(deployArgs(['--node', `node; touch ${tmp}/pwned-9`]));
    expect(badNode.code).toBe(1);
    expect(badNode.stderr.trim()).toBe(`edgeqat: error: ${server.host}: prepare failed (no 'node; touch ${tmp}/pwned-9' on the device's PATH (Raspberry Pi OS: sudo apt install nodejs; or pass --node <path>))`);
    expect(readdirSync(tmp).filter((f) => f.startsWith('pwned'))).toEqual([]);
    expect(readdirSync(os.homedir()).filter((f) => f.startsWith('pwned'))).toEqual([]);
    expect(readdirSync(repo).filter((f) => f.startsWith('pwned'))).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('fails with one clear line: closed port, refused key, a server that never answers', async () => {
    const timed = async (args: string[]) => {
      const start = performance.now();
      const r = await runCli(args);
      return { ...r, seconds: (performance.now() - start) / 1000 };
    };
    const closed = await freePort();
    const refused = await timed(['deploy', model, '--host', server.host, '--port', String(closed), '--ssh-config', server.configFile, '--timeout', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`edgeqat: error: ${server.host}:${closed}: connection refused (is sshd running there? check --port)`);

    // Same known_hosts, but a key the server does not accept.
    const stranger = join(tmp, 'stranger');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const config = join(tmp, 'stranger_config');
    writeFileSync(config, readFileSync(server.configFile, 'utf8').replace(/^ {2}IdentityFile .*$/m, `  IdentityFile ${stranger}`));
    const badKey = await timed(['deploy', model, '--host', server.host, '--port', String(server.port), '--ssh-config', config, '--identity', stranger, '--timeout', '30']);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr.trim()).toBe(`edgeqat: error: ${server.host}:${server.port}: login refused (key not accepted: add yours with ssh-copy-id, or pass --identity)`);

    // A TCP server that accepts and never speaks SSH: ConnectTimeout covers the handshake.
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const hung = await new Promise<Awaited<ReturnType<typeof timed>>>((resolve) => {
      const start = performance.now();
      const { done } = startCli(['deploy', model, '--host', server.host, '--port', String(port), '--ssh-config', server.configFile, '--timeout', '2']);
      void done.then((r) => resolve({ ...r, seconds: (performance.now() - start) / 1000 }));
    });
    silent.close();
    expect(hung.code).toBe(1);
    expect(hung.stderr.trim()).toMatch(new RegExp(`^edgeqat: error: ${server.host.replace(/\./g, '\\.')}:${port}: no answer within \\d+ s`));
    for (const r of [refused, badKey, hung]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // How fast each fails is measured by `npm run bench` (bench/time-limits.ts), not asserted here.
    console.log(`failure times (s): refused ${refused.seconds.toFixed(1)}, bad key ${badKey.seconds.toFixed(1)}, silent server ${hung.seconds.toFixed(1)}`);
  });
});
