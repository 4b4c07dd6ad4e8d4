// `edgeqat init`: the scaffolded edgeqat.config.json and .vscode/tasks.json. Every task's command is
// run the way VS Code runs a process task (its env, ${workspaceFolder}, the input prompt answered)
// in the scaffolded folder, deploy included (against the test SSH server); the problem matcher's
// regex is checked against edgeqat's real error lines.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_FILE } from '../toolkit/cli/config.js';
import { describeNeeding } from './helpers/needs.js';
import { runCli } from './helpers/run-cli.js';
import { sshUnavailable, startSshServer, type SshServer } from './helpers/ssh-server.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const unavailable = sshUnavailable();
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-init-'));
const project = join(tmp, 'my project');
const deviceDir = join(tmp, 'device');

interface Task {
  label: string;
  type: string;
  command: string;
  args: string[];
  options?: { env?: Record<string, string> };
  problemMatcher: { owner: string; fileLocation: unknown; pattern: { regexp: string; kind?: string; file: number; message: number } };
}
interface TasksFile {
  version: string;
  options?: { env?: Record<string, string> };
  tasks: Task[];
  inputs: { id: string; type: string; description: string; default?: string }[];
}

let server: SshServer;
let tasks: TasksFile;

/** VS Code's variables for a process task; `answers` are what the user types at input prompts. */
function substitute(value: string, env: NodeJS.ProcessEnv, answers: Record<string, string>): string {
  return value
    .replace(/\$\{workspaceFolder\}/g, project)
    .replace(/\$\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? '')
    .replace(/\$\{input:([^}]+)\}/g, (_, id: string) => {
      if (!(id in answers)) throw new Error(`no answer for input ${id}`);
      return answers[id];
    });
}

async function runTask(task: Task, answers: Record<string, string> = {}, argsOverride?: string[]) {
  const base = { ...process.env, EDGEQAT_SSH_CONFIG: server.configFile };
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [k, v] of Object.entries({ ...tasks.options?.env, ...task.options?.env })) env[k] = substitute(v, base, answers);
  const args = (argsOverride ?? task.args).map((a) => substitute(a, base, answers));
  const r = await spawnAsync(task.command, args, { cwd: project, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

function taskNamed(label: string): Task {
  const t = tasks.tasks.find((x) => x.label === `edgeqat: ${label}`);
  if (!t) throw new Error(`no task ${label}`);
  return t;
}

describeNeeding(unavailable, 'edgeqat init', () => {
  beforeAll(async () => {
    server = await startSshServer();
    const r = await runCli(['init', project, '--host', server.host, '--port', String(server.port), '--identity', server.identity, '--deploy-dir', deviceDir]);
    expect(r.code, r.stderr).toBe(0);
    tasks = JSON.parse(readFileSync(join(project, '.vscode', 'tasks.json'), 'utf8'));
    // What `npm install --save-dev edgeqat` would put there: here, this checkout's CLI.
    const bin = join(project, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href; // what `--import tsx` loads (tsx's "." export)
    writeFileSync(join(bin, 'edgeqat'), `#!/bin/sh\nexec '${process.execPath}' --import '${tsx}' '${join(repo, 'toolkit/cli/index.ts')}' "$@"\n`);
    chmodSync(join(bin, 'edgeqat'), 0o755);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('scaffolds a tasks.json that parses, with no host in it, and never overwrites without --force', async () => {
    expect(tasks.version).toBe('2.0.0');
    expect(tasks.tasks.map((t) => t.label)).toEqual([
      'edgeqat: train',
      'edgeqat: export',
      'edgeqat: eval',
      'edgeqat: bench',
      'edgeqat: bundle',
      'edgeqat: deploy to the configured Pi',
      'edgeqat: deploy to a Pi (asks for its host)',
    ]);
    const text = readFileSync(join(project, '.vscode', 'tasks.json'), 'utf8');
    expect(text).not.toContain(server.host);
    expect(text).not.toContain('127.0.0.1');
    expect(tasks.inputs).toEqual([expect.objectContaining({ id: 'piHost', type: 'promptString' })]);
    expect(tasks.inputs[0].default).toBeUndefined();
    const config = JSON.parse(readFileSync(join(project, CONFIG_FILE), 'utf8'));
    expect(config.deploy).toMatchObject({ host: server.host, port: server.port, dir: deviceDir });

    const again = await runCli(['init', project]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`edgeqat: error: ${join(project, CONFIG_FILE)}: exists; pass --force to overwrite (also .vscode/tasks.json)`);
    expect(JSON.parse(readFileSync(join(project, CONFIG_FILE), 'utf8'))).toEqual(config);
  });

  it('runs every task in the scaffolded folder: train, export, eval, bench, bundle, deploy (config and prompt)', async () => {
    // The user's edits: a quick training run and short benchmarks; this machine's node on the device.
    const configPath = join(project, CONFIG_FILE);
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.train = { ...config.train, limit: 2000, backend: 'wasm', quiet: true };
    config.bench = { ...config.bench, iterations: 200, warmup: 20 };
    config.deploy = { ...config.deploy, node: process.execPath, withSamples: 50 };
    writeFileSync(configPath, JSON.stringify(config, null, 2));

    const outputs: Record<string, string> = {};
    for (const task of tasks.tasks) {
      const r = await runTask(task, { piHost: server.host });
      expect(r.code, `${task.label}: ${r.stderr} ${r.error ?? ''}`).toBe(0);
      outputs[task.label] = r.stdout;
    }
    expect(JSON.parse(readFileSync(join(project, 'runs/mlp/run.json'), 'utf8')).options.limit).toBe(2000); // train read the config
    expect(outputs['edgeqat: export']).toMatch(/^wrote runs\/mlp\/model\.tflite|wrote .*runs\/mlp\/model\.tflite/);
    expect(outputs['edgeqat: eval']).toMatch(/accuracy 0\.\d{4}/);
    expect(outputs['edgeqat: bench']).toMatch(/200 runs/);
    expect(outputs['edgeqat: bundle']).toMatch(/reference engine for rpi4 .* 100 mnist samples/);
    for (const label of ['edgeqat: deploy to the configured Pi', 'edgeqat: deploy to a Pi (asks for its host)']) {
      expect(outputs[label]).toContain(`to ${server.host}:${join(deviceDir, 'model')}`);
      expect(outputs[label]).toContain('int8 outputs identical on host and device');
    }
  });

  it("has a problem matcher whose regex matches edgeqat's own error lines, and only those tied to a file", async () => {
    const matcher = taskNamed('eval').problemMatcher;
    expect(matcher.pattern).toMatchObject({ kind: 'file', file: 1, message: 2 });
    const re = new RegExp(matcher.pattern.regexp);
    const line = (stderr: string) => stderr.trim().split('\n').pop() ?? '';

    const missing = await runTask(taskNamed('eval'), {}, ['eval', 'runs/nope/model.tflite']);
    expect(missing.code).toBe(2);
    const m1 = re.exec(line(missing.stderr));
    expect(m1?.[1]).toBe('runs/nope/model.tflite');
    expect(m1?.[2]).toBe('no such file');

    const configPath = join(project, CONFIG_FILE);
    const good = readFileSync(configPath, 'utf8');
    const bad = JSON.parse(good);
    bad.deploy.port = '22x';
    writeFileSync(configPath, JSON.stringify(bad));
    const badConfig = await runTask(taskNamed('deploy to the configured Pi'));
    writeFileSync(configPath, good);
    expect(badConfig.code).toBe(2);
    const m2 = re.exec(line(badConfig.stderr));
    expect(m2?.[1]).toBe(configPath);
    expect(m2?.[2]).toBe('deploy.port: expected an integer in 1..65535, got "22x"');

    const notAFile = await runTask(taskNamed('bundle'), {}, ['bundle', '--device', 'nope']);
    expect(notAFile.code).toBe(2);
    expect(line(notAFile.stderr)).toMatch(/^edgeqat: error: unknown device 'nope'/);
    expect(re.exec(line(notAFile.stderr))).toBeNull();
  });
});
