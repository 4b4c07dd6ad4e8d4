// Engine selection: by name, or `auto` = the fastest engine that can run the model. The order is
// measured with `edgeqat bench test/fixtures/edgeqat-mlp.tflite --engine all` (the 784-100-100-10
// MLP edgeqat exports, float I/O, batch 1, MNIST inputs; 2-core x86 build machine, shared and noisy;
// p50 over 3 runs): tfjs-tflite ≈ 7 µs, litert ≈ 13-21 µs, reference ≈ 34 µs. An engine that
// cannot load or run a model is skipped (litert: int8 I/O; reference: an op it lacks).
// `reference-xnnpack` is the reference interpreter with XNNPACK's arithmetic (what the two
// WebAssembly engines compute); never picked by `auto`, which prefers the real thing.
import { EdgeqatError, isEdgeqatError } from '../errors.js';
import { readTfliteModel } from '../model-reader.js';
import type { Engine } from './engine.js';
import { createLitertEngine } from './litert.js';
import { createReferenceEngine } from './reference.js';
import { createTfjsTfliteEngine } from './tfjs-tflite.js';

export const ENGINE_NAMES = ['reference', 'reference-xnnpack', 'tfjs-tflite', 'litert'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type EngineChoice = 'auto' | EngineName;
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', ...ENGINE_NAMES];

/** Fastest first (see the header). */
export const AUTO_ORDER: readonly EngineName[] = ['tfjs-tflite', 'litert', 'reference'];

export interface CreateEngineOptions {
  /** Requested CPU threads, passed to the engines that take a thread count; see Engine.threads for what they use. */
  threads?: number;
}

const FACTORIES: Record<EngineName, (bytes: Uint8Array, label: string, opts: CreateEngineOptions) => Engine | Promise<Engine>> = {
  reference: (bytes, label) => createReferenceEngine(bytes, { label }),
  'reference-xnnpack': (bytes, label) => createReferenceEngine(bytes, { label, arithmetic: 'xnnpack' }),
  'tfjs-tflite': (bytes, label, opts) => createTfjsTfliteEngine(bytes, { label, threads: opts.threads }),
  litert: (bytes, label, opts) => createLitertEngine(bytes, { label, threads: opts.threads }),
};

export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

/**
 * Loads `bytes` on the named engine, or with `auto` on the first engine of AUTO_ORDER that can run
 * it. `label` names the model in messages. Unknown names are E_OPTION; when no engine can run the
 * model, one line gives each engine's reason.
 */
export async function createEngine(name: string, bytes: Uint8Array, label: string, opts: CreateEngineOptions = {}): Promise<Engine> {
  if (name !== 'auto' && !isEngineName(name)) {
    throw new EdgeqatError('E_OPTION', `unknown engine '${name}' (choose from ${ENGINE_CHOICES.join(', ')})`);
  }
  if (name !== 'auto') return FACTORIES[name](bytes, label, opts);
  readTfliteModel(bytes, label); // a corrupt file is one E_MODEL_FILE error, not three
  const reasons: string[] = [];
  let last: unknown;
  for (const candidate of AUTO_ORDER) {
    try {
      return await FACTORIES[candidate](bytes, label, opts);
    } catch (e) {
      if (!isEdgeqatError(e)) throw e;
      last = e;
      reasons.push(`${candidate}: ${e.message.startsWith(`${label}: `) ? e.message.slice(label.length + 2) : e.message}`);
    }
  }
  const code = isEdgeqatError(last) ? last.code : 'E_UNSUPPORTED';
  throw new EdgeqatError(code, `${label}: no engine can run this model (${reasons.join('; ')})`);
}
