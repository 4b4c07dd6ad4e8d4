// The trainer's op registry: every op the trainer can simulate, one file each in this folder,
// listed by ./generated/registry.ts (`npm run gen:ops`). Which layers become which op is the
// quantize registry's (../quantize-registry.ts).
import { TRAINER_OP_FILES } from './generated/registry.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const TRAINER_OPS: Readonly<Record<string, TrainerOpSpec>> = TRAINER_OP_FILES;

/**
 * Looks a spec up by builtin name. TF.js camel-cases string config values containing '_' when it
 * loads a model (FULLY_CONNECTED -> fullyConnected), so compare without case and underscores.
 */
export function trainerOp(builtin: string): TrainerOpSpec | undefined {
  const key = builtin.replace(/_/g, '').toLowerCase();
  return Object.values(TRAINER_OPS).find((s) => s.builtin.replace(/_/g, '').toLowerCase() === key);
}
