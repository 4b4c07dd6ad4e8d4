// The learned quantization parameters as the CLI prints them (edgeqat quickstart).
import type { LayerQuantReport } from '../qat/quant-report.js';
import { formatTable } from './text-table.js';

export function formatQuantReport(rows: LayerQuantReport[]): string {
  const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));
  const header = ['layer', 'op', 'weight range', 'weight scale', 'activation range', 'scale', 'zero-point'];
  const body = rows.map((r) => [
    r.layer,
    r.op,
    r.weightMin === undefined ? '-' : `[${fmt(r.weightMin)}, ${fmt(r.weightMax!)}]`,
    r.weightScale === undefined ? '-' : Array.isArray(r.weightScale) ? `${fmt(r.weightScale[0])}..${fmt(r.weightScale[1])}` : fmt(r.weightScale),
    `[${fmt(r.activationMin)}, ${fmt(r.activationMax)}]`,
    fmt(r.scale),
    String(r.zeroPoint),
  ]);
  return formatTable(header, body);
}
