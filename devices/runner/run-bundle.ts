// The runner inside a deploy bundle (`node run.js [--json]`): checks the bundle's files against
// manifest.json, loads model.tflite on the bundled engine, times one-sample runs, and with shipped
// samples measures accuracy and the int8 outputs' checksum. Image models also take PNG/JPEG files
// (`node run.js photo.jpg ...`: the class and its score, runtime/classify-images.ts); audio models
// take WAV files (`node run.js clip.wav ...`: the word and its score for each) and a live stream
// (`--listen`, ./listen.ts), through the front end their metadata records. Runs on plain Node ≥ 18 (esbuild
// bundles this with the runtime into lib/edgeqat-runtime.mjs); errors are one line on stderr.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { countMatches, predictionsOf } from '../../runtime/accuracy.js';
import { classifyImages, formatPrediction } from '../../runtime/classify-images.js';
import { normalizeImages } from '../../runtime/datasets/datasets.js';
import { readIdxImages, readIdxLabels } from '../../runtime/datasets/idx.js';
import { elementsPerSample, type Engine } from '../../runtime/engines/engine.js';
import { runAll } from '../../runtime/engines/run-batches.js';
import { seededInputs } from '../../runtime/seeded-inputs.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { readPreprocessing } from '../../runtime/model-metadata.js';
import { readTfliteModel, type ModelSummary } from '../../runtime/model-reader.js';
import { pathInside } from '../../runtime/path-inside.js';
import { BUNDLE_FILES, readManifest, sampleClipFile, sha256, type BundleEngine, type BundleManifest } from '../bundle/manifest.js';
import { DEFAULT_LATENCY, measureLatency } from './latency.js';
import { outputChecksum } from './output-checksum.js';
import { formatReport } from './format-report.js';
import { audioModelOf, clipsFeatures, topClass, type AudioModel } from './audio-model.js';
import { listen, type Detection, type ListenOptions } from './listen.js';
import { MICRO_SPEECH_RECOGNIZE } from './recognize-commands.js';
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
  /** Files to classify instead of the benchmark report: WAV clips (audio models) or PNG/JPEG images. */
  files: string[];
  /** Audio models: spot words in raw S16_LE samples on stdin. */
  listen: ListenOptions | null;
}

/**
 * `--listen`'s defaults: a window every 100 ms and micro_speech's averaging over the last 500 ms
 * with threshold 0.7 (micro_speech: 1000 ms, 200/255). A word of 0.4-0.8 s is wholly inside the 1 s
 * window for only 0.2-0.6 s of window positions, and only then do DS-CNN's scores stay high: measured
 * on streams of held-out voices, a 1000 ms average at 0.78 misses most words, 500 ms at 0.7 finds them.
 */
export const LISTEN_DEFAULTS: ListenOptions = { strideMs: 100, ...MICRO_SPEECH_RECOGNIZE, averageMs: 500, threshold: 0.7 };

const USAGE =
  'usage: node run.js [--json] [--iterations N] [--warmup N] [--no-verify]\n' +
  '       node run.js [--json] photo.jpg [more.png ...]         (image models)\n' +
  '       node run.js [--json] clip.wav [more.wav ...]          (audio models)\n' +
  '       node run.js --listen [--json] [--stride-ms N] [--threshold P] [--average-ms N] [--suppression-ms N] [--min-count N] < raw S16_LE mono audio (audio models; e.g. arecord -f S16_LE -r 16000 -c 1 -t raw | node run.js --listen)';
const LISTEN_FLAGS: Record<string, { key: keyof ListenOptions; min: number; max: number; integer: boolean }> = {
  '--stride-ms': { key: 'strideMs', min: 1, max: 60_000, integer: false },
  '--threshold': { key: 'threshold', min: 0, max: 1, integer: false },
  '--average-ms': { key: 'averageMs', min: 1, max: 600_000, integer: false },
  '--suppression-ms': { key: 'suppressionMs', min: 0, max: 600_000, integer: false },
  '--min-count': { key: 'minCount', min: 1, max: 10_000, integer: true },
};
const SAMPLE_BATCH = 64;

/** The bundle's entry point: returns the exit code; prints the report or one error line. */
export async function runnerMain(dir: string, argv: string[], factory: BundleEngineFactory): Promise<number> {
  try {
    const opts = parseArgs(argv);
    if (!opts) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (opts.files.length > 0 || opts.listen) return await runFiles(dir, opts, factory);
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
  const opts: RunnerOptions = { json: false, iterations: DEFAULT_LATENCY.iterations, warmup: DEFAULT_LATENCY.warmup, verify: true, files: [], listen: null };
  const listenFlags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') opts.json = true;
    else if (arg === '--listen') opts.listen ??= { ...LISTEN_DEFAULTS };
    else if (arg in LISTEN_FLAGS) {
      const spec = LISTEN_FLAGS[arg];
      const value = argv[++i] ?? '';
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n < spec.min || n > spec.max || (spec.integer && !Number.isInteger(n))) {
        throw new EdgeqatError('E_OPTION', `${arg} takes ${spec.integer ? 'an integer' : 'a number'} in ${spec.min}..${spec.max}, got '${value}'`);
      }
      listenFlags.push(arg);
      (opts.listen ??= { ...LISTEN_DEFAULTS })[spec.key] = n;
    } else if (!arg.startsWith('-')) opts.files.push(arg);
    else if (arg === '--no-verify') opts.verify = false;
    else if (arg === '--help' || arg === '-h') return null;
    else if (arg === '--iterations' || arg === '--warmup') {
      const value = argv[++i] ?? '';
      const n = Number(value);
      if (!/^\d+$/.test(value) || (arg === '--iterations' && n < 1)) throw new EdgeqatError('E_OPTION', `${arg} takes a ${arg === '--iterations' ? 'positive' : 'non-negative'} integer, got '${value}' (${USAGE})`);
      if (arg === '--iterations') opts.iterations = n;
      else opts.warmup = n;
    } else throw new EdgeqatError('E_OPTION', `unknown argument '${arg}' (${USAGE.split('\n')[0]}; --help for all)`);
  }
  if (listenFlags.length > 0 && !argv.includes('--listen')) throw new EdgeqatError('E_OPTION', `${listenFlags[0]} applies to --listen`);
  if (opts.listen && opts.files.length > 0) throw new EdgeqatError('E_OPTION', `--listen reads stdin; give WAV files (${opts.files[0]}) without it`);
  return opts;
}

interface OpenBundle {
  manifest: BundleManifest;
  summary: ModelSummary;
  engine: Engine;
  verified: number;
  loadUs: number;
}

/** Checks the manifest (and the files, unless --no-verify) and loads the model on the bundled engine. */
async function openBundle(dir: string, opts: RunnerOptions, factory: BundleEngineFactory): Promise<OpenBundle> {
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
  return { manifest, summary, engine, verified, loadUs: Number(process.hrtime.bigint() - t0) / 1000 };
}

/**
 * `node run.js <files>` and `--listen`: image models name the class of each PNG/JPEG; audio models
 * the word of each WAV clip, or the words they spot in a stream.
 */
async function runFiles(dir: string, opts: RunnerOptions, factory: BundleEngineFactory): Promise<number> {
  const { engine, summary } = await openBundle(dir, opts, factory);
  try {
    // WAV files go to the audio path, which names a model that takes no audio in one line.
    const wav = opts.files.some((f) => /\.wav$/i.test(f));
    if (!opts.listen && !wav && !readPreprocessing(summary, BUNDLE_FILES.model)?.audio) {
      const predictions = classifyImages(engine, summary, opts.files, BUNDLE_FILES.model);
      process.stdout.write(opts.json ? `${JSON.stringify({ predictions })}\n` : predictions.map((p) => `${formatPrediction(p)}\n`).join(''));
      return 0;
    }
    const model = audioModelOf(engine, summary, BUNDLE_FILES.model);
    if (opts.listen) {
      const print = (d: Detection) => process.stdout.write(opts.json ? `${JSON.stringify(d)}\n` : `${d.time_s.toFixed(2).padStart(7)} s  ${d.word}  ${d.score.toFixed(3)}\n`);
      const heard = await listen(model, process.stdin, opts.listen, print);
      if (!opts.json) process.stdout.write(`heard ${heard.detections.length} word(s) in ${heard.seconds.toFixed(2)} s of audio (${heard.windows} windows)\n`);
      return 0;
    }
    const clips = classifyClips(model, opts.files);
    if (opts.json) process.stdout.write(`${JSON.stringify({ clips })}\n`);
    else for (const c of clips) process.stdout.write(`${c.file}  ${c.word}  ${c.score.toFixed(3)}\n`);
    return 0;
  } finally {
    engine.dispose();
  }
}

function classifyClips(model: AudioModel, files: string[]): { file: string; word: string; score: number }[] {
  const { features } = clipsFeatures(model, files, false);
  const scores = model.scores(features, files.length);
  const classes = model.classNames.length;
  const clips = files.map((file, i) => {
    const top = topClass(scores, i * classes, classes);
    return { file, word: model.classNames[top], score: Math.round(scores[i * classes + top] * 1000) / 1000 };
  });
  return clips;
}

export async function runReport(dir: string, opts: RunnerOptions, factory: BundleEngineFactory): Promise<RunnerReport> {
  const { manifest, summary, engine, verified, loadUs } = await openBundle(dir, opts, factory);
  try {
    const per = elementsPerSample(engine.input);
    const shipped = manifest.samples ? loadSamples(dir, manifest, per) : manifest.clips ? loadClipSamples(dir, manifest, engine, summary) : null;
    const inputs = shipped?.images ?? seededInputs(per, 64);
    const latency = measureLatency(engine, inputs, { ...DEFAULT_LATENCY, iterations: opts.iterations, warmup: opts.warmup });
    const dataset = manifest.samples?.dataset ?? manifest.clips?.dataset;
    const samples = shipped && dataset ? { ...sampleFigures(engine, summary, shipped, dataset), ...shipped.audio } : null;
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
    pathInside(dir, rel, { code: 'E_MODEL_FILE', source: BUNDLE_FILES.manifest, what: 'file' }); // never reads outside the bundle
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
  /** Model inputs: normalised images, or the features of shipped clips. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  /** Clips: the front end's figures on this machine. */
  audio?: Pick<SampleFigures, 'features_sha256' | 'front_end_us'>;
}

/** Shipped test clips through the model's front end (the features on which accuracy is measured). */
function loadClipSamples(dir: string, manifest: BundleManifest, engine: Engine, summary: ModelSummary): Shipped {
  const c = manifest.clips!;
  const model = audioModelOf(engine, summary, BUNDLE_FILES.model);
  const paths = Array.from({ length: c.count }, (_, i) => join(dir, sampleClipFile(i)));
  const { features, sha256: featuresSha, frontEndUs } = clipsFeatures(model, paths);
  return { images: features, labels: Uint8Array.from(c.labels), count: c.count, audio: { features_sha256: featuresSha, front_end_us: frontEndUs } };
}

function loadSamples(dir: string, manifest: BundleManifest, per: number): Shipped {
  const s = manifest.samples!;
  const channels = s.channels ?? 1;
  const images = readIdxImages(join(dir, BUNDLE_FILES.sampleImages), true);
  const labels = readIdxLabels(join(dir, BUNDLE_FILES.sampleLabels), 256);
  if (images.count !== s.count || labels.count !== s.count || images.rows !== s.rows || images.cols !== s.cols || images.channels !== channels) {
    throw new EdgeqatError(
      'E_DATASET',
      `${BUNDLE_FILES.sampleImages}: ${images.count} images of ${images.rows}×${images.cols}×${images.channels} and ${labels.count} labels, manifest.json says ${s.count} of ${s.rows}×${s.cols}×${channels}`,
    );
  }
  if (s.rows * s.cols * channels !== per) {
    throw new EdgeqatError('E_DATASET', `model.tflite takes ${per} values per sample, the shipped ${s.dataset} samples have ${s.rows * s.cols * channels}`);
  }
  return { images: normalizeImages(images.pixels, s.normalization, channels), labels: labels.labels, count: s.count };
}

function sampleFigures(engine: Engine, summary: ModelSummary, shipped: Shipped, dataset: string): SampleFigures {
  const classes = elementsPerSample(engine.output);
  const all = runAll(engine, shipped.images, shipped.count, { batch: SAMPLE_BATCH });
  const correct = countMatches(predictionsOf(all, shipped.count, classes), shipped.labels, shipped.count);
  const checksum = outputChecksum(all, summary);
  return { dataset, count: shipped.count, correct, accuracy: correct / shipped.count, outputs_over: checksum.over, outputs_sha256: checksum.sha256 };
}

