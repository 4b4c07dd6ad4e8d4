// Fleet deploy time for N healthy hosts (issue 19: "grows far less than N x one host's time"):
// `edgeqat deploy --inventory` (runFleetDeploy, in this process) to 1, 3 and 5 loopback devices
// (test/helpers/fleet.ts: one real sshd each, own home and key), each run a first install (the
// devices' deploy folders are emptied before it). Rounds interleave the sizes so that load changes
// hit all of them alike; the median per size is reported with the load average around the runs.
// Here the "devices" share this machine's cores with the deploying side, unlike real Pis: the
// figures are an upper bound on what parallelism costs. Not a test (wall times depend on load).
//   npx tsx bench/fleet-deploy.ts [--rounds 3] [--samples 20]
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iniHost, startFleet } from '../test/helpers/fleet.js';
import { runFleetDeploy } from '../toolkit/cli/commands/deploy-fleet.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const rounds = flag('--rounds', 3);
const samples = flag('--samples', 20);
const SIZES = [1, 3, 5];

const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-fleet-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const model = join(tmp, 'mlp.tflite');
  copyFileSync(join(repo, 'test/fixtures/edgeqat-mlp.tflite'), model);
  const ids = ['d1', 'd2', 'd3', 'd4', 'd5'];
  const fleet = await startFleet(join(tmp, 'fleet'), ids.map((id) => [id, 'healthy']));
  try {
    for (const n of SIZES) {
      const lines = ['[pis]', ...ids.slice(0, n).map((id) => iniHost(`pi-${id}`, fleet.devices.get(id)!)), '[pis:vars]', `ansible_user=${fleet.user}`, `edgeqat_node=${process.execPath}`, ''];
      writeFileSync(join(tmp, `hosts-${n}.ini`), lines.join('\n'));
    }
    const loadBefore = loadavg();
    const runs = new Map<number, { total: number; hosts: number; perHost: number }[]>(SIZES.map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      for (const n of SIZES) {
        for (const id of ids) rmSync(join(fleet.devices.get(id)!.home, 'edgeqat'), { recursive: true, force: true });
        const r = await runFleetDeploy(model, 'mlp', { inventory: join(tmp, `hosts-${n}.ini`), sshConfig: fleet.sshConfig, withSamples: samples, quiet: true });
        const failed = r.hosts.filter((h) => h.result !== 'ok');
        if (failed.length > 0) throw new Error(`${n} hosts: ${failed.map((h) => `${h.host}: ${h.error}`).join('; ')}`);
        const hostsMs = r.total_ms - (r.bundle_ms ?? 0);
        runs.get(n)!.push({ total: r.total_ms, hosts: hostsMs, perHost: median(r.hosts.map((h) => h.ms)) });
        process.stderr.write(`round ${round + 1}: ${n} host(s) ${(r.total_ms / 1000).toFixed(1)} s (hosts part ${(hostsMs / 1000).toFixed(1)} s), load ${fmt(loadavg())}\n`);
      }
    }
    const loadAfter = loadavg();
    const one = median(runs.get(1)!.map((x) => x.hosts));
    const rows = SIZES.map((n) => {
      const rs = runs.get(n)!;
      const hosts = median(rs.map((x) => x.hosts));
      return `| ${n} | ${(median(rs.map((x) => x.total)) / 1000).toFixed(1)} | ${(hosts / 1000).toFixed(1)} | ${(hosts / one).toFixed(2)}x | ${(median(rs.map((x) => x.perHost)) / 1000).toFixed(1)} |`;
    });
    process.stdout.write(
      [
        `fleet deploy, ${rounds} rounds, ${samples} samples, median per size; ${os.cpus().length} cores (${os.cpus()[0]?.model}); load average (1/5/15 min) before ${fmt(loadBefore)}, after ${fmt(loadAfter)}`,
        '',
        "| hosts | whole command (s) | hosts' part (s) | vs 1 host | one host's own deploy (s) |",
        '|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await fleet.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
