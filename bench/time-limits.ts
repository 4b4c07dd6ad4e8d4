// Time limits that used to be test assertions (a wall-clock bound fails on a loaded machine and
// proves nothing there), measured here by `npm run bench` against the same limits. The tests keep
// bounds on work done instead (tables walked, bytes read). Run alone: `npx tsx bench/time-limits.ts
// [--quick]`; exits 1 when a measured limit is exceeded. Say under what load the figures were taken.
//   verifier  a crafted file sharing one operator 20,000 times is refused within 1 s
//   fuzz      the slowest of the seeded fuzz cases (every door) within 1 s
//   bundle    `node run.js --json` of the MLP bundle (100 samples) answers within 1 s
//   deploy    a closed port, a refused key and a silent server each fail within 15 s (CLI start-up
//             ~2 s + the 2-3 s --timeout), against the loopback sshd
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyTfliteModel } from '../runtime/verifier/index.js';
import { exportMlp } from '../test/helpers/mlp-model.js';
import { runCli } from '../test/helpers/run-cli.js';
import { freePort, sshUnavailable, startSshServer } from '../test/helpers/ssh-server.js';
import { sharedObjectsModel } from '../test/helpers/tflite-model.js';
import { runFuzz } from './fuzz/fuzz-run.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

export interface TimeLimit {
  check: string;
  limit_ms: number;
  /** null when it could not be measured here (see note). */
  measured_ms: number | null;
  ok: boolean | null;
  note?: string;
}

function limit(check: string, limitMs: number, measuredMs: number | null, note?: string): TimeLimit {
  return { check, limit_ms: limitMs, measured_ms: measuredMs === null ? null : Math.round(measuredMs * 10) / 10, ok: measuredMs === null ? null : measuredMs <= limitMs, ...(note ? { note } : {}) };
}

function timed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** The CLI in a child process, resolving with how long it took to exit. */
function cliSeconds(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'toolkit/cli/index.ts'), ...args], { cwd: repo, stdio: 'ignore' });
    child.on('close', () => resolve(performance.now() - t0));
  });
}

async function deployLimits(model: string, tmp: string): Promise<TimeLimit[]> {
  const missing = sshUnavailable();
  if (missing) return ['deploy: closed port', 'deploy: refused key', 'deploy: silent server'].map((c) => limit(c, 15_000, null, missing));
  const server = await startSshServer();
  try {
    const closed = await freePort();
    const refused = await cliSeconds(['deploy', model, '--host', server.host, '--port', String(closed), '--ssh-config', server.configFile, '--timeout', '3']);
    const stranger = join(tmp, 'stranger');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const config = join(tmp, 'stranger_config');
    writeFileSync(config, readFileSync(server.configFile, 'utf8').replace(/^ {2}IdentityFile .*$/m, `  IdentityFile ${stranger}`));
    const badKey = await cliSeconds(['deploy', model, '--host', server.host, '--port', String(server.port), '--ssh-config', config, '--identity', stranger, '--timeout', '3']);
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const hung = await cliSeconds(['deploy', model, '--host', server.host, '--port', String(port), '--ssh-config', server.configFile, '--timeout', '2']);
    silent.close();
    return [limit('deploy: closed port', 15_000, refused), limit('deploy: refused key', 15_000, badKey), limit('deploy: silent server', 15_000, hung)];
  } finally {
    await server.stop();
  }
}

export async function benchTimeLimits(quick = false): Promise<TimeLimit[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-limits-'));
  try {
    const results: TimeLimit[] = [];
    const crafted = sharedObjectsModel();
    results.push(
      limit(
        'verifier: shared-objects file refused',
        1000,
        timed(() => {
          try {
            verifyTfliteModel(crafted, 'crafted.tflite');
          } catch {
            // refused, as it must be (test/verifier.test.ts checks the message)
          }
        }),
      ),
    );

    const cases = quick ? 200 : 2000;
    const fuzz = await runFuzz({ cases, seed: 20261129, maxCaseMs: Infinity, hangMs: 30_000 });
    results.push(limit(`fuzz: slowest of ${cases} cases`, 1000, fuzz.maxCaseMs, `case ${fuzz.maxCaseIndex}`));

    const model = await exportMlp(tmp);
    const bundle = join(tmp, 'bundle');
    const made = await runCli(['bundle', model, '--device', 'rpi4', '--with-samples', '100', '--out', bundle]);
    if (made.code !== 0) throw new Error(`edgeqat bundle failed: ${made.stderr}`);
    const answered = timed(() => {
      const r = spawnSync(process.execPath, [join(bundle, 'run.js'), '--json'], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' } });
      if (r.status !== 0) throw new Error(`run.js failed: ${r.stderr}`);
    });
    results.push(limit('bundle: node run.js --json answers', 1000, answered));

    results.push(...(await deployLimits(model, tmp)));
    return results;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function timeLimitsTable(results: TimeLimit[]): string[] {
  return [
    `| check | limit ms | measured ms | within |`,
    `|---|---|---|---|`,
    ...results.map((r) => `| ${r.check} | ${r.limit_ms} | ${r.measured_ms ?? '-'} | ${r.ok === null ? `not measured: ${r.note}` : r.ok ? 'yes' : 'NO'}${r.ok !== null && r.note ? ` (${r.note})` : ''} |`),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await benchTimeLimits(process.argv.includes('--quick'));
  console.log(timeLimitsTable(results).join('\n'));
  if (results.some((r) => r.ok === false)) process.exitCode = 1;
}
