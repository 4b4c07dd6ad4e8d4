// `edgeqat devices [--json]`: the device profiles (devices/profiles.json) a bundle or deploy can target.
import { Command } from 'commander';
import { loadDeviceProfiles, type DeviceProfile } from '../../../devices/profiles.js';

export function runDevices(): DeviceProfile[] {
  return [...loadDeviceProfiles().values()];
}

export function formatDevices(profiles: DeviceProfile[]): string {
  const rows = profiles.map((p) => [
    p.name,
    p.title,
    p.arch,
    `${p.cores} cores`,
    p.memoryMB.map((m) => (m >= 1024 ? `${Math.round((m / 1024) * 10) / 10} GB` : `${m} MB`)).join('/'),
    `Node ${p.nodeMajor}`,
    `${p.threads} threads`,
    p.deployDir,
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export function devicesCommand(): Command {
  return new Command('devices')
    .description('list the device profiles (Raspberry Pis, generic arm64, this host)')
    .option('--json', 'print the profiles as a JSON array')
    .action((opts: { json?: boolean }) => {
      const profiles = runDevices();
      process.stdout.write(opts.json ? `${JSON.stringify(profiles, null, 2)}\n` : formatDevices(profiles));
    });
}
