// Learning-rate schedules: the rate at a global step is a pure function of (step, total steps), so a
// resumed run continues on the same curve. Cosine decay to zero over the run is what lets a short
// QAT run settle: at a constant 1e-3 the last steps still jump between minima (and the activation
// observers chase the moving weights), which cost the conv nets ~0.3 points of int8 accuracy.
export const LR_SCHEDULES = ['cosine', 'constant'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];
export const DEFAULT_LR_SCHEDULE: LrSchedule = 'cosine';

/** Learning rate for `step` (0-based) of `totalSteps`, starting at `base`. */
export function learningRateAt(schedule: LrSchedule, base: number, step: number, totalSteps: number): number {
  if (schedule === 'constant' || totalSteps <= 0) return base;
  const t = Math.min(Math.max(step / totalSteps, 0), 1);
  return base * 0.5 * (1 + Math.cos(Math.PI * t));
}
