// Running many samples through an engine: `batch` samples per engine.run call (bounds memory and
// sets the progress granularity). The one loop behind evaluation, engine comparison and the device
// runner's sample check.
import { EdgeqatError } from '../errors.js';
import { elementsPerSample, type Engine, type OutputArray } from './engine.js';

export const DEFAULT_RUN_BATCH = 256;

export interface RunBatchesOptions {
  /** Samples per engine.run call. Default 256. */
  batch?: number;
  onProgress?(done: number, total: number): void;
}

/** Runs the first `count` samples of `inputs` and hands each batch's raw outputs to `onBatch`. */
export function forEachBatch(
  engine: Engine,
  inputs: Float32Array,
  count: number,
  onBatch: (outputs: OutputArray, start: number, n: number) => void,
  opts: RunBatchesOptions = {},
): void {
  const per = elementsPerSample(engine.input);
  const batch = opts.batch ?? DEFAULT_RUN_BATCH;
  if (!Number.isInteger(batch) || batch < 1) throw new EdgeqatError('E_OPTION', `batch must be a positive integer, got ${batch}`);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    onBatch(engine.run(inputs.subarray(start * per, (start + n) * per), n), start, n);
    opts.onProgress?.(start + n, count);
  }
}

/** The raw outputs of the first `count` samples, all in one array of the output tensor's type. */
export function runAll(engine: Engine, inputs: Float32Array, count: number, opts: RunBatchesOptions = {}): OutputArray {
  const outPer = elementsPerSample(engine.output);
  let all: OutputArray | undefined;
  forEachBatch(
    engine,
    inputs,
    count,
    (out, start) => {
      all ??= new (out.constructor as new (n: number) => OutputArray)(count * outPer);
      all.set(out, start * outPer);
    },
    opts,
  );
  return all ?? new Float32Array(0);
}
