// `edgeqat deploy <model> --inventory hosts.ini [--limit …] [--parallel 8] [--max-fail N]` and
// `edgeqat deploy --rollback --inventory …`: the fleet side of the deploy command. The fleet logic
// is in devices/fleet/; this builds one bundle per distinct device profile (and runs it here, the
// outputs every device is compared with), shows progress, and prints the table or one JSON object
// per host. Exit code: 1 when more hosts failed than --max-fail allows (default 0).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fleetHosts, type FleetHost, type FleetHostOptions } from '../../../devices/fleet/fleet-hosts.js';
import { deployFleet, rollbackFleet, type FleetBundle, type FleetHostResult } from '../../../devices/fleet/fleet-run.js';
import { loadInventory } from '../../../devices/fleet/inventory-load.js';
import { us } from '../../../devices/runner/format-report.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { createFleetProgress } from '../fleet-progress.js';
import { formatTable } from '../text-table.js';
import { runBundleHere } from '../../../devices/deploy/run-here.js';
import type { BundleEngine } from '../../../devices/bundle/manifest.js';
import { runBundle } from './bundle.js';

/** The deploy command's options that a fleet uses (see deploy.ts). */
export interface FleetOptions {
  inventory: string;
  device?: string;
  dir?: string;
  port?: number;
  identity?: string;
  engine?: BundleEngine;
  withSamples?: number;
  dataset?: string;
  dataDir?: string;
  name?: string;
  node?: string;
  timeout?: number;
  bandwidth?: number;
  sshConfig?: string;
  acceptNewHostKey?: boolean;
  limit?: string;
  parallel?: number;
  maxFail?: number;
  quiet?: boolean;
}

export interface FleetCommandResult {
  inventory: string;
  model: string | null;
  /** This machine's run of each profile's bundle (deploys only). */
  here: Record<string, { outputs_sha256: string | null; p50_us: number }>;
  hosts: FleetHostResult[];
  failed: number;
  /** Making and running here each profile's bundle (deploys only): total_ms - bundle_ms is the hosts' part. */
  bundle_ms?: number;
  total_ms: number;
}

export const DEFAULT_PARALLEL = 8;

export function resolveFleet(opts: FleetOptions, name: string): FleetHost[] {
  const inv = loadInventory(opts.inventory);
  const hostOpts: FleetHostOptions = {
    overrides: { device: opts.device, dir: opts.dir, node: opts.node, name: opts.name, port: opts.port, identity: opts.identity, timeout: opts.timeout },
    defaults: { device: 'rpi4', name, node: 'node', timeout: 10 },
    common: {
      configFile: opts.sshConfig,
      acceptNewHostKey: opts.acceptNewHostKey,
      bandwidthKbps: opts.bandwidth,
      uploadTimeoutMs: 15 * 60_000,
      runTimeoutMs: 5 * 60_000,
    },
  };
  return fleetHosts(inv, opts.limit, hostOpts);
}

export async function runFleetDeploy(model: string, name: string, opts: FleetOptions): Promise<FleetCommandResult> {
  const start = performance.now();
  const hosts = resolveFleet(opts, name);
  const work = mkdtempSync(join(os.tmpdir(), 'edgeqat-fleet-'));
  try {
    const bundles = new Map<string, FleetBundle>();
    for (const profile of [...new Set(hosts.map((h) => h.profile.name))].sort()) {
      if (!opts.quiet) process.stderr.write(`deploy: bundling for ${profile} and running it here\n`);
      const bundle = await runBundle(model, { device: profile, engine: opts.engine, withSamples: opts.withSamples, dataset: opts.dataset, dataDir: opts.dataDir, out: join(work, profile) });
      bundles.set(profile, { dir: bundle.out, here: await runBundleHere(bundle.out) });
    }
    const bundleMs = Math.round(performance.now() - start);
    const progress = createFleetProgress('deploy', hosts.length, opts.quiet);
    const results = await deployFleet(hosts, bundles, { parallel: opts.parallel ?? DEFAULT_PARALLEL, onEvent: progress.onEvent });
    progress.done();
    const here = Object.fromEntries([...bundles].map(([p, b]) => [p, { outputs_sha256: b.here.samples?.outputs_sha256 ?? null, p50_us: b.here.p50_us }]));
    return { inventory: opts.inventory, model, here, hosts: results, failed: results.filter((r) => r.result === 'failed').length, bundle_ms: bundleMs, total_ms: Math.round(performance.now() - start) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function runFleetRollback(name: string, opts: FleetOptions): Promise<FleetCommandResult> {
  const start = performance.now();
  const hosts = resolveFleet(opts, name);
  const progress = createFleetProgress('rollback', hosts.length, opts.quiet);
  const results = await rollbackFleet(hosts, { parallel: opts.parallel ?? DEFAULT_PARALLEL, onEvent: progress.onEvent });
  progress.done();
  return { inventory: opts.inventory, model: null, here: {}, hosts: results, failed: results.filter((r) => r.result === 'failed').length, total_ms: Math.round(performance.now() - start) };
}

/** Throws the one summary line (exit 1) when more hosts failed than allowed; call after printing. */
export function checkFleetOutcome(r: FleetCommandResult, maxFail = 0): void {
  if (r.failed > maxFail) {
    throw new EdgeqatError('E_REMOTE', `${r.failed} of ${r.hosts.length} hosts failed${maxFail > 0 ? ` (more than --max-fail ${maxFail})` : ''}; their previous bundles are unchanged`);
  }
}

/** One JSON object per host, one per line. */
export function fleetJsonLines(r: FleetCommandResult): string {
  return r.hosts.map((h) => JSON.stringify({ ...h, report: undefined, here_outputs_sha256: r.here[h.profile]?.outputs_sha256 ?? undefined })).join('\n') + '\n';
}

export function formatFleet(r: FleetCommandResult, rollback: boolean): string {
  const rows = r.hosts.map((h) => [
    h.host,
    h.profile,
    h.result === 'ok' ? (rollback ? 'rolled back' : 'ok') : 'FAILED',
    h.p50_us !== undefined ? us(h.p50_us) : '-',
    h.outputs_sha256 ? `${h.outputs_sha256.slice(0, 16)}…${h.outputs_match === true ? ' (= here)' : h.outputs_match === false ? ' (DIFFERS from here)' : ''}` : '-',
  ]);
  const lines = [formatTable(['host', 'profile', 'result', 'p50', 'int8 outputs (sha256)'], rows)];
  const failed = r.hosts.filter((h) => h.result === 'failed');
  if (failed.length) lines.push('', ...failed.map((h) => `${h.host}: ${h.error}`));
  const ok = r.hosts.filter((h) => h.result === 'ok');
  const sums = new Set(ok.map((h) => h.outputs_sha256).filter((s) => s));
  const outputs =
    ok.length === 0 ? '' : sums.size === 0 ? ' (no samples shipped: --with-samples N gives output checksums)' : sums.size === 1 && ok.every((h) => h.outputs_sha256) ? `, identical int8 outputs on all ${ok.length}` : `, ${sums.size} different int8 output checksums`;
  lines.push('', `${ok.length} of ${r.hosts.length} hosts ${rollback ? 'rolled back' : 'deployed'}${outputs}; ${failed.length} failed; ${(r.total_ms / 1000).toFixed(1)} s`);
  return lines.join('\n') + '\n';
}
