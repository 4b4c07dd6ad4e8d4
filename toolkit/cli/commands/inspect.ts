// `edgeqat inspect <model>`: what is inside a .tflite file (ops, tensors, quantization, sizes), or a
// Keras .keras / .h5 model (its layers, shapes, parameters and which layers edgeqat can quantize).
// runInspect and runInspectKeras return what to print, so tests call them without spawning the CLI.
import { extname } from 'node:path';
import { Command } from 'commander';
import { readTfliteFile, type ModelSummary, type TensorSummary } from '../../../runtime/model-reader.js';
import { initBackend } from '../../engine/backend.js';
import { importModel, isImportedModelFile } from '../../models/import/index.js';
import { modelReport, type ModelReport } from '../../models/import/layer-report.js';
import { formatTable } from '../text-table.js';

export interface InspectOptions {
  json?: boolean;
}

export interface InspectTotals {
  /** Elements of all constant tensors (weights, biases, shape constants). */
  paramCount: number;
  constantBytes: number;
  constantBytesByDtype: Record<string, number>;
}

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * Math.max(d, 0), 1);
}

export function inspectTotals(summary: ModelSummary): InspectTotals {
  const byDtype: Record<string, number> = {};
  let paramCount = 0;
  let constantBytes = 0;
  // The converter de-duplicates identical constants into one buffer; count each buffer once.
  const seen = new Set<number>();
  for (const t of summary.subgraph.tensors) {
    if (t.bufferBytes === 0 || seen.has(t.buffer)) continue;
    seen.add(t.buffer);
    paramCount += elementCount(t.shape);
    constantBytes += t.bufferBytes;
    byDtype[t.dtype] = (byDtype[t.dtype] ?? 0) + t.bufferBytes;
  }
  return { paramCount, constantBytes, constantBytesByDtype: byDtype };
}

/** 1234567 → "1,234,567" without depending on the machine's locale. */
function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatScale(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

/** Min and max without spreading (per-channel lists can be long). */
function range(xs: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return [lo, hi];
}

function formatQuant(t: TensorSummary): { scale: string; zeroPoint: string } {
  const q = t.quantization;
  if (!q) return { scale: '-', zeroPoint: '-' };
  if (q.scale.length <= 1) {
    return { scale: q.scale.length ? formatScale(q.scale[0]!) : '-', zeroPoint: String(q.zeroPoint[0] ?? '-') };
  }
  const [zMin, zMax] = range(q.zeroPoint);
  const [sMin, sMax] = range(q.scale);
  return {
    scale: `${q.scale.length} ch (axis ${q.quantizedDimension}) ${formatScale(sMin)}..${formatScale(sMax)}`,
    zeroPoint: q.zeroPoint.length === 0 ? '-' : zMin === zMax ? String(zMin) : `${zMin}..${zMax}`,
  };
}

/** Left-aligned columns, two spaces apart, each row indented by two spaces. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function renderText(path: string, s: ModelSummary, totals: InspectTotals): string {
  const g = s.subgraph;
  const list = (xs: number[]) => xs.join(',') || '-';
  const lines = [
    `${path}: ${withCommas(s.fileBytes)} bytes, TFLite schema version ${s.version}` +
      (s.description ? `, description "${s.description}"` : ''),
    `subgraph 0${g.name ? ` "${g.name}"` : ''} of ${s.subgraphCount}: ` +
      `inputs [${g.inputs.join(', ')}], outputs [${g.outputs.join(', ')}]`,
    '',
    `operators (${g.operators.length})`,
    ...table(
      ['#', 'op', 'version', 'inputs', 'outputs', 'activation'],
      g.operators.map((op) => [
        String(op.index),
        op.op,
        String(s.operatorCodes[op.opcodeIndex]?.version ?? '-'),
        list(op.inputs),
        list(op.outputs),
        op.fusedActivation ?? '-',
      ]),
    ),
    '',
    `tensors (${g.tensors.length})`,
    ...table(
      ['#', 'name', 'dtype', 'shape', 'scale', 'zero-point', 'buffer bytes'],
      g.tensors.map((t) => {
        const q = formatQuant(t);
        const shape = `[${(t.shapeSignature ?? t.shape).join(',')}]`;
        return [String(t.index), t.name, t.dtype, shape, q.scale, q.zeroPoint, t.bufferBytes ? withCommas(t.bufferBytes) : '-'];
      }),
    ),
    '',
    'totals',
    `  parameters: ${withCommas(totals.paramCount)}`,
    `  constant bytes: ${withCommas(totals.constantBytes)}` +
      (totals.constantBytes
        ? ` (${Object.entries(totals.constantBytesByDtype)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([dtype, n]) => `${dtype} ${withCommas(n)}`)
            .join(', ')})`
        : ''),
  ];
  return lines.join('\n') + '\n';
}

/** Both forms are always built (cheap); `inspectCommand` prints the one `--json` asks for. */
export function runInspect(path: string, _opts: InspectOptions = {}): { text: string; json: object } {
  // Verified like every model file, except for the operator rules: inspect runs nothing, and shows
  // models with operators edgeqat's engines do not run.
  const summary = readTfliteFile(path, { operators: false });
  const totals = inspectTotals(summary);
  return { text: renderText(path, summary, totals), json: { path, ...summary, totals } };
}

const FORMAT_NAMES: Record<string, string> = { keras: 'Keras .keras', 'keras-h5': 'Keras HDF5 (.h5)' };

function renderKeras(r: ModelReport): string {
  const rows = r.layers.map((l, i) => [String(i), l.name, l.className, `[${l.outputShape.map((d) => d ?? '?').join(',')}]`, withCommas(l.params), l.quantized ? `yes: ${l.quantized}` : `no: ${l.reason}`]);
  const blocked = r.layers.filter((l) => !l.quantized);
  const verdict = blocked.length
    ? `${blocked.length} of ${r.layers.length} layers cannot be quantized (${blocked.map((l) => `'${l.name}'`).join(', ')}): replace them before QAT`
    : `all ${r.layers.length} layers can be quantized: edgeqat train --model ${r.path} --input-scale ... (or --input-mean/--input-std)`;
  return [
    `${r.path}: ${FORMAT_NAMES[r.format] ?? r.format}${r.kerasVersion ? ` (Keras ${r.kerasVersion})` : ''}, model '${r.name}', ${withCommas(r.params)} parameters`,
    '',
    formatTable(['#', 'layer', 'class', 'output shape', 'params', 'int8'], rows, { rule: false }).replace(/^/gm, '  '),
    '',
    verdict,
  ].join('\n') + '\n';
}

/** A Keras model's layers (imported as edgeqat would train it); import problems are thrown, one line each. */
export async function runInspectKeras(path: string): Promise<{ text: string; json: ModelReport }> {
  await initBackend('auto');
  const imported = await importModel(path);
  try {
    const report = modelReport(imported);
    return { text: renderKeras(report), json: report };
  } finally {
    imported.model.dispose();
  }
}

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show the operators, tensors, quantization and sizes of a .tflite model, or the layers of a Keras .keras/.h5 model')
    .argument('<model>', 'path to a .tflite, .keras or .h5 file')
    .option('--json', 'print the summary as JSON')
    .action(async (model: string, opts: InspectOptions) => {
      const result = isImportedModelFile(model) && extname(model).toLowerCase() !== '.tflite' ? await runInspectKeras(model) : runInspect(model, opts);
      process.stdout.write(opts.json ? JSON.stringify(result.json, null, 2) + '\n' : result.text);
    });
}
