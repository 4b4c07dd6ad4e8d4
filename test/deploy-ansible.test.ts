// `edgeqat bundle … --ansible playbook/` run by Debian's real ansible-playbook against loopback
// devices (helpers/fleet.ts), with the inventory edgeqat deploys from, unchanged: it installs the
// bundle (the device has exactly its files, verified), collects the runners' JSON, changes nothing
// on a second run (changed=0 in the recap), and shares the device layout with `edgeqat deploy`,
// which then deploys and rolls back across it. In CI a missing ansible fails (helpers/needs.ts).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FleetHostResult } from '../devices/fleet/fleet-run.js';
import { iniHost, startFleet, type TestFleet } from './helpers/fleet.js';
import { describeNeeding } from './helpers/needs.js';
import { sshUnavailable } from './helpers/ssh-server.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-ansible-test-'));
const model = join(tmp, 'mlp.tflite');
const HOSTS = ['pi-x', 'pi-y', 'pi-z'];
let fleet: TestFleet;

function missing(): string | null {
  const ssh = sshUnavailable();
  if (ssh) return ssh;
  try {
    execFileSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'ansible-playbook not found (apt-get install ansible; .ci/run does)';
  }
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: tmp, env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const cli = (args: string[]) => run(process.execPath, ['--import', tsx, join(repo, 'toolkit/cli/index.ts'), ...args]);

/** ansible-playbook with nothing of the machine's or the user's configuration; ssh as edgeqat's tests use it. */
function playbook() {
  const home = join(tmp, '.ansible');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(tmp, 'ansible.cfg'), '');
  return run('ansible-playbook', ['-i', 'hosts.ini', 'playbook/deploy.yml'], {
    ANSIBLE_CONFIG: join(tmp, 'ansible.cfg'),
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    // One login per host for all of a run's tasks (each task is an ssh command); closed by closeMasters().
    ANSIBLE_SSH_ARGS: `-F ${fleet.sshConfig} -o ControlMaster=auto -o ControlPersist=60s`,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_PIPELINING: 'true',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
  });
}

const controlDir = join(tmp, 'cp');

/** Ends ansible's master connections now instead of ControlPersist's 60 s later: no process outlives the test. */
async function closeMasters(): Promise<void> {
  if (!existsSync(controlDir)) return;
  for (const socket of readdirSync(controlDir)) await run('ssh', ['-o', `ControlPath=${join(controlDir, socket)}`, '-O', 'exit', 'edgeqat-test']);
}

/** `host : ok=… changed=N …` from the PLAY RECAP. */
function recap(stdout: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const at = stdout.indexOf('PLAY RECAP');
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s*:\s*(.*)$/.exec(line.trim());
    if (m) out[m[1]] = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  }
  return out;
}

/** Every file under a folder, relative, sorted. */
const filesIn = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
const deployDir = (host: string) => join(fleet.devices.get(host.slice(3))!.home, 'edgeqat');
const link = (host: string, name = 'mlp') => readlinkSync(join(deployDir(host), name));

describeNeeding(missing(), 'edgeqat bundle --ansible: the same install by ansible-playbook', () => {
  beforeAll(async () => {
    copyFileSync(join(repo, 'test/fixtures/edgeqat-mlp.tflite'), model);
    fleet = await startFleet(join(tmp, 'fleet'), [
      ['x', 'healthy'],
      ['y', 'healthy'],
      ['z', 'healthy'],
    ]);
    writeFileSync(
      join(tmp, 'hosts.ini'),
      [
        '[pis]',
        ...HOSTS.map((h) => iniHost(h, fleet.devices.get(h.slice(3))!)),
        '[pis:vars]',
        'edgeqat_device=rpi4',
        `edgeqat_node=${process.execPath}`,
        `ansible_user=${fleet.user}`,
        'ansible_python_interpreter=/usr/bin/python3',
        '',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await closeMasters();
    await fleet?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  let playbookOutputs = '';
  it('writes the playbook; ansible-playbook installs exactly the bundle, verified, and collects identical outputs', async () => {
    const b = await cli(['bundle', model, '--device', 'rpi4', '--with-samples', '25', '--out', 'bundle', '--ansible', 'playbook']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain(`wrote ${join(tmp, 'playbook')}: an Ansible playbook and role installing it (7 bundle files)`);

    const first = await playbook();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const r1 = recap(first.stdout);
    expect(Object.keys(r1).sort()).toEqual(HOSTS);
    for (const h of HOSTS) {
      expect(r1[h]).toMatchObject({ failed: 0, unreachable: 0 });
      expect(r1[h].changed).toBeGreaterThan(0);
      // The device holds the bundle edgeqat made, byte for byte (its SHA256SUMS covers every file), and it checks.
      const installed = join(deployDir(h), 'mlp');
      expect(link(h)).toMatch(/^\.edgeqat-bundles\/[0-9a-f]{16}-[0-9a-f]{8}$/);
      expect(readFileSync(join(installed, 'SHA256SUMS'), 'utf8')).toBe(readFileSync(join(tmp, 'bundle', 'SHA256SUMS'), 'utf8'));
      execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: installed });
      expect(filesIn(installed)).toEqual(filesIn(join(tmp, 'bundle')));
      expect(readdirSync(deployDir(h)).filter((f) => f.startsWith('.edgeqat-incoming-'))).toEqual([]); // no staging folder, no archive
    }
    const byHost = JSON.parse(readFileSync(join(tmp, 'playbook', 'results.json'), 'utf8'));
    expect(Object.keys(byHost).sort()).toEqual(HOSTS);
    const reports = HOSTS.map((h) => byHost[h]);
    for (const r of reports) expect(r).toMatchObject({ runner: 'edgeqat-bundle', device: 'rpi4', verified_files: 5, samples: { count: 25, outputs_over: 'int8' } });
    expect(new Set(reports.map((r) => r.samples.outputs_sha256)).size).toBe(1);
    playbookOutputs = reports[0].samples.outputs_sha256;
    expect(new Set(HOSTS.map((h) => link(h))).size).toBe(1); // same bundle, same name: the same folder name everywhere
  });

  it('a second run changes nothing (changed=0 on every host)', async () => {
    const before = HOSTS.map((h) => link(h));
    const second = await playbook();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const r2 = recap(second.stdout);
    for (const h of HOSTS) expect(r2[h], h).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(HOSTS.map((h) => link(h))).toEqual(before);
  });

  it('edgeqat deploy --inventory on the same hosts: same outputs; the playbook\'s bundle becomes the previous one, and --rollback returns to it', async () => {
    const ansibleInstalled = HOSTS.map((h) => link(h));
    const d = await cli(['deploy', model, '--inventory', 'hosts.ini', '--ssh-config', fleet.sshConfig, '--with-samples', '25', '--json']);
    expect(d.code, d.stderr).toBe(0);
    const results: FleetHostResult[] = d.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.host, r.result, r.outputs_sha256])).toEqual(HOSTS.map((h) => [h, 'ok', playbookOutputs]));
    HOSTS.forEach((h, i) => expect(readlinkSync(join(deployDir(h), '.edgeqat-previous-mlp'))).toBe(ansibleInstalled[i]));

    const back = await cli(['deploy', '--rollback', '--name', 'mlp', '--inventory', 'hosts.ini', '--ssh-config', fleet.sshConfig, '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(HOSTS.map((h) => link(h))).toEqual(ansibleInstalled);
    expect(existsSync(join(deployDir('pi-x'), 'mlp', 'run.js'))).toBe(true);
  });
});
