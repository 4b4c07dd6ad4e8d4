// The host's and the device's runner figures side by side (`edgeqat deploy` without --json).
import { us } from '../runner/format-report.js';
import type { RunnerReport } from '../runner/runner-report.js';

export function figuresTable(host: RunnerReport, device: RunnerReport): string {
  const rows: [string, (r: RunnerReport) => string][] = [
    ['node', (r) => `${r.node} ${r.platform}/${r.arch}`],
    ['engine', (r) => r.engine],
    ['load', (r) => us(r.load_us)],
    ['first run', (r) => us(r.first_run_us)],
    ['latency p50', (r) => us(r.p50_us)],
    ['latency p90', (r) => us(r.p90_us)],
    ['latency p99', (r) => us(r.p99_us)],
    ['throughput', (r) => `${r.throughput_per_s.toLocaleString('en-US')} samples/s`],
    ['peak RSS', (r) => `${(r.peak_rss_bytes / 2 ** 20).toFixed(0)} MB`],
    ['ready in', (r) => `${r.ready_ms.toFixed(0)} ms`],
  ];
  if (host.samples && device.samples) {
    rows.push(['accuracy', (r) => `${r.samples!.accuracy.toFixed(4)} (${r.samples!.correct}/${r.samples!.count})`]);
    rows.push([`${host.samples.outputs_over} outputs`, (r) => `sha256 ${r.samples!.outputs_sha256.slice(0, 16)}…`]);
  }
  const cells = [['', 'host', 'device'], ...rows.map(([label, f]) => [label, f(host), f(device)])];
  const w0 = Math.max(...cells.map((c) => c[0].length));
  const w1 = Math.max(...cells.map((c) => c[1].length));
  return cells.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join('\n') + '\n';
}
