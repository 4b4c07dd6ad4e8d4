// The system's OpenSSH client (ssh, scp) with the user's own keys, agent and known_hosts. Host keys
// are always checked: StrictHostKeyChecking=yes on the command line, which wins over any ssh_config
// (`accept-new` or `no` there would turn the check off), so an unknown host is refused with one line
// saying how to add its key; `acceptNewHostKey` (--accept-new-host-key) records the key of a host
// seen for the first time (accept-new: a changed key is still refused). BatchMode
// makes every prompt a failure instead of a hang; ConnectTimeout bounds the connection and the
// SSH handshake. Processes are started with argument arrays (no local shell), and `--` ends the
// options so a host can never be read as one. Failures become one E_SSH line.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';

export interface SshTarget {
  /** [user@]host, as checked by checkHost. */
  host: string;
  port?: number;
  /** Private key file (ssh -i), used alone (IdentitiesOnly). */
  identity?: string;
  /** An ssh_config used instead of ~/.ssh/config and /etc/ssh/ssh_config (ssh -F). */
  configFile?: string;
  /** Seconds for the TCP connection and the SSH handshake. */
  connectTimeout: number;
  /** Socket of a master connection (openMaster) that ssh and scp share: one handshake per deploy. */
  controlPath?: string;
  /** Record the host key of a host never seen before (StrictHostKeyChecking=accept-new) instead of refusing it. */
  acceptNewHostKey?: boolean;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const USER = '[A-Za-z0-9._][A-Za-z0-9._-]*';
const HOSTNAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const IPV6 = '\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+';
const HOST_RE = new RegExp(`^(?:${USER}@)?(?:${HOSTNAME}|${IPV6})$`);

/** [user@]hostname, an IPv4 address, or an IPv6 address (bare or in brackets); nothing else. */
export function checkHost(host: string): string {
  if (!HOST_RE.test(host)) {
    throw new EdgeqatError('E_OPTION', `--host must be [user@]hostname or an IP address (e.g. pi@raspberrypi.local), got ${JSON.stringify(host)}`);
  }
  return host;
}

export function checkTarget(t: SshTarget): SshTarget {
  checkHost(t.host);
  if (t.port !== undefined && !(Number.isInteger(t.port) && t.port >= 1 && t.port <= 65535)) {
    throw new EdgeqatError('E_OPTION', `--port must be an integer in 1..65535, got ${t.port}`);
  }
  if (t.identity !== undefined && !existsSync(t.identity)) throw new EdgeqatError('E_OPTION', `${t.identity}: no such key file (--identity)`);
  if (t.configFile !== undefined && !existsSync(t.configFile)) throw new EdgeqatError('E_OPTION', `${t.configFile}: no such ssh config file`);
  return t;
}

function commonOptions(t: SshTarget): string[] {
  const opts = [
    '-o', 'BatchMode=yes',
    '-o', `StrictHostKeyChecking=${t.acceptNewHostKey ? 'accept-new' : 'yes'}`,
    '-o', `ConnectTimeout=${t.connectTimeout}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
  ];
  if (t.configFile) opts.unshift('-F', t.configFile);
  if (t.identity) opts.push('-i', t.identity, '-o', 'IdentitiesOnly=yes');
  // Without a master (or when it has gone), ControlMaster=no falls back to a connection of its own.
  if (t.controlPath) opts.push('-o', `ControlPath=${t.controlPath}`, '-o', 'ControlMaster=no');
  return opts;
}

/** `user@` (or '') and the host without IPv6 brackets. */
function splitHost(target: string): { user: string; host: string } {
  const at = target.lastIndexOf('@');
  const user = at >= 0 ? target.slice(0, at + 1) : '';
  const host = target.slice(user.length).replace(/^\[(.*)\]$/, '$1');
  return { user, host };
}

/** ssh takes a bare IPv6 address; scp needs it in brackets (host:path). */
function sshDestination(t: SshTarget): string {
  const { user, host } = splitHost(t.host);
  return user + host;
}

export function sshArgs(t: SshTarget, remoteCommand: string): string[] {
  return [...commonOptions(t), ...(t.port ? ['-p', String(t.port)] : []), '--', sshDestination(t), remoteCommand];
}

/** scp of local files/folders into a remote folder (a plain name in the login user's home). */
export function scpArgs(t: SshTarget, localPaths: string[], remoteDir: string, bandwidthKbps?: number): string[] {
  const { user, host } = splitHost(t.host);
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return [
    '-q',
    '-r',
    ...commonOptions(t),
    ...(t.port ? ['-P', String(t.port)] : []),
    ...(bandwidthKbps ? ['-l', String(bandwidthKbps)] : []),
    '--',
    ...localPaths,
    `${user}${bracketed}:${remoteDir}/`,
  ];
}

/** Runs a program with an argument array; never rejects. */
export function exec(file: string, args: string[], timeoutMs: number, input?: string): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 2 ** 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: NodeJS.Signals; code?: number | string }) | null;
      if (e && e.code === 'ENOENT') {
        resolve({ code: null, signal: null, stdout: '', stderr: `${file}: not found; install the OpenSSH client`, timedOut: false });
        return;
      }
      const timedOut = !!e?.killed && e.signal === 'SIGKILL';
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr, timedOut });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** The one line for a failed ssh/scp connection (exit 255), from OpenSSH's stderr. */
export function connectionError(t: SshTarget, r: ExecResult, timeoutMs: number): EdgeqatError {
  const where = `${t.host}${t.port ? `:${t.port}` : ''}`;
  const text = r.stderr;
  const line = (problem: string) => new EdgeqatError('E_SSH', `${where}: ${problem}`);
  if (r.timedOut) return line(`no answer within ${Math.round(timeoutMs / 1000)} s`);
  if (/not found; install the OpenSSH client/.test(text)) return new EdgeqatError('E_SSH', text.trim());
  if (/Connection refused/i.test(text)) return line('connection refused (is sshd running there? check --port)');
  if (/timed out|Operation timed out/i.test(text)) return line(`no answer within ${t.connectTimeout} s (check the address and the network, or raise --timeout)`);
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(text)) return line('unknown host name');
  if (/No route to host|Network is unreachable/i.test(text)) return line('unreachable (no route to the host)');
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return line(`host key CHANGED since it was recorded (a reinstalled device, or someone in between): refused; if you know why, remove the old key with ssh-keygen -R ${knownHostsName(t)} and add the new one`);
  }
  if (/Host key verification failed|No .* host key is known/i.test(text)) {
    return line(`host key not known: check the device's fingerprint, then add it with \`${keyscanCommand(t)}\`, or pass --accept-new-host-key on first contact`);
  }
  if (/Permission denied/i.test(text)) return line('login refused (key not accepted: add yours with ssh-copy-id, or pass --identity)');
  if (/Connection closed|Connection reset|kex_exchange_identification/i.test(text)) return line(`connection closed by the device (${lastLine(text)})`);
  return line(`ssh failed (${lastLine(text) || `exit ${r.code ?? r.signal}`})`);
}

/** How known_hosts names the host: `host`, or `[host]:port` off port 22. */
function knownHostsName(t: SshTarget): string {
  const { host } = splitHost(t.host);
  return t.port && t.port !== 22 ? `'[${host}]:${t.port}'` : host;
}

/** The command that records the host's keys for the user (to be checked against the device's own fingerprint). */
export function keyscanCommand(t: SshTarget): string {
  const { host } = splitHost(t.host);
  return `ssh-keyscan ${t.port && t.port !== 22 ? `-p ${t.port} ` : ''}${host} >> ~/.ssh/known_hosts`;
}

export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

export interface Master {
  /** The target with controlPath set: its ssh and scp calls ride on the master connection. */
  target: SshTarget;
  close(): Promise<void>;
}

/**
 * Connects and logs in once (ssh -f -N with ControlMaster): later calls skip the handshake, which
 * costs most of a deploy's time on a small board. The master runs in the background (ControlPersist
 * ends it 60 s after the last use if close() is never reached); its stderr goes to a file, not a
 * pipe, so no background process holds our pipes open. A failed login is the usual one line.
 */
export async function openMaster(t: SshTarget): Promise<Master> {
  const dir = mkdtempSync(join(os.tmpdir(), 'edgeqat-ssh-'));
  const controlPath = join(dir, 'master');
  const logFile = join(dir, 'log');
  const log = openSync(logFile, 'w');
  const timeoutMs = (t.connectTimeout + 5) * 1000;
  const args = [...commonOptions(t), '-o', 'ControlMaster=yes', '-o', `ControlPath=${controlPath}`, '-o', 'ControlPersist=60', '-f', '-N'];
  const r = await new Promise<ExecResult>((resolve) => {
    const child = spawn('ssh', [...args, ...(t.port ? ['-p', String(t.port)] : []), '--', sshDestination(t)], { stdio: ['ignore', 'ignore', log] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ code: null, signal: null, stdout: '', stderr: missing ? 'ssh: not found; install the OpenSSH client' : e.message, timedOut: false });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: '', stderr: '', timedOut });
    });
  });
  closeSync(log);
  const stderr = r.stderr || readFileSync(logFile, 'utf8');
  if (r.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw connectionError(t, { ...r, stderr }, timeoutMs);
  }
  const target = { ...t, controlPath };
  return {
    target,
    async close() {
      const config = t.configFile ? ['-F', t.configFile] : [];
      await exec('ssh', [...config, '-o', `ControlPath=${controlPath}`, '-O', 'exit', ...(t.port ? ['-p', String(t.port)] : []), '--', sshDestination(t)], 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
