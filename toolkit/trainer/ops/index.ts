// The trainer's op registry: every TFLite builtin the trainer can simulate.
import { FULLY_CONNECTED } from './fully-connected.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const TRAINER_OPS: Record<string, TrainerOpSpec> = { FULLY_CONNECTED };
