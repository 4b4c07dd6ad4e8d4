// Deploys a bundle folder over SSH: prepare (node and sha256sum there, an upload folder), upload
// (scp), install (sha256sum -c on the device, then an atomic switch; see remote-scripts.ts), and
// run the runner there. Any failure before the switch leaves the previous bundle in place.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';
import { parseRunnerReport, type RunnerReport } from '../runner/runner-report.js';
import { checkRemoteValue, remoteScript } from './remote-shell.js';
import { CLEANUP_SCRIPT, INSTALL_SCRIPT, PREPARE_SCRIPT, REMOTE_EXIT, RUN_SCRIPT } from './remote-scripts.js';
import { checkTarget, connectionError, exec, lastLine, openMaster, scpArgs, sshArgs, type ExecResult, type SshTarget } from './ssh.js';

/** The oldest Node a bundle runs on (Raspberry Pi OS bookworm ships 18). */
export const MIN_NODE_MAJOR = 18;

export interface DeployTarget extends SshTarget {
  /** Deploy folder on the device (`~/…`, relative to the home, or absolute). */
  dir: string;
  /** The bundle's name there: it is installed as <dir>/<name>. */
  name: string;
  /** The device's node command (default `node` from its PATH). */
  node: string;
  /** scp bandwidth limit in Kbit/s. */
  bandwidthKbps?: number;
  /** Longest time for the upload, in ms (the connection itself is bounded by connectTimeout). */
  uploadTimeoutMs: number;
  /** Longest time for the runner on the device, in ms. */
  runTimeoutMs: number;
}

export interface DeployTimings {
  /** Connection and login (one SSH handshake for the whole deploy). */
  connect_ms: number;
  prepare_ms: number;
  upload_ms: number;
  install_ms: number;
  run_ms: number;
}

export interface DeployResult {
  /** The device's answer to `node -p process.version + process.arch`. */
  deviceNode: string;
  deviceArch: string;
  /** Absolute deploy folder on the device and the installed bundle's path. */
  dir: string;
  path: string;
  report: RunnerReport;
  timings: DeployTimings;
}

/** Checks every value before anything connects. */
export function checkDeployTarget(t: DeployTarget): DeployTarget {
  checkTarget(t);
  checkRemoteValue('--dir', t.dir);
  checkRemoteValue('--node', t.node);
  checkRemoteValue('--name', t.name);
  if (t.name === '.' || t.name === '..' || t.name.includes('/') || t.name.startsWith('.edgeqat-')) {
    throw new EdgeqatError('E_OPTION', `--name must be a plain file name (no '/', not '.', '..' or .edgeqat-*), got ${JSON.stringify(t.name)}`);
  }
  return t;
}

export async function deployBundle(bundleDir: string, target: DeployTarget, runnerArgs: string[] = ['--json']): Promise<DeployResult> {
  checkDeployTarget(target);
  const connectStart = performance.now();
  const master = await openMaster(target);
  const connectMs = Math.round(performance.now() - connectStart);
  try {
    const result = await deployOver({ ...target, ...master.target }, bundleDir, runnerArgs);
    result.timings.connect_ms = connectMs;
    return result;
  } finally {
    await master.close();
  }
}

async function deployOver(t: DeployTarget, bundleDir: string, runnerArgs: string[]): Promise<DeployResult> {
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const args = [t.dir, t.name, id, t.node];
  const connectMs = (t.connectTimeout + 5) * 1000;
  const timings: DeployTimings = { connect_ms: 0, prepare_ms: 0, upload_ms: 0, install_ms: 0, run_ms: 0 };
  const timed = async <T>(key: keyof DeployTimings, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[key] = Math.round(performance.now() - start);
    }
  };

  const prepared = await timed('prepare_ms', () => ssh(t, PREPARE_SCRIPT, args, connectMs + 30_000, 'prepare'));
  const ok = /^ok (\S+) (\S+)$/m.exec(prepared.stdout);
  const dir = /^dir (.*)$/m.exec(prepared.stdout)?.[1];
  if (!ok || dir === undefined) throw new EdgeqatError('E_REMOTE', `${t.host}: unexpected answer from the device (${lastLine(prepared.stdout + prepared.stderr) || 'nothing'})`);

  try {
    const major = Number(/^v(\d+)\./.exec(ok[1])?.[1] ?? 0);
    if (major < MIN_NODE_MAJOR) {
      throw new EdgeqatError('E_REMOTE', `${t.host}: the device's node is ${ok[1]}; bundles need Node ${MIN_NODE_MAJOR} or newer (Raspberry Pi OS bookworm: sudo apt install nodejs; or pass --node <path>)`);
    }
    const files = readdirSync(bundleDir).map((f) => join(bundleDir, f));
    const upload = await timed('upload_ms', () => exec('scp', scpArgs(t, files, `.edgeqat-upload-${id}`, t.bandwidthKbps), t.uploadTimeoutMs));
    if (upload.code !== 0) {
      if (upload.code === 255 || upload.timedOut) throw connectionError(t, upload, t.uploadTimeoutMs);
      const why = upload.signal ? `scp ended by ${upload.signal}` : lastLine(upload.stderr) || `scp exit ${upload.code}`;
      throw new EdgeqatError('E_SSH', `${t.host}: upload failed (${why}); the previous bundle is unchanged`);
    }
    await timed('install_ms', () => ssh(t, INSTALL_SCRIPT, args, connectMs + 60_000, 'install'));
  } catch (e) {
    // Best effort: the device may be gone; stale uploads are also swept by the next prepare.
    await exec('ssh', sshArgs(t, remoteScript(CLEANUP_SCRIPT, args)), connectMs).catch(() => undefined);
    throw e;
  }

  const ran = await timed('run_ms', () => ssh(t, RUN_SCRIPT, [...args, ...runnerArgs], connectMs + t.runTimeoutMs, 'run'));
  const report = parseRunnerReport(ran.stdout);
  if (!report) throw new EdgeqatError('E_REMOTE', `${t.host}: the runner's answer is not JSON (${lastLine(ran.stdout) || 'empty'})`);
  return { deviceNode: ok[1], deviceArch: ok[2], dir, path: `${dir}/${t.name}`, report, timings };
}

/** Runs one remote script; a connection failure or a failing script is one line. */
async function ssh(t: SshTarget, script: string, args: string[], timeoutMs: number, step: string): Promise<ExecResult> {
  const r = await exec('ssh', sshArgs(t, remoteScript(script, args)), timeoutMs);
  if (r.code === 0) return r;
  if (r.code === 255 || r.code === null || r.timedOut) throw connectionError(t, r, timeoutMs);
  const said = remoteMessage(r.stderr);
  if (step === 'run') throw new EdgeqatError('E_REMOTE', `${t.host}: the bundle's runner failed (${said || `exit ${r.code}`})`);
  const known = Object.values(REMOTE_EXIT) as number[];
  const detail = said || lastLine(r.stderr) || `exit ${r.code}`;
  throw new EdgeqatError('E_REMOTE', `${t.host}: ${step} failed (${detail})${known.includes(r.code) && step === 'install' ? '; the previous bundle is unchanged' : ''}`);
}

/** The remote script's or runner's own one-line message, without its prefix. */
function remoteMessage(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('edgeqat-remote: ') || l.startsWith('edgeqat-run: '));
  return line ? line.replace(/^edgeqat-(remote|run): (error: )?/, '') : '';
}
