// Host keys are always checked (issue #13 §4), against a real sshd on 127.0.0.1: edgeqat passes
// StrictHostKeyChecking=yes on the command line, which wins over an ssh_config that turns the check
// off. An unknown host is refused in one line naming the ssh-keyscan command (which, run as told,
// makes the next deploy work); --accept-new-host-key records the key on first contact; a changed
// key is refused even then (deploy and --rollback alike).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeNeeding } from './helpers/needs.js';
import { sshUnavailable, startSshServer, type SshServer } from './helpers/ssh-server.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-host-keys-'));
const model = join(tmp, 'mlp.tflite');
const knownHosts = join(tmp, 'known_hosts');
const config = join(tmp, 'ssh_config');
let server: SshServer;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, join(repo, 'toolkit/cli/index.ts'), ...args], { cwd: repo, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const deploy = (...extra: string[]) =>
  cli(['deploy', model, '--host', server.host, '--port', String(server.port), '--ssh-config', config, '--node', process.execPath, '--dir', join(tmp, 'device'), '--json', ...extra]);
const hostKey = () => server.knownHostsLine.split(' ').slice(1).join(' ');

describeNeeding(sshUnavailable(), 'host keys are always checked', () => {
  beforeAll(async () => {
    server = await startSshServer({ home: join(tmp, 'home') });
    copyFileSync(join(repo, 'test/fixtures/edgeqat-mlp.tflite'), model);
    // A user config that turns checking off: edgeqat's own -o StrictHostKeyChecking=yes must win.
    writeFileSync(
      config,
      ['Host *', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking no', `  IdentityFile ${server.identity}`, '  IdentitiesOnly yes', '  IdentityAgent none', '  LogLevel ERROR', ''].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('an unknown host is refused in one line telling how to add its key, whatever the ssh_config says; the advice works', async () => {
    writeFileSync(knownHosts, '');
    const r = await deploy();
    expect(r.code).toBe(1);
    const keyscan = `ssh-keyscan -p ${server.port} 127.0.0.1 >> ~/.ssh/known_hosts`;
    expect(r.stderr).toBe(`edgeqat: error: ${server.host}:${server.port}: host key not known: check the device's fingerprint, then add it with \`${keyscan}\`, or pass --accept-new-host-key on first contact\n`);
    expect(readFileSync(knownHosts, 'utf8')).toBe(''); // nothing recorded

    // Do what it says (into this test's known_hosts instead of ~/.ssh/known_hosts): then it deploys.
    const scanned = execFileSync('ssh-keyscan', ['-p', String(server.port), '-t', 'ed25519', '127.0.0.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(knownHosts, scanned);
    const ok = await deploy();
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).outputs_match).toBeNull();
  });

  it('--accept-new-host-key records the key of a host seen for the first time', async () => {
    writeFileSync(knownHosts, '');
    const first = await deploy('--accept-new-host-key');
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(knownHosts, 'utf8')).toContain(`[127.0.0.1]:${server.port} ${hostKey()}`);
  });

  it('a changed host key is refused, with or without --accept-new-host-key', async () => {
    const other = join(tmp, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const wrong = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${wrong}\n`);
    const changed = `edgeqat: error: ${server.host}:${server.port}: host key CHANGED since it was recorded (a reinstalled device, or someone in between): refused; if you know why, remove the old key with ssh-keygen -R '[127.0.0.1]:${server.port}' and add the new one\n`;
    // --rollback connects without bundling first: the same connection, the same check, sooner.
    for (const extra of [[], ['--accept-new-host-key']]) {
      const r = await deploy('--rollback', ...extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(changed);
    }
    expect(readFileSync(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${wrong}\n`);
  });
});
