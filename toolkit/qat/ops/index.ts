// The trainer's op registry: every TFLite builtin the trainer can simulate.
import { ADD } from './add.js';
import { AVERAGE_POOL_2D } from './average-pool-2d.js';
import { CONCATENATION } from './concatenation.js';
import { CONV_2D } from './conv-2d.js';
import { DEPTHWISE_CONV_2D } from './depthwise-conv-2d.js';
import { FULLY_CONNECTED } from './fully-connected.js';
import { MAX_POOL_2D } from './max-pool-2d.js';
import { RESHAPE } from './reshape.js';
import { SOFTMAX } from './softmax.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const TRAINER_OPS: Record<string, TrainerOpSpec> = {
  FULLY_CONNECTED,
  CONV_2D,
  DEPTHWISE_CONV_2D,
  MAX_POOL_2D,
  AVERAGE_POOL_2D,
  RESHAPE,
  ADD,
  CONCATENATION,
  SOFTMAX,
};

/**
 * Looks a spec up by builtin name. TF.js camel-cases string config values containing '_' when it
 * loads a model (FULLY_CONNECTED -> fullyConnected), so compare without case and underscores.
 */
export function trainerOp(builtin: string): TrainerOpSpec | undefined {
  const key = builtin.replace(/_/g, '').toLowerCase();
  return Object.values(TRAINER_OPS).find((s) => s.builtin.replace(/_/g, '').toLowerCase() === key);
}
