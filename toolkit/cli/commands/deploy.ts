// `edgeqat deploy <model.tflite> --device rpi4 --host pi@raspberrypi.local`: bundles the model, runs
// the bundle here, uploads it over SSH (the system's ssh/scp, the user's keys and known_hosts),
// installs it atomically on the device, runs it there, and prints both sets of figures.
// The model and every option may come from the `deploy` section of edgeqat.config.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { BUNDLE_ENGINES, BUNDLE_FILES, type BundleEngine } from '../../../devices/bundle/manifest.js';
import { figuresTable } from '../../../devices/deploy/compare-table.js';
import { checkDeployTarget, deployBundle, type DeployTarget, type DeployTimings } from '../../../devices/deploy/deploy.js';
import { exec, lastLine } from '../../../devices/deploy/ssh.js';
import { deviceProfile } from '../../../devices/profiles.js';
import { parseRunnerReport, type RunnerReport } from '../../../devices/runner/runner-report.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { configValue } from '../config.js';
import { oneOf, positiveInt } from '../options.js';
import { runBundle } from './bundle.js';

export interface DeployOptions {
  device?: string;
  host?: string;
  dir?: string;
  port?: number;
  identity?: string;
  engine?: BundleEngine;
  withSamples?: number;
  dataset?: string;
  dataDir?: string;
  /** Installed as <dir>/<name> (default: the model file's name without .tflite). */
  name?: string;
  /** The device's node command. */
  node?: string;
  /** Seconds to wait for the connection. */
  timeout?: number;
  /** scp bandwidth limit, Kbit/s. */
  bandwidth?: number;
  /** ssh_config file instead of ~/.ssh/config (default $EDGEQAT_SSH_CONFIG). */
  sshConfig?: string;
  json?: boolean;
}

export interface DeployCommandResult {
  model: string;
  device: string;
  ssh_host: string;
  /** The bundle on the device: <dir>/<name>, a symlink to the installed version. */
  path: string;
  engine: string;
  bundle_bytes: number;
  timings: DeployTimings & { bundle_ms: number; host_run_ms: number; total_ms: number };
  figures: { host: RunnerReport; device: RunnerReport };
  /** Whether both ran the shipped samples to identical int8 outputs (null without samples). */
  outputs_match: boolean | null;
}

export const SSH_CONFIG_ENV = 'EDGEQAT_SSH_CONFIG';
const DEFAULT_TIMEOUT_S = 10;

export async function runDeploy(modelArg: string | undefined, opts: DeployOptions = {}): Promise<DeployCommandResult> {
  const start = performance.now();
  const model = modelArg ?? (configValue('deploy', 'model') as string | undefined);
  if (!model) throw new EdgeqatError('E_OPTION', 'no model: pass <model.tflite> or set deploy.model in edgeqat.config.json');
  if (!opts.host) throw new EdgeqatError('E_OPTION', 'no --host: pass --host user@host or set deploy.host in edgeqat.config.json');
  const device = deviceProfile(opts.device ?? 'rpi4');
  const target: DeployTarget = checkDeployTarget({
    host: opts.host,
    port: opts.port,
    identity: opts.identity,
    configFile: opts.sshConfig ?? (process.env[SSH_CONFIG_ENV] || undefined),
    connectTimeout: opts.timeout ?? DEFAULT_TIMEOUT_S,
    dir: opts.dir ?? device.deployDir,
    name: opts.name ?? defaultName(model),
    node: opts.node ?? 'node',
    bandwidthKbps: opts.bandwidth,
    uploadTimeoutMs: 15 * 60_000,
    runTimeoutMs: 5 * 60_000,
  });

  const work = mkdtempSync(join(os.tmpdir(), 'edgeqat-deploy-'));
  try {
    const bundleStart = performance.now();
    const bundle = await runBundle(model, { device: device.name, engine: opts.engine, withSamples: opts.withSamples, dataset: opts.dataset, dataDir: opts.dataDir, out: join(work, 'bundle') });
    const bundleMs = Math.round(performance.now() - bundleStart);

    const hostStart = performance.now();
    const hostReport = await runHere(bundle.out);
    const hostRunMs = Math.round(performance.now() - hostStart);

    const deployed = await deployBundle(bundle.out, target);
    const h = hostReport.samples;
    const d = deployed.report.samples;
    return {
      model,
      device: device.name,
      ssh_host: target.host,
      path: deployed.path,
      engine: bundle.manifest.engine,
      bundle_bytes: bundle.bytes,
      timings: { bundle_ms: bundleMs, host_run_ms: hostRunMs, ...deployed.timings, total_ms: Math.round(performance.now() - start) },
      figures: { host: hostReport, device: deployed.report },
      outputs_match: h && d ? h.outputs_over === d.outputs_over && h.outputs_sha256 === d.outputs_sha256 : null,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The model file's name without .tflite: what the bundle is called on the device. */
export function defaultName(model: string): string {
  const base = model.split(/[\\/]/).pop() ?? model;
  return base.replace(/\.tflite$/i, '') || 'model';
}

/** The same runner on this machine, with this Node: the host's figures. */
async function runHere(bundleDir: string): Promise<RunnerReport> {
  const r = await exec(process.execPath, [join(bundleDir, BUNDLE_FILES.runner), '--json'], 5 * 60_000);
  if (r.code !== 0) throw new EdgeqatError('E_BUNDLE', `${bundleDir}: the bundle does not run here (${lastLine(r.stderr) || `exit ${r.code ?? r.signal}`})`);
  const report = parseRunnerReport(r.stdout);
  if (!report) throw new EdgeqatError('E_BUNDLE', `${bundleDir}: the bundle's runner printed no JSON report (${lastLine(r.stdout) || 'empty'})`);
  return report;
}

export function formatDeploy(r: DeployCommandResult): string {
  const t = r.timings;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const match = r.outputs_match === null ? '' : r.outputs_match ? 'int8 outputs identical on host and device\n' : 'int8 outputs DIFFER between host and device\n';
  return (
    `deployed ${r.model} to ${r.ssh_host}:${r.path} (${r.device}, ${r.engine} engine, ${Math.round(r.bundle_bytes / 1024)} KB)\n` +
    figuresTable(r.figures.host, r.figures.device) +
    match +
    `times: bundle ${s(t.bundle_ms)}, host run ${s(t.host_run_ms)}, connect ${s(t.connect_ms)}, prepare ${s(t.prepare_ms)}, upload ${s(t.upload_ms)}, ` +
    `install ${s(t.install_ms)}, device run ${s(t.run_ms)}; total ${s(t.total_ms)}\n`
  );
}

export function deployCommand(): Command {
  return new Command('deploy')
    .description('bundle a .tflite, install it on a device over SSH, run it there and here, compare')
    .argument('[model]', '.tflite file (default: deploy.model in edgeqat.config.json)')
    .option('--device <name>', 'device profile (see `edgeqat devices`)', 'rpi4')
    .option('--host <[user@]host>', 'the device, as ssh knows it')
    .option('--dir <dir>', "deploy folder on the device (default: the profile's, ~/edgeqat)")
    .option('--port <n>', 'ssh port', positiveInt('--port'))
    .option('--identity <key>', 'private key file (default: your ssh config and agent)')
    .option('--engine <name>', BUNDLE_ENGINES.join(' | '), oneOf('--engine', BUNDLE_ENGINES), 'reference')
    .option('--with-samples <n>', 'ship and run the first n test images (accuracy, int8 output checksum)', positiveInt('--with-samples'))
    .option('--dataset <spec>', "data set of the samples (default: the model's)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--name <name>', 'installed as <dir>/<name> (default: the model file name without .tflite)')
    .option('--node <cmd>', "the device's node command", 'node')
    .option('--timeout <s>', 'seconds to wait for the connection', positiveInt('--timeout'), DEFAULT_TIMEOUT_S)
    .option('--bandwidth <kbit/s>', 'limit the upload bandwidth (scp -l)', positiveInt('--bandwidth'))
    .option('--ssh-config <file>', `ssh_config file to use instead of ~/.ssh/config (default $${SSH_CONFIG_ENV})`)
    .option('--json', 'print one JSON object')
    .action(async (model: string | undefined, opts: DeployOptions) => {
      const r = await runDeploy(model, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : formatDeploy(r));
    });
}
