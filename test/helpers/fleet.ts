// A fleet of loopback "devices" for the fleet tests and bench: one real sshd per device
// (ssh-server.ts), each with its own home folder (no users are created on the machine), its own
// user key, one known_hosts and one client ssh_config for all of them. Kinds: healthy; badkey
// (authorizes a key the inventory does not name); flaky (its SFTP server may not write a file over
// 200 KB, 100 KB under a POSIX sh: every upload of a bundle's 340+ KB runtime fails midway, by bytes). A device can be stopped (down).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startSshServer, type SshServer } from './ssh-server.js';

export type DeviceKind = 'healthy' | 'badkey' | 'flaky';

export interface FleetDevice {
  id: string;
  kind: DeviceKind;
  server: SshServer;
  port: number;
  /** The device's home: what it has on disk. */
  home: string;
  /** The key it accepts. */
  identity: string;
}

export interface TestFleet {
  devices: Map<string, FleetDevice>;
  /** ssh_config for `edgeqat deploy --ssh-config` and ANSIBLE_SSH_ARGS='-F …'. */
  sshConfig: string;
  knownHosts: string;
  /** A key no device accepts. */
  strangerKey: string;
  user: string;
  stop(): Promise<void>;
}

export async function startFleet(root: string, specs: [id: string, kind: DeviceKind][]): Promise<TestFleet> {
  mkdirSync(root, { recursive: true });
  const key = (name: string) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `edgeqat-fleet-${name}`, '-f', join(root, name)]);
    return join(root, name);
  };
  const strangerKey = key('stranger_key');
  const outsider = key('outsider_key'); // what a badkey device authorizes instead
  const devices = new Map<string, FleetDevice>();
  try {
    for (const [id, kind] of specs) {
      const home = join(root, 'devices', id);
      const server = await startSshServer({
        home,
        ...(kind === 'badkey' ? { authorizedKeys: readFileSync(`${outsider}.pub`, 'utf8') } : {}),
        ...(kind === 'flaky' ? { sftpFileLimitKb: 200 } : {}),
      });
      const identity = join(root, `${id}_key`); // outside the server's folder: still there once it is stopped
      copyFileSync(server.identity, identity);
      devices.set(id, { id, kind, server, port: server.port, home, identity });
    }
  } catch (e) {
    await Promise.all([...devices.values()].map((d) => d.server.stop()));
    throw e;
  }
  const knownHosts = join(root, 'known_hosts');
  writeFileSync(knownHosts, [...devices.values()].map((d) => d.server.knownHostsLine).join('\n') + '\n');
  const sshConfig = join(root, 'ssh_config');
  writeFileSync(
    sshConfig,
    ['Host *', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', '  IdentitiesOnly yes', '  IdentityAgent none', '  LogLevel ERROR', ''].join('\n'),
  );
  return {
    devices,
    sshConfig,
    knownHosts,
    strangerKey,
    user: os.userInfo().username,
    async stop() {
      await Promise.all([...devices.values()].map((d) => d.server.stop()));
    },
  };
}

/** An INI host line for a device: `<name> ansible_host=127.0.0.1 ansible_port=… ansible_ssh_private_key_file=…`. */
export function iniHost(name: string, d: FleetDevice, key = d.identity): string {
  return `${name} ansible_host=127.0.0.1 ansible_port=${d.port} ansible_ssh_private_key_file=${key}`;
}
