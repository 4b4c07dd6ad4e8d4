// `edgeqat bundle <model.tflite> --device rpi4 [--engine e] [--with-samples N] --out <dir>`: a folder
// that runs with plain `node run.js` on the device (see devices/bundle/). Samples are the first N
// test images of the data set the model was trained on (from its metadata; MNIST by default); an
// audio model ships the first N test clips instead (the device runs them through its front end).
import { Command } from 'commander';
import { deviceProfile } from '../../../devices/profiles.js';
import { BUNDLE_ENGINES, BUNDLE_FILES, type BundleEngine } from '../../../devices/bundle/manifest.js';
import { makeBundle, type BundleResult, type ClipSource, type SampleSource } from '../../../devices/bundle/make-bundle.js';
import { loadDataset, sampleSize } from '../../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { readPreprocessing, recordedLoadOptions } from '../../../runtime/model-metadata.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import { configValue } from '../config.js';
import { edgeqatVersion } from '../../version.js';
import { oneOf, positiveInt } from '../options.js';

export interface BundleOptions {
  device?: string;
  engine?: BundleEngine;
  /** Ship the first N test images and labels (accuracy and output checksum on the device). */
  withSamples?: number;
  /** Data set of the samples (default: the model's, from its metadata; else mnist). */
  dataset?: string;
  dataDir?: string;
  out?: string;
  json?: boolean;
}

export const BUNDLE_DEFAULTS = { device: 'rpi4', engine: 'reference' as BundleEngine };

export function loadSamples(modelPath: string, count: number, dataset?: string, dataDir?: string): SampleSource {
  const recorded = readPreprocessing(readTfliteFile(modelPath), modelPath);
  const spec = dataset ?? recorded?.dataset ?? 'mnist';
  const data = loadDataset(spec, { split: 'test', dataDir, ...recordedLoadOptions(recorded, spec) });
  const test = data.test!;
  const [rows, cols, channels] = data.sampleShape;
  if (!test.pixels || data.sampleShape.length !== 3 || channels! > 4) {
    throw new EdgeqatError('E_UNSUPPORTED', `${spec}: bundles ship image samples [rows, cols, 1..4 channels] (this set has ${data.sampleShape.join('×')} samples)`);
  }
  const n = Math.min(count, test.count);
  const per = sampleSize(data.sampleShape);
  return {
    dataset: spec,
    count: n,
    rows,
    cols,
    ...(channels !== 1 ? { channels } : {}),
    normalization: data.normalization,
    pixels: test.pixels.slice(0, n * per),
    labels: test.labels.slice(0, n),
  };
}

/** The first `count` test clips of an audio model's data set, loaded through its recorded front end. */
export function loadClipSamples(modelPath: string, count: number, dataset?: string, dataDir?: string): ClipSource | null {
  const recorded = readPreprocessing(readTfliteFile(modelPath), modelPath);
  if (!recorded?.audio) return null;
  const spec = dataset ?? recorded.dataset;
  const data = loadDataset(spec, { split: 'test', dataDir, audioFrontEnd: recorded.audio });
  const test = data.test!;
  const n = Math.min(count, test.count);
  return {
    dataset: spec,
    count: n,
    labels: Array.from(test.labels.subarray(0, n)),
    clips: test.clips!.slice(0, n * recorded.audio.clipSamples),
    sampleRate: recorded.audio.sampleRate,
  };
}

export async function runBundle(modelPath: string, opts: BundleOptions = {}): Promise<BundleResult> {
  const device = deviceProfile(opts.device ?? BUNDLE_DEFAULTS.device);
  const clips = opts.withSamples ? loadClipSamples(modelPath, opts.withSamples, opts.dataset, opts.dataDir) : null;
  const samples = opts.withSamples && !clips ? loadSamples(modelPath, opts.withSamples, opts.dataset, opts.dataDir) : null;
  return makeBundle(modelPath, {
    device,
    engine: opts.engine ?? BUNDLE_DEFAULTS.engine,
    out: opts.out ?? `edgeqat-bundle-${device.name}`,
    samples,
    clips,
    createdBy: `edgeqat ${edgeqatVersion()}`,
  });
}

export function formatBundle(r: BundleResult): string {
  const m = r.manifest;
  const clipFiles = Object.entries(m.files).filter(([path]) => path.startsWith(`${BUNDLE_FILES.sampleClipsDir}/`));
  const parts = Object.entries(m.files)
    .filter(([path]) => !path.startsWith(`${BUNDLE_FILES.sampleClipsDir}/`))
    .map(([path, f]) => `${path} ${(f.bytes / 1024).toFixed(0)} KB`);
  if (clipFiles.length > 0) parts.push(`${BUNDLE_FILES.sampleClipsDir}/ (${clipFiles.length} WAV) ${(clipFiles.reduce((a, [, f]) => a + f.bytes, 0) / 1024).toFixed(0)} KB`);
  return (
    `wrote ${r.out}: ${m.engine} engine for ${m.device.name} (Node ${m.device.nodeMajor}, ${m.device.arch}), ` +
    `${(r.bytes / 1024).toFixed(0)} KB${m.samples ? `, ${m.samples.count} ${m.samples.dataset} samples` : ''}${m.clips ? `, ${m.clips.count} ${m.clips.dataset} test clips` : ''}\n` +
    `  ${parts.join(', ')}\n  run it with: node ${r.out}/run.js [--json]\n`
  );
}

export function bundleCommand(): Command {
  return new Command('bundle')
    .description('a self-contained folder that runs a .tflite with plain `node run.js` on a device')
    .argument('[model]', '.tflite file (default: bundle.model in edgeqat.config.json)')
    .option('--device <name>', 'device profile (see `edgeqat devices`)', BUNDLE_DEFAULTS.device)
    .option('--engine <name>', `${BUNDLE_ENGINES.join(' | ')}`, oneOf('--engine', BUNDLE_ENGINES), BUNDLE_DEFAULTS.engine)
    .option('--with-samples <n>', 'ship the first n test images, or test clips for an audio model (accuracy and int8 output checksum on the device)', positiveInt('--with-samples'))
    .option('--dataset <spec>', "data set of the samples (default: the model's)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--out <dir>', 'bundle folder (replaced if it holds a bundle; default edgeqat-bundle-<device>)')
    .option('--json', 'print the manifest as JSON')
    .action(async (model: string | undefined, opts: BundleOptions) => {
      const path = model ?? (configValue('bundle', 'model') as string | undefined);
      if (!path) throw new EdgeqatError('E_OPTION', 'no model: pass <model.tflite> or set bundle.model in edgeqat.config.json');
      const r = await runBundle(path, opts);
      process.stdout.write(opts.json ? `${JSON.stringify({ out: r.out, bytes: r.bytes, manifest: r.manifest })}\n` : formatBundle(r));
    });
}
