// The engines a fuzz case runs through: every engine `runtime/engines/index.ts` (createEngine)
// lists when that module exists, else tfjs-tflite plus any engine module found next to it. Loaded
// dynamically so the fuzzer keeps working while engines are added.
import type { Engine } from '../../runtime/engines/engine.js';
import { createTfjsTfliteEngine } from '../../runtime/engines/tfjs-tflite.js';

export interface FuzzEngine {
  name: string;
  create(bytes: Uint8Array, label: string): Promise<Engine>;
}

type EngineModule = Record<string, unknown>;

// Specifiers in variables: TypeScript does not resolve them, so a module that does not exist yet
// is not a compile error.
const REGISTRY: string = '../../runtime/engines/index.js';
const REFERENCE: string = '../../runtime/engines/reference.js';

async function tryImport(specifier: string): Promise<EngineModule | undefined> {
  try {
    return (await import(specifier)) as EngineModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(String(e))) return undefined;
    throw e;
  }
}

/** Engine names from the registry module: an exported array of names, or of { name } objects. */
function registryNames(mod: EngineModule): string[] {
  for (const value of Object.values(mod)) {
    if (Array.isArray(value) && value.length > 0) {
      const names = value.map((v) => (typeof v === 'string' ? v : (v as { name?: unknown })?.name));
      if (names.every((n): n is string => typeof n === 'string')) return names;
    }
  }
  return [];
}

export async function fuzzEngines(): Promise<FuzzEngine[]> {
  const registry = await tryImport(REGISTRY);
  const createEngine = registry?.createEngine;
  if (typeof createEngine === 'function') {
    const names = registryNames(registry!);
    if (names.length > 0) {
      return names.map((name) => ({
        name,
        create: async (bytes, label) => (await createEngine(name, bytes, { label })) as Engine,
      }));
    }
  }
  const engines: FuzzEngine[] = [{ name: 'tfjs-tflite', create: (bytes, label) => createTfjsTfliteEngine(bytes, { label }) }];
  const reference = await tryImport(REFERENCE);
  const createReference = reference?.createReferenceEngine;
  if (typeof createReference === 'function') {
    engines.push({ name: 'reference', create: async (bytes, label) => (await createReference(bytes, { label })) as Engine });
  }
  return engines;
}
