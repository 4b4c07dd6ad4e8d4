// A real OpenSSH server for deploy tests: /usr/sbin/sshd on 127.0.0.1 at a free high port, with a
// throwaway host key, user key, authorized_keys and known_hosts in a temp folder, and a client
// ssh_config (used with ssh -F) so the user's own ~/.ssh is never read or written. It logs in as
// the user running the tests. `.ci/run` installs openssh-server when it is missing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  port: number;
  /** user@127.0.0.1 */
  host: string;
  /** Client ssh_config for `ssh -F` / edgeqat's --ssh-config. */
  configFile: string;
  /** The user's private key (also named in configFile). */
  identity: string;
  /** The temp folder holding everything; remove with stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** Why the server cannot start here, or null when it can. */
export function sshUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} not found (apt-get install openssh-server; .ci/run does)`;
  for (const tool of ['ssh', 'scp', 'ssh-keygen']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} not found (apt-get install openssh-client)`;
    }
  }
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startSshServer(): Promise<SshServer> {
  const dir = mkdtempSync(join(os.tmpdir(), 'edgeqat-sshd-'));
  const key = (name: string) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `edgeqat-test-${name}`, '-f', join(dir, name)]);
    return join(dir, name);
  };
  const hostKey = key('host_key');
  const identity = key('user_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`), { mode: 0o600 });
  const user = os.userInfo().username;
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation folder

  let child: ChildProcess | undefined;
  let port = 0;
  let log = '';
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${user}`,
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const started = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 60_000; // ready is usually < 0.1 s; a loaded machine may take longer (not a timing test)
    while (Date.now() < deadline && started.exitCode === null && !(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
    if (started.exitCode === null && (await canConnect(port))) child = started;
    else started.kill('SIGKILL');
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start: ${log.trim()}`);
  }

  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  const configFile = join(dir, 'ssh_config');
  writeFileSync(
    configFile,
    [
      'Host *',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      `  IdentityFile ${identity}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const server = child;
  return {
    port,
    host: `${user}@127.0.0.1`,
    configFile,
    identity,
    dir,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
