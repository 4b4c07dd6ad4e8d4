// The runner inside a deploy bundle (`node run.js [--json]`): checks the bundle's files against
// manifest.json, loads model.tflite on the bundled engine, times one-sample runs, and with shipped
// samples measures accuracy and the int8 outputs' checksum. Runs on plain Node ≥ 18 (esbuild
// bundles this with the runtime into lib/edgeqat-runtime.mjs); errors are one line on stderr.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { argmax } from '../../runtime/accuracy.js';
import { normalizeImages } from '../../runtime/datasets/datasets.js';
import { readIdxImages, readIdxLabels } from '../../runtime/datasets/idx.js';
import { elementsPerSample, type Engine, type OutputArray } from '../../runtime/engines/engine.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { readTfliteModel, type ModelSummary } from '../../runtime/model-reader.js';
import { BUNDLE_FILES, readManifest, sha256, type BundleEngine, type BundleManifest } from '../bundle/manifest.js';
import { DEFAULT_LATENCY, measureLatency } from './latency.js';
import { outputChecksum } from './output-checksum.js';
import { formatReport } from './format-report.js';
import type { RunnerReport, SampleFigures } from './runner-report.js';

export interface BundleEngineFactory {
  name: BundleEngine;
  create(bytes: Uint8Array, label: string): Engine | Promise<Engine>;
  /** Fails with one line when this Node cannot run what the bundle ships (e.g. no WebAssembly SIMD). */
  check?(manifest: BundleManifest): void;
}

export interface RunnerOptions {
  json: boolean;
  iterations: number;
  warmup: number;
  /** Check every file against manifest.json first (default on). */
  verify: boolean;
}

const USAGE = 'usage: node run.js [--json] [--iterations N] [--warmup N] [--no-verify]';
const SAMPLE_BATCH = 64;

/** The bundle's entry point: returns the exit code; prints the report or one error line. */
export async function runnerMain(dir: string, argv: string[], factory: BundleEngineFactory): Promise<number> {
  try {
    const opts = parseArgs(argv);
    if (!opts) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const report = await runReport(dir, opts, factory);
    process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return 0;
  } catch (e) {
    if (isEdgeqatError(e)) {
      process.stderr.write(`edgeqat-run: error: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`edgeqat-run: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

export function parseArgs(argv: string[]): RunnerOptions | null {
  const opts: RunnerOptions = { json: false, iterations: DEFAULT_LATENCY.iterations, warmup: DEFAULT_LATENCY.warmup, verify: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') opts.json = true;
    else if (arg === '--no-verify') opts.verify = false;
    else if (arg === '--help' || arg === '-h') return null;
    else if (arg === '--iterations' || arg === '--warmup') {
      const value = argv[++i] ?? '';
      const n = Number(value);
      if (!/^\d+$/.test(value) || (arg === '--iterations' && n < 1)) throw new EdgeqatError('E_OPTION', `${arg} takes a ${arg === '--iterations' ? 'positive' : 'non-negative'} integer, got '${value}' (${USAGE})`);
      if (arg === '--iterations') opts.iterations = n;
      else opts.warmup = n;
    } else throw new EdgeqatError('E_OPTION', `unknown argument '${arg}' (${USAGE})`);
  }
  return opts;
}

export async function runReport(dir: string, opts: RunnerOptions, factory: BundleEngineFactory): Promise<RunnerReport> {
  const manifest = readManifest(dir);
  if (manifest.engine !== factory.name) {
    throw new EdgeqatError('E_MODEL_FILE', `${join(dir, BUNDLE_FILES.manifest)}: says engine ${manifest.engine}, but the bundled runtime is ${factory.name}`);
  }
  const verified = opts.verify ? verifyFiles(dir, manifest) : 0;
  factory.check?.(manifest);

  const bytes = readBundleFile(dir, BUNDLE_FILES.model);
  const summary = readTfliteModel(bytes, BUNDLE_FILES.model);
  const t0 = process.hrtime.bigint();
  const engine = await factory.create(bytes, BUNDLE_FILES.model);
  const loadUs = Number(process.hrtime.bigint() - t0) / 1000;
  try {
    const per = elementsPerSample(engine.input);
    const shipped = manifest.samples ? loadSamples(dir, manifest, per) : null;
    const inputs = shipped?.images ?? seededInputs(per, 64);
    const latency = measureLatency(engine, inputs, { ...DEFAULT_LATENCY, iterations: opts.iterations, warmup: opts.warmup });
    const samples = shipped && manifest.samples ? sampleFigures(engine, summary, shipped, manifest.samples.dataset) : null;
    return {
      runner: 'edgeqat-bundle',
      device: manifest.device.name,
      node: process.version,
      arch: process.arch,
      platform: process.platform,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      engine: engine.name,
      model: manifest.model,
      verified_files: verified,
      load_us: Math.round(loadUs * 10) / 10,
      ...latency,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      samples,
      ready_ms: Math.round(performance.now() * 10) / 10,
    };
  } finally {
    engine.dispose();
  }
}

function readBundleFile(dir: string, rel: string): Uint8Array {
  try {
    return readFileSync(join(dir, rel));
  } catch (e) {
    throw new EdgeqatError('E_MODEL_FILE', `${rel}: missing from the bundle (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); deploy it again`);
  }
}

function verifyFiles(dir: string, manifest: BundleManifest): number {
  let n = 0;
  for (const [rel, entry] of Object.entries(manifest.files)) {
    const bytes = readBundleFile(dir, rel);
    const actual = sha256(bytes);
    if (bytes.length !== entry.bytes || actual !== entry.sha256) {
      throw new EdgeqatError('E_MODEL_FILE', `${rel}: does not match manifest.json (${bytes.length} bytes, sha256 ${actual.slice(0, 12)}…; expected ${entry.bytes} bytes, ${entry.sha256.slice(0, 12)}…); the bundle is damaged, deploy it again`);
    }
    n++;
  }
  return n;
}

interface Shipped {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

function loadSamples(dir: string, manifest: BundleManifest, per: number): Shipped {
  const s = manifest.samples!;
  const images = readIdxImages(join(dir, BUNDLE_FILES.sampleImages));
  const labels = readIdxLabels(join(dir, BUNDLE_FILES.sampleLabels));
  if (images.count !== s.count || labels.count !== s.count || images.rows !== s.rows || images.cols !== s.cols) {
    throw new EdgeqatError('E_DATASET', `${BUNDLE_FILES.sampleImages}: ${images.count} images of ${images.rows}×${images.cols} and ${labels.count} labels, manifest.json says ${s.count} of ${s.rows}×${s.cols}`);
  }
  if (s.rows * s.cols !== per) {
    throw new EdgeqatError('E_DATASET', `model.tflite takes ${per} values per sample, the shipped ${s.dataset} samples have ${s.rows * s.cols}`);
  }
  return { images: normalizeImages(images.pixels, s.normalization), labels: labels.labels, count: s.count };
}

function sampleFigures(engine: Engine, summary: ModelSummary, shipped: Shipped, dataset: string): SampleFigures {
  const per = elementsPerSample(engine.input);
  const classes = elementsPerSample(engine.output);
  let all: OutputArray | undefined;
  for (let start = 0; start < shipped.count; start += SAMPLE_BATCH) {
    const n = Math.min(SAMPLE_BATCH, shipped.count - start);
    const out = engine.run(shipped.images.subarray(start * per, (start + n) * per), n);
    all ??= new (out.constructor as new (length: number) => OutputArray)(shipped.count * classes);
    all.set(out, start * classes);
  }
  let correct = 0;
  for (let i = 0; i < shipped.count; i++) if (argmax(all!, i * classes, classes) === shipped.labels[i]) correct++;
  const checksum = outputChecksum(all!, summary);
  return { dataset, count: shipped.count, correct, accuracy: correct / shipped.count, outputs_over: checksum.over, outputs_sha256: checksum.sha256 };
}

/** Deterministic inputs in [0, 1) when no samples are shipped (latency does not depend on values). */
function seededInputs(per: number, count: number): Float32Array {
  let seed = 1;
  return Float32Array.from({ length: per * count }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
