// Makes a deploy bundle: a folder that runs with plain `node run.js` on the device (no npm install,
// no network). Built in a temporary sibling folder, then renamed into place; an existing bundle
// at --out is replaced, anything else there is refused.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../runtime/atomic-write.js';
import { encodeWav } from '../../runtime/audio/wav.js';
import { createEngine } from '../../runtime/engines/index.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { readTfliteFile } from '../../runtime/model-reader.js';
import type { DeviceProfile } from '../profiles.js';
import { buildRuntime, wasmFilesFor } from './bundle-engines.js';
import { encodeIdx } from './idx-writer.js';
import {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  readManifest,
  sampleClipFile,
  sha256,
  sha256sumsText,
  type BundleClips,
  type BundleEngine,
  type BundleManifest,
  type BundleSamples,
  type FileEntry,
} from './manifest.js';
import { RUN_JS } from './run-js.js';

export interface SampleSource extends BundleSamples {
  /** count*rows*cols*channels raw pixels. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Test clips of an audio model: written as float32 WAV files, so the device reads the exact samples. */
export interface ClipSource extends BundleClips {
  /** count × clipSamples samples at the model's rate. */
  clips: Float32Array;
  sampleRate: number;
}

export interface MakeBundleOptions {
  device: DeviceProfile;
  engine: BundleEngine;
  /** The bundle folder to write (replaced if it holds a bundle). */
  out: string;
  samples?: SampleSource | null;
  clips?: ClipSource | null;
  /** Recorded in the manifest, e.g. "edgeqat 0.1.0". */
  createdBy: string;
}

export interface BundleResult {
  out: string;
  manifest: BundleManifest;
  /** Total bytes of all files. */
  bytes: number;
}

export async function makeBundle(modelPath: string, opts: MakeBundleOptions): Promise<BundleResult> {
  readTfliteFile(modelPath); // one E_MODEL_FILE line for a bad file
  const model = new Uint8Array(readFileSync(modelPath));
  await checkEngineRuns(opts.engine, model, modelPath);
  const out = resolve(opts.out);
  checkOut(out);

  let tmp: string;
  try {
    mkdirSync(dirname(out), { recursive: true });
    tmp = mkdtempSync(join(dirname(out), `.${basename(out)}.tmp-`));
  } catch (e) {
    throw new EdgeqatError('E_IO', `${out}: cannot create the bundle folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const files: Record<string, FileEntry> = {};
    const put = (rel: string, data: Uint8Array | string) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      writeFileAtomic(join(tmp, rel), bytes);
      files[rel] = { bytes: bytes.length, sha256: sha256(bytes) };
    };
    put(BUNDLE_FILES.runner, RUN_JS);
    put(BUNDLE_FILES.model, model);
    put(BUNDLE_FILES.runtime, await buildRuntime(opts.engine, opts.device.nodeMajor));
    const wasmFiles = wasmFilesFor(opts.engine, opts.device.wasm);
    for (const file of wasmFiles) put(`${BUNDLE_FILES.wasmDir}/${basename(file)}`, readFileSync(file));
    let samples: BundleSamples | null = null;
    if (opts.samples) {
      const { pixels, labels, ...info } = opts.samples;
      const channels = info.channels ?? 1;
      put(BUNDLE_FILES.sampleImages, encodeIdx(channels === 1 ? [info.count, info.rows, info.cols] : [info.count, info.rows, info.cols, channels], pixels));
      put(BUNDLE_FILES.sampleLabels, encodeIdx([info.count], labels));
      samples = info;
    }
    let clips: BundleClips | null = null;
    if (opts.clips) {
      const { clips: audio, sampleRate, ...info } = opts.clips;
      const n = audio.length / info.count;
      for (let i = 0; i < info.count; i++) put(sampleClipFile(i), encodeWav(audio.subarray(i * n, (i + 1) * n), sampleRate));
      clips = info;
    }
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_FORMAT_VERSION,
      createdBy: opts.createdBy,
      createdAt: new Date().toISOString(),
      device: opts.device,
      engine: opts.engine,
      wasm: wasmFiles.length > 0 ? { variant: opts.device.wasm, files: wasmFiles.map((f) => `${BUNDLE_FILES.wasmDir}/${basename(f)}`) } : null,
      model: { source: basename(modelPath), bytes: model.length, sha256: sha256(model) },
      samples,
      ...(clips ? { clips } : {}),
      files,
    };
    writeJsonAtomic(join(tmp, BUNDLE_FILES.manifest), manifest);
    const manifestBytes = readFileSync(join(tmp, BUNDLE_FILES.manifest));
    const sums = { ...files, [BUNDLE_FILES.manifest]: { bytes: manifestBytes.length, sha256: sha256(manifestBytes) } };
    writeFileAtomic(join(tmp, BUNDLE_FILES.sums), sha256sumsText(sums));
    const bytes = Object.values(sums).reduce((a, f) => a + f.bytes, 0) + Buffer.byteLength(sha256sumsText(sums));
    chmodSync(tmp, 0o755); // mkdtemp made it private
    swapIntoPlace(tmp, out);
    return { out, manifest, bytes };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Loads the model on the chosen engine here, so a model the engine cannot run fails now, not on the device. */
async function checkEngineRuns(engine: BundleEngine, model: Uint8Array, label: string): Promise<void> {
  const e = await createEngine(engine, model, label);
  e.dispose();
}

/** An existing --out must be an edgeqat bundle (replaced) or an empty folder; anything else is kept. */
function checkOut(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new EdgeqatError('E_OPTION', `${out}: exists and is not a folder; choose another --out`);
  if (readdirSync(out).length === 0) return;
  try {
    readManifest(out);
  } catch (e) {
    if (!isEdgeqatError(e)) throw e;
    throw new EdgeqatError('E_OPTION', `${out}: exists and is not an edgeqat bundle (no valid manifest.json); choose another --out or remove it`);
  }
}

/** rename(tmp, out); an existing out is moved aside first and removed once the new one is in place. */
function swapIntoPlace(tmp: string, out: string): void {
  let old: string | undefined;
  try {
    if (existsSync(out)) {
      old = `${tmp}.old`;
      renameSync(out, old);
    }
    renameSync(tmp, out);
  } catch (e) {
    if (old && !existsSync(out)) renameSync(old, out);
    throw new EdgeqatError('E_IO', `${out}: cannot move the bundle into place (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (old) rmSync(old, { recursive: true, force: true });
}
