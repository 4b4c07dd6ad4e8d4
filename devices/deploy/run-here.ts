// A bundle's runner on this machine, with this Node: the host's figures and the int8 outputs every
// device's run is compared with.
import { join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';
import { BUNDLE_FILES } from '../bundle/manifest.js';
import { parseRunnerReport, type RunnerReport } from '../runner/runner-report.js';
import { exec, lastLine } from './ssh.js';

export async function runBundleHere(bundleDir: string): Promise<RunnerReport> {
  const r = await exec(process.execPath, [join(bundleDir, BUNDLE_FILES.runner), '--json'], 5 * 60_000);
  if (r.code !== 0) throw new EdgeqatError('E_BUNDLE', `${bundleDir}: the bundle does not run here (${lastLine(r.stderr) || `exit ${r.code ?? r.signal}`})`);
  const report = parseRunnerReport(r.stdout);
  if (!report) throw new EdgeqatError('E_BUNDLE', `${bundleDir}: the bundle's runner printed no JSON report (${lastLine(r.stdout) || 'empty'})`);
  return report;
}
