// Unit tests of the data layers under bundle/deploy/init: device profiles and edgeqat.config.json
// (validated: key and expected type in every message; flags beat the config, the config beats
// defaults), and the remote quoting (through a real sh: values come back byte for byte).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHost, scpArgs, sshArgs } from '../devices/deploy/ssh.js';
import { remoteScript, shQuote } from '../devices/deploy/remote-shell.js';
import { loadDeviceProfiles } from '../devices/profiles.js';
import { bundleCommand } from '../toolkit/cli/commands/bundle.js';
import { compareCommand } from '../toolkit/cli/commands/compare.js';
import { reportCommand } from '../toolkit/cli/commands/report.js';
import { configJson } from '../toolkit/init/scaffold.js';
import { applyConfigDefaults, CONFIG_ENV, parseConfig } from '../toolkit/cli/config.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('device profiles', () => {
  it('loads the shipped profiles: Pis on arm64 with Node 18, the host resolved', () => {
    const profiles = loadDeviceProfiles();
    expect([...profiles.keys()]).toEqual(['rpi3bplus', 'rpi4', 'rpi5', 'rpizero2w', 'generic-arm64', 'host']);
    for (const name of ['rpi3bplus', 'rpi4', 'rpi5', 'rpizero2w']) expect(profiles.get(name)).toMatchObject({ arch: 'arm64', nodeMajor: 18, deployDir: '~/edgeqat', wasm: 'simd' });
    expect(profiles.get('rpi4')).toMatchObject({ cores: 4, threads: 4, qemuCpu: 'cortex-a72' });
    expect(profiles.get('host')).toMatchObject({ arch: process.arch, cores: os.availableParallelism() });
  });

  it('names the key and the expected type of a bad value', () => {
    const good = { title: 'My Pi', arch: 'arm64', cpu: 'A53', cores: 4, memoryMB: [1024], os: 'Debian', nodeMajor: 18, nodeSource: 'apt', threads: 2, deployDir: '~/x', wasm: 'simd' };
    const cases: [unknown, string][] = [
      [{ mypi: { ...good, cores: 'four' } }, 'mypi.cores: expected an integer in 1..1024, got "four"'],
      [{ mypi: { ...good, cores: 'auto' } }, 'mypi.cores: expected an integer in 1..1024, got "auto"'], // "auto" is for the host only
      [{ mypi: { ...good, wasm: 'threads' } }, 'mypi.wasm: expected one of "simd", "baseline", got "threads"'],
      [{ mypi: { ...good, memoryMB: 1024 } }, 'mypi.memoryMB: expected a non-empty array of integers ≥ 16, got 1024'],
      [{ mypi: { ...good, title: undefined } }, 'mypi.title: missing; expected a non-empty string'],
      [{ mypi: { ...good, colour: 'red' } }, 'mypi.colour: unknown key (known: title, arch, cpu, cores, memoryMB, os, nodeMajor, nodeSource, threads, deployDir, wasm, qemuCpu, notes)'],
      [{ 'My Pi': good }, 'My Pi: profile names are lower-case letters, digits and dashes'],
      ['{"mypi": ', 'not valid JSON'],
    ];
    for (const [data, message] of cases) {
      const path = write('profiles.json', data);
      expect(() => loadDeviceProfiles(path)).toThrow(`${path}: ${message}`);
    }
  });
});

describe('edgeqat.config.json', () => {
  it('accepts what init writes and resolves paths against its own folder', () => {
    const values = parseConfig(configJson({ device: 'rpi4', host: 'pi@raspberrypi.local', identity: '~/.ssh/id_ed25519' }), join(tmp, 'edgeqat.config.json'));
    expect(values.train).toMatchObject({ model: 'mlp', epochs: 1, batchSize: 10, out: join(tmp, 'runs/mlp') });
    expect(values.deploy).toMatchObject({ host: 'pi@raspberrypi.local', identity: join(os.homedir(), '.ssh/id_ed25519'), model: join(tmp, 'runs/mlp/model.tflite') });
  });

  it('names the key and the expected type of a bad value', () => {
    const cases: [unknown, string][] = [
      [{ deploy: { port: '22x' } }, 'deploy.port: expected an integer in 1..65535, got "22x"'],
      [{ deploy: { engine: 'litert' } }, 'deploy.engine: expected one of "reference", "tfjs-tflite", got "litert"'],
      [{ train: { lr: -1 } }, 'train.lr: expected a number > 0, got -1'],
      [{ train: { epochs: 1.5 } }, 'train.epochs: expected an integer ≥ 1, got 1.5'],
      [{ train: { perChannel: 'yes' } }, 'train.perChannel: expected true or false, got "yes"'],
      [{ deplyo: {} }, 'deplyo: unknown key (known: $comment, train, export, eval, bench, compare, report, bundle, deploy)'],
      [{ compare: { qatLr: 0 } }, 'compare.qatLr: expected a number > 0, got 0'],
      [{ report: { backend: 'gpu' } }, 'report.backend: expected one of "auto", "tensorflow", "wasm", "cpu", got "gpu"'],
      [{ eval: { engine: 'auto', limt: 5 } }, 'eval.limt: unknown key (known: model, engine, dataset, dataDir, limit, quiet)'],
      [{ deploy: [] }, 'deploy: expected a JSON object, got []'],
      [[], 'expected a JSON object, got []'],
    ];
    for (const [value, message] of cases) expect(() => parseConfig(value, 'edgeqat.config.json')).toThrow(`edgeqat.config.json: ${message}`);
  });

  it('fills options not given on the command line; a flag wins', async () => {
    const path = write('edgeqat.config.json', { bundle: { device: 'rpi5', engine: 'reference', withSamples: 7 } });
    process.env[CONFIG_ENV] = path;
    try {
      const cmd = bundleCommand().action(() => {});
      cmd.hook('preAction', applyConfigDefaults);
      await cmd.parseAsync(['m.tflite', '--engine', 'tfjs-tflite'], { from: 'user' });
      expect(cmd.opts()).toMatchObject({ device: 'rpi5', engine: 'tfjs-tflite', withSamples: 7 });
      expect(cmd.getOptionValueSource('device')).toBe('config');
      expect(cmd.getOptionValueSource('engine')).toBe('cli');
    } finally {
      delete process.env[CONFIG_ENV];
    }
  });

  it('fills compare\'s --model and --out and report\'s --backend; without them compare is one line, exit 2', async () => {
    const path = write('edgeqat.config.json', { compare: { model: 'cnn', out: 'runs/cmp', qatEpochs: 3 }, report: { backend: 'cpu', iterations: 10 } });
    process.env[CONFIG_ENV] = path;
    try {
      const compare = compareCommand().action(() => {});
      compare.hook('preAction', applyConfigDefaults);
      await compare.parseAsync(['--qat-lr', '0.0001'], { from: 'user' });
      expect(compare.opts()).toMatchObject({ model: 'cnn', out: join(tmp, 'runs/cmp'), qatEpochs: 3, qatLr: 0.0001, dataset: 'mnist' });
      const report = reportCommand().action(() => {});
      report.hook('preAction', applyConfigDefaults);
      await report.parseAsync(['runs/x'], { from: 'user' });
      expect(report.opts()).toMatchObject({ backend: 'cpu', iterations: 10, engine: 'auto' });
    } finally {
      delete process.env[CONFIG_ENV];
    }
    const r = await runCli(['compare', '--out', join(tmp, 'nowhere')], { cwd: mkdtempSync(join(os.tmpdir(), 'edgeqat-noconfig-')) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('edgeqat: error: compare needs --model (or compare.model in edgeqat.config.json)');
  });
});

describe('remote quoting', () => {
  it('hands every value to the remote script byte for byte, running nothing', () => {
    const marker = join(tmp, 'pwned');
    const values = [`a b`, `it's`, `"q"`, `; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'$HOME'`, `\\n\\`, `-rf`, `~/x`, `*`];
    for (const v of values) {
      const command = remoteScript('printf %s "$1"', [v]);
      // What ssh does on the device: the login shell parses the one command string.
      const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', cwd: tmp });
      expect(r.stdout).toBe(v);
    }
    expect(shQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(readdirSync(tmp).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });

  it('accepts [user@]host names and addresses only', () => {
    for (const ok of ['pi@raspberrypi.local', 'raspberrypi', 'pi@192.168.1.20', 'pi@[fe80::1]', 'fe80::1', 'my-pi', 'pi.user@host-1.lan']) expect(checkHost(ok)).toBe(ok);
    for (const bad of ['', '-oProxyCommand=x', 'pi@host; ls', 'pi@host name', 'pi@$(x)', 'pi@`x`', 'pi@host\nx', '@host', 'pi@-host']) {
      expect(() => checkHost(bad)).toThrow(/--host must be \[user@\]hostname or an IP address/);
    }
    // Options end before the host; IPv6 is bare for ssh, bracketed for scp's host:path.
    const t = { host: 'pi@[fe80::1]', port: 2222, connectTimeout: 5 };
    expect(sshArgs(t, 'true').slice(-3)).toEqual(['--', 'pi@fe80::1', 'true']);
    expect(scpArgs(t, ['/b/run.js'], '.up').slice(-3)).toEqual(['--', '/b/run.js', 'pi@[fe80::1]:.up/']);
    expect(sshArgs(t, 'true')).toEqual(expect.arrayContaining(['BatchMode=yes', 'ConnectTimeout=5']));
    expect(sshArgs(t, 'true').join(' ')).not.toMatch(/StrictHostKeyChecking/);
  });
});
