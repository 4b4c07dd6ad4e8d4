// Deploys to (or rolls back) many hosts at once, at most `parallel` at a time. Each host gets the
// single-host guarantees of deploy.ts (checksums verified on the device, atomic switch, previous
// bundle intact on failure); a host that fails is one line in its result and never stops the others.
import { isEdgeqatError } from '../../runtime/errors.js';
import type { RunnerReport } from '../runner/runner-report.js';
import { deployBundle, rollbackBundle, type DeployStep } from '../deploy/deploy.js';
import type { FleetHost } from './fleet-hosts.js';

/** One profile's bundle, built once, and this machine's run of it (the outputs to compare with). */
export interface FleetBundle {
  dir: string;
  here: RunnerReport;
}

export interface FleetHostResult {
  host: string;
  profile: string;
  /** [user@]address:port, as ssh was given it. */
  ssh: string;
  result: 'ok' | 'failed';
  /** One line, when failed. */
  error?: string;
  /** The installed bundle's path on the device (ok only). */
  path?: string;
  /** Rollbacks: the bundle switched back to and the one it replaced. */
  rolled_back_to?: string;
  rolled_back_from?: string;
  p50_us?: number;
  accuracy?: number;
  /** sha256 of the int8 outputs on the shipped samples (null without samples). */
  outputs_sha256?: string | null;
  /** Same outputs as this machine's run of the same bundle (null when not comparable). */
  outputs_match?: boolean | null;
  ms: number;
  report?: RunnerReport;
}

export type FleetEvent = { host: string; step: DeployStep } | { host: string; done: FleetHostResult };

export interface FleetRunOptions {
  /** Hosts in flight at once. */
  parallel: number;
  onEvent?: (e: FleetEvent) => void;
}

export function deployFleet(hosts: FleetHost[], bundles: Map<string, FleetBundle>, opts: FleetRunOptions): Promise<FleetHostResult[]> {
  return runFleet(hosts, opts, async (h, onStep) => {
    const bundle = bundles.get(h.profile.name)!;
    const r = await deployBundle(bundle.dir, h.target, { onStep });
    return { path: r.path, ...figures(r.report, bundle.here) };
  });
}

export function rollbackFleet(hosts: FleetHost[], opts: FleetRunOptions): Promise<FleetHostResult[]> {
  return runFleet(hosts, opts, async (h, onStep) => {
    const r = await rollbackBundle(h.target, { onStep });
    return { path: r.path, rolled_back_to: r.to, rolled_back_from: r.from, ...figures(r.report, null) };
  });
}

function figures(report: RunnerReport, here: RunnerReport | null): Partial<FleetHostResult> {
  const s = report.samples;
  const h = here?.samples;
  return {
    p50_us: report.p50_us,
    ...(s ? { accuracy: s.accuracy } : {}),
    outputs_sha256: s?.outputs_sha256 ?? null,
    outputs_match: s && h ? s.outputs_over === h.outputs_over && s.outputs_sha256 === h.outputs_sha256 : null,
    report,
  };
}

async function runFleet(hosts: FleetHost[], opts: FleetRunOptions, one: (h: FleetHost, onStep: (s: DeployStep) => void) => Promise<Partial<FleetHostResult>>): Promise<FleetHostResult[]> {
  const results: FleetHostResult[] = new Array(hosts.length);
  let next = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const h = hosts[i];
      const base = { host: h.name, profile: h.profile.name, ssh: `${h.target.host}:${h.target.port ?? 22}` };
      const start = performance.now();
      let r: FleetHostResult;
      try {
        const got = await one(h, (step) => opts.onEvent?.({ host: h.name, step }));
        r = { ...base, result: 'ok', ...got, ms: Math.round(performance.now() - start) };
      } catch (e) {
        // A bug is still reported as this host's failure: the other hosts' deploys run on.
        const error = isEdgeqatError(e) ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
        r = { ...base, result: 'failed', error: error.split('\n')[0], ms: Math.round(performance.now() - start) };
      }
      results[i] = r;
      opts.onEvent?.({ host: h.name, done: r });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, hosts.length)) }, worker));
  return results;
}
