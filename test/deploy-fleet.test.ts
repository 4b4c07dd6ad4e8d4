// `edgeqat deploy --inventory` against a fleet of real OpenSSH servers on 127.0.0.1
// (helpers/fleet.ts): each "device" is one sshd with its own home folder and key. The real CLI,
// the system's ssh/scp, real inventories in both forms. The devices' disks are this machine's, so
// the test looks at what landed there.
//   setup   YAML inventory, hostile host names, 6 devices: 5 get bundle v1 (20 samples); the flaky
//           one fails midway through its upload and keeps the bundle it had
//   main    the INI inventory: 3 healthy, 1 down, 1 refusing the key; v2 (30 samples)
//   back    --rollback on the same inventory: the 3 return to v1 (--max-fail 2: exit 0)
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FleetHostResult } from '../devices/fleet/fleet-run.js';
import { iniHost, startFleet, type TestFleet } from './helpers/fleet.js';
import { describeNeeding } from './helpers/needs.js';
import { sshUnavailable } from './helpers/ssh-server.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-fleet-test-'));
const model = join(tmp, 'mlp.tflite');
let fleet: TestFleet;

/** The CLI in a child process, without blocking the test worker. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, join(repo, 'toolkit/cli/index.ts'), ...args], { cwd: tmp, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dev = (id: string) => fleet.devices.get(id)!;
const deployDir = (id: string) => join(dev(id).home, 'edgeqat');
/** What a device has installed: the link, the previous link, the bundle folders; and that the current one checks. */
function installed(id: string) {
  const dir = deployDir(id);
  const read = (p: string) => (existsSync(join(dir, p)) || readdirSync(dir).includes(p) ? readlinkSync(join(dir, p)) : null);
  const link = read('mlp');
  if (link) expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(dir, 'mlp') }).status, `${id}: installed bundle checks`).toBe(0);
  return { link, previous: read('.edgeqat-previous-mlp'), bundles: readdirSync(join(dir, '.edgeqat-bundles')).sort(), leftovers: readdirSync(dir).filter((f) => /^\.edgeqat-(incoming|link)-/.test(f)) };
}
/** What the down and the key-refusing devices held before the main deploy: untouched by it and by --rollback. */
let brokenBefore: Record<string, ReturnType<typeof installed>> = {};
const jsonLines = (stdout: string): FleetHostResult[] => stdout.trim().split('\n').map((l) => JSON.parse(l));

const HOSTILE = [`pi-a; touch ${tmp}/pwned-1`, '$(touch pwned-2)', '`touch pwned-3`', `it's "quoted" & <b>`, '-oProxyCommand=touch pwned-4'];
const nothingPwned = () => {
  for (const dir of [tmp, repo, os.homedir(), ...[...fleet.devices.values()].map((d) => d.home)]) expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
};

describeNeeding(sshUnavailable(), 'edgeqat deploy --inventory: a fleet of loopback devices', () => {
  beforeAll(async () => {
    copyFileSync(join(repo, 'test/fixtures/edgeqat-mlp.tflite'), model);
    fleet = await startFleet(join(tmp, 'fleet'), [
      ['a', 'healthy'],
      ['b', 'healthy'],
      ['c', 'healthy'],
      ['down', 'healthy'],
      ['badkey', 'healthy'], // accepts its own key; the main inventory names a stranger's
      ['flaky', 'flaky'],
    ]);
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('setup (YAML, hostile names): five devices get v1 with identical outputs; the flaky upload fails and keeps what was there', async () => {
    // The flaky device already holds a bundle (made by hand here: a verified folder and its link).
    const flakyDir = deployDir('flaky');
    const old = join(flakyDir, '.edgeqat-bundles', 'old0-0123abcd');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, 'run.js'), 'console.log("the bundle before")\n');
    writeFileSync(join(old, 'SHA256SUMS'), `${createHash('sha256').update('console.log("the bundle before")\n').digest('hex')}  run.js\n`);
    symlinkSync('.edgeqat-bundles/old0-0123abcd', join(flakyDir, 'mlp'));

    const host = (name: string, id: string) => [`        ${JSON.stringify(name)}:`, '          ansible_host: 127.0.0.1', `          ansible_port: ${dev(id).port}`, `          ansible_ssh_private_key_file: ${dev(id).identity}`];
    const yaml = [
      '# the same devices under hostile names: names are data',
      'all:',
      '  vars:',
      `    ansible_user: ${fleet.user}`,
      `    edgeqat_node: ${JSON.stringify(process.execPath)}`,
      '  children:',
      '    classroom:',
      '      vars: { edgeqat_device: rpi4 }',
      '      hosts:',
      ...host(HOSTILE[0], 'a'),
      ...host(HOSTILE[1], 'b'),
      ...host(HOSTILE[2], 'c'),
      ...host(HOSTILE[3], 'down'),
      ...host(HOSTILE[4], 'badkey'),
      '    flaky_ones:',
      '      hosts:',
      ...host('pi-flaky', 'flaky'),
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'setup.yml'), yaml);

    const r = await cli(['deploy', model, '--inventory', 'setup.yml', '--ssh-config', fleet.sshConfig, '--with-samples', '20', '--parallel', '3']);
    expect(r.code, r.stderr).toBe(1);
    const table = r.stdout.split('\n');
    expect(table[0]).toMatch(/^host +profile +result +p50 +int8 outputs \(sha256\)$/);
    for (const name of HOSTILE) expect(table.find((l) => l.startsWith(`${name} `)), name).toMatch(/ rpi4 +ok +\d+\.\d µs +[0-9a-f]{16}… \(= here\)$/);
    expect(table.find((l) => l.startsWith('pi-flaky '))).toMatch(/^pi-flaky +rpi4 +FAILED +- +-$/);
    // Its SFTP server's quota stops the 340+ KB runtime file: scp's own line, the previous bundle kept.
    const flaky = table.filter((l) => l.startsWith('pi-flaky: '));
    expect(flaky).toEqual([
      `pi-flaky: ${fleet.user}@127.0.0.1: upload failed (scp: write remote "${deployDir('flaky')}/.edgeqat-incoming-${flaky[0]?.match(/incoming-([0-9a-z]+-[0-9a-f]{8})\//)?.[1]}/lib/edgeqat-runtime.mjs": Failure); the previous bundle is unchanged`,
    ]);
    expect(r.stdout).toMatch(/^5 of 6 hosts deployed, identical int8 outputs on all 5; 1 failed; \d+\.\d s$/m);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('edgeqat: error: 1 of 6 hosts failed; their previous bundles are unchanged');
    // Progress (not a terminal here): one line per host as it finishes, names quoted when not plain.
    expect(r.stderr).toContain(`deploy: ${JSON.stringify(HOSTILE[1])} ok in `);
    expect(r.stderr).toMatch(/^deploy: pi-flaky failed: .*upload failed/m);

    for (const id of ['a', 'b', 'c', 'down', 'badkey']) {
      const s = installed(id);
      expect(s.link).toMatch(/^\.edgeqat-bundles\/[0-9a-z]+-[0-9a-f]{8}$/);
      expect(s.previous).toBeNull();
      expect(s.leftovers).toEqual([]);
    }
    expect(installed('flaky')).toEqual({ link: '.edgeqat-bundles/old0-0123abcd', previous: null, bundles: ['old0-0123abcd'], leftovers: [] });
    expect(readdirSync(dev('flaky').home).filter((f) => f.startsWith('.edgeqat-upload-'))).toEqual([]);
    nothingPwned();
  });

  it('main (INI, 3 healthy, 1 down, 1 refusing the key): 3 successes with identical checksums, 2 one-line failures, exit 1, previous bundles intact', async () => {
    const before = Object.fromEntries(['a', 'b', 'c', 'down', 'badkey'].map((id) => [id, installed(id)]));
    brokenBefore = { down: before.down, badkey: before.badkey };
    await dev('down').server.stop(); // its home (and bundle v1) stays: the device is off, not gone
    const ini = [
      '; the issue\'s fleet: 3 healthy, 1 down, 1 refusing the key',
      '[healthy]',
      iniHost('pi-a', dev('a')),
      iniHost('pi-b', dev('b')),
      iniHost('pi-c', dev('c')) + '   # trailing comment',
      '',
      '[broken]',
      iniHost('pi-down', dev('down')),
      iniHost('pi-badkey', dev('badkey'), fleet.strangerKey),
      '',
      '[classroom:children]',
      'healthy',
      'broken',
      '',
      '[classroom:vars]',
      'edgeqat_device=rpi4',
      `edgeqat_node="${process.execPath}"`,
      '',
      '[all:vars]',
      `ansible_user=${fleet.user}`,
      'ansible_python_interpreter=/usr/bin/python3',
      'ntp_server=pool.example.org',
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'hosts.ini'), ini);

    const r = await cli(['deploy', model, '--inventory', 'hosts.ini', '--ssh-config', fleet.sshConfig, '--with-samples', '30', '--json', '--timeout', '20']);
    expect(r.code, r.stderr).toBe(1);
    const results = jsonLines(r.stdout);
    expect(results.map((h) => [h.host, h.result])).toEqual([
      ['pi-a', 'ok'],
      ['pi-b', 'ok'],
      ['pi-c', 'ok'],
      ['pi-down', 'failed'],
      ['pi-badkey', 'failed'],
    ]);
    const ok = results.filter((h) => h.result === 'ok');
    expect(new Set(ok.map((h) => h.outputs_sha256)).size).toBe(1);
    for (const h of ok) expect(h).toMatchObject({ profile: 'rpi4', outputs_match: true, path: join(deployDir(h.host.slice(3)), 'mlp') });
    expect(ok[0].outputs_sha256).toMatch(/^[0-9a-f]{64}$/);
    const failed = Object.fromEntries(results.filter((h) => h.result === 'failed').map((h) => [h.host, h.error]));
    expect(failed).toEqual({
      'pi-down': `${fleet.user}@127.0.0.1:${dev('down').port}: connection refused (is sshd running there? check --port)`,
      'pi-badkey': `${fleet.user}@127.0.0.1:${dev('badkey').port}: login refused (key not accepted: add yours with ssh-copy-id, or pass --identity)`,
    });
    expect(r.stderr.trim().split('\n').at(-1)).toBe('edgeqat: error: 2 of 5 hosts failed; their previous bundles are unchanged');

    for (const id of ['a', 'b', 'c']) {
      const s = installed(id);
      expect(s.link).not.toBe(before[id].link);
      expect(s.previous).toBe(before[id].link); // v1 kept for --rollback
      expect(s.bundles).toHaveLength(2);
      expect(s.leftovers).toEqual([]);
    }
    for (const id of ['down', 'badkey']) expect(installed(id)).toEqual(before[id]);
  });

  it('back: --rollback restores the previous bundle on the 3 (the others fail in one line; --max-fail 2 makes it exit 0)', async () => {
    const v2 = Object.fromEntries(['a', 'b', 'c'].map((id) => [id, installed(id)]));
    const r = await cli(['deploy', '--rollback', '--name', 'mlp', '--inventory', 'hosts.ini', '--ssh-config', fleet.sshConfig, '--max-fail', '2', '--timeout', '20']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    for (const h of ['pi-a', 'pi-b', 'pi-c']) expect(lines.find((l) => l.startsWith(`${h} `))).toMatch(/ rpi4 +rolled back +\d+\.\d µs +[0-9a-f]{16}…$/);
    for (const h of ['pi-down', 'pi-badkey']) expect(lines.find((l) => l.startsWith(`${h} `))).toMatch(/ rpi4 +FAILED +- +-$/);
    expect(lines.filter((l) => /^pi-(down|badkey): /.test(l))).toHaveLength(2);
    expect(r.stdout).toMatch(/^3 of 5 hosts rolled back, identical int8 outputs on all 3; 2 failed; /m);
    for (const id of ['a', 'b', 'c']) {
      const s = installed(id);
      expect(s.link).toBe(v2[id].previous);
      expect(s.previous).toBe(v2[id].link);
      // v1 again: 20 shipped samples
      const report = JSON.parse(spawnSync(process.execPath, [join(deployDir(id), 'mlp', 'run.js'), '--json'], { encoding: 'utf8', cwd: os.tmpdir() }).stdout);
      expect(report.samples.count).toBe(20);
    }
    for (const id of ['down', 'badkey']) expect(installed(id)).toEqual(brokenBefore[id]);
  });

  it('bad inventories and options: one line naming file, line and key, exit 2, nothing contacted', async () => {
    writeFileSync(join(tmp, 'bad.ini'), ['[pis]', iniHost('pi-a', dev('a')) + ' ansible_become=true', ''].join('\n'));
    const become = await cli(['deploy', model, '--inventory', 'bad.ini', '--ssh-config', fleet.sshConfig]);
    expect(become.code).toBe(2);
    expect(become.stderr).toBe('edgeqat: error: bad.ini:2: ansible_become (host "pi-a"): not supported: edgeqat installs as the login user, without privilege escalation\n');

    writeFileSync(join(tmp, 'bad.yml'), ['all:', '  children:', '    pis:', '      hots:', '        pi-a:', ''].join('\n'));
    const typo = await cli(['deploy', model, '--inventory', 'bad.yml', '--host', 'x']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('edgeqat: error: --host and --inventory: pass one (the inventory names the hosts; --limit picks some)\n');
    const typo2 = await cli(['deploy', model, '--inventory', 'bad.yml']);
    expect(typo2.code).toBe(2);
    expect(typo2.stderr).toBe('edgeqat: error: bad.yml:4: hots (in group pis): a group holds only hosts, vars and children\n');
    nothingPwned();
  });
});
