// Engine selection: by name, or `auto` = the fastest engine that can run the model, in an order
// measured with `edgeqat bench <model> --engine all` and `npm run bench` (batch 1, MNIST inputs,
// 2-core x86 build machine, p50):
// - models without convolutions (the 784-100-100-10 MLP): tfjs-tflite 7-10 µs, litert 13-22 µs,
//   reference 20-35 µs;
// - models with CONV_2D / DEPTHWISE_CONV_2D: LiteRT.js first. CNN 104-134 µs vs tfjs-tflite
//   164-179 µs in each of 4 runs; DSCNN 72-80 µs vs 83-91 µs in 3 of 4 runs (102 vs 91 in the fourth);
//   eval throughput 1.7x / 1.2x tfjs-tflite's. LiteRT.js's p99 is the worse one on these (longer tail).
// An engine that cannot load or run a model is skipped (litert: int8 I/O; reference: an op it lacks).
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

/** Fastest first (see the header), for models without convolutions. */
export const AUTO_ORDER: readonly EngineName[] = ['tfjs-tflite', 'litert', 'reference'];
/** Fastest first for models with a CONV_2D or DEPTHWISE_CONV_2D operator. */
export const AUTO_ORDER_CONV: readonly EngineName[] = ['litert', 'tfjs-tflite', 'reference'];

/** The order `auto` tries engines in for a model with these operators. */
export function autoOrder(ops: readonly string[]): readonly EngineName[] {
  return ops.some((op) => op === 'CONV_2D' || op === 'DEPTHWISE_CONV_2D') ? AUTO_ORDER_CONV : AUTO_ORDER;
}

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
 * Loads `bytes` on the named engine, or with `auto` on the first engine of autoOrder() that can run
 * it. `label` names the model in messages. Unknown names are E_OPTION; when no engine can run the
 * model, one line gives each engine's reason.
 */
export async function createEngine(name: string, bytes: Uint8Array, label: string, opts: CreateEngineOptions = {}): Promise<Engine> {
  if (name !== 'auto' && !isEngineName(name)) {
    throw new EdgeqatError('E_OPTION', `unknown engine '${name}' (choose from ${ENGINE_CHOICES.join(', ')})`);
  }
  if (name !== 'auto') return FACTORIES[name](bytes, label, opts);
  const summary = readTfliteModel(bytes, label); // a corrupt file is one E_MODEL_FILE error, not three
  const reasons: string[] = [];
  let last: unknown;
  for (const candidate of autoOrder(summary.subgraph.operators.map((o) => o.op))) {
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
