// The trainer's op registry: every TFLite builtin the trainer can simulate.
import { FULLY_CONNECTED } from './fully-connected.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const TRAINER_OPS: Record<string, TrainerOpSpec> = { FULLY_CONNECTED };

/**
 * Looks a spec up by builtin name. TF.js camel-cases string config values containing '_' when it
 * loads a model (FULLY_CONNECTED -> fullyConnected), so compare without case and underscores.
 */
export function trainerOp(builtin: string): TrainerOpSpec | undefined {
  const key = builtin.replace(/_/g, '').toLowerCase();
  return Object.values(TRAINER_OPS).find((s) => s.builtin.replace(/_/g, '').toLowerCase() === key);
}
