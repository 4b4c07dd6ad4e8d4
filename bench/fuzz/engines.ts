// The engines a fuzz case runs through: every engine runtime/engines/index.ts lists, each created
// with createEngine, the same door the CLI uses.
import type { Engine } from '../../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES } from '../../runtime/engines/index.js';

export interface FuzzEngine {
  name: string;
  create(bytes: Uint8Array, label: string): Promise<Engine>;
}

export function fuzzEngines(names: readonly string[] = ENGINE_NAMES): FuzzEngine[] {
  return names.map((name) => ({ name, create: (bytes, label) => createEngine(name, bytes, label) }));
}
