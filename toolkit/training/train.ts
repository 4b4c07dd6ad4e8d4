// One training run for library callers (`train` in `edgeqat`): the CLI's defaults for what is not
// given (`edgeqat train` with the same options makes the same run), then trainRun. Commander checks
// the CLI's numbers; here the same checks give the same one-line E_OPTION errors.
import { EdgeqatError } from '../../runtime/errors.js';
import { DEFAULT_LR_SCHEDULE } from '../engine/optim/lr-schedule.js';
import { trainRun, type TrainHooks, type TrainSummary } from './train-run.js';
import type { TrainSettings } from './train-settings.js';

/** What `edgeqat train` uses for an option not given. */
export const TRAIN_DEFAULTS = {
  model: 'mlp',
  dataset: 'mnist',
  epochs: 1,
  batchSize: 10,
  lr: 0.001,
  lrSchedule: DEFAULT_LR_SCHEDULE,
  seed: 0,
  out: 'runs/mlp',
  backend: 'auto',
} as const;

export type TrainOptions = Partial<TrainSettings>;

function check(name: string, value: number | undefined, ok: (v: number) => boolean, what: string): void {
  if (value !== undefined && !(typeof value === 'number' && ok(value))) throw new EdgeqatError('E_OPTION', `${name} must be ${what}, got '${String(value)}'`);
}

/**
 * Trains into a run folder (`out`, default runs/mlp) as `edgeqat train` does: run.json, metrics,
 * checkpoints; export it with exportRun(summary.runDir). The summary's `model` is the trained
 * model (dispose it when done).
 */
export async function train(options: TrainOptions = {}, hooks: TrainHooks = {}): Promise<TrainSummary> {
  const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
  for (const key of ['epochs', 'batchSize', 'limit', 'checkpointEvery'] as const) check(key, options[key], positiveInt, 'a positive integer');
  for (const key of ['seed', 'freezeObserversAfter', 'freezeBnAfter'] as const) check(key, options[key], (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  check('lr', options.lr, (v) => Number.isFinite(v) && v > 0, 'a positive number');
  check('valSplit', options.valSplit, (v) => v > 0 && v < 1, 'a fraction in (0, 1)');
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return trainRun({ ...TRAIN_DEFAULTS, ...given }, hooks);
}
