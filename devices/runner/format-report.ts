// The runner's human-readable report (`node run.js` without --json).
import type { RunnerReport } from './runner-report.js';

export function us(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} ms` : `${x.toFixed(1)} µs`;
}

export function formatReport(r: RunnerReport): string {
  const lines = [
    `edgeqat bundle for ${r.device}: engine ${r.engine}, Node ${r.node} ${r.platform}/${r.arch} (${r.cpu})`,
    `model     ${r.model.source} (${r.model.bytes.toLocaleString('en-US')} bytes)${r.verified_files ? `, ${r.verified_files} files match manifest.json` : ''}`,
    `load      ${us(r.load_us)}; first run ${us(r.first_run_us)}`,
    `latency   p50 ${us(r.p50_us)} · p90 ${us(r.p90_us)} · p99 ${us(r.p99_us)} · min ${us(r.min_us)} (${r.iterations} runs of 1 sample); ${r.throughput_per_s.toLocaleString('en-US')} samples/s`,
  ];
  if (r.samples) {
    const s = r.samples;
    lines.push(`accuracy  ${s.accuracy.toFixed(4)} (${s.correct}/${s.count} ${s.dataset} test samples)`);
    lines.push(`outputs   ${s.outputs_over} sha256 ${s.outputs_sha256}`);
    if (s.features_sha256) lines.push(`features  float32 sha256 ${s.features_sha256}; front end ${us(s.front_end_us ?? 0)} CPU per clip`);
  }
  lines.push(`memory    peak RSS ${(r.peak_rss_bytes / 2 ** 20).toFixed(0)} MB; ready in ${r.ready_ms.toFixed(0)} ms`);
  return lines.join('\n') + '\n';
}
