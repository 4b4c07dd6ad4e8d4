// The preprocessing a model carries in its .tflite (runtime/model-metadata.ts): written by the
// converter from the data set, read back whole, and validated like any other input.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { EdgeqatError } from '../runtime/errors.js';
import { preprocessingOf, PREPROCESSING_METADATA, readPreprocessing } from '../runtime/model-metadata.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { prepareQat } from '../toolkit/qat/prepare.js';

const withEntry = (text: string | null) => ({ metadata: [{ name: PREPROCESSING_METADATA, buffer: 1, text }] });

function errorOf(fn: () => unknown): EdgeqatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeqatError);
    return e as EdgeqatError;
  }
  throw new Error('expected an EdgeqatError');
}

describe('model preprocessing metadata', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('round-trips the data set, normalisation, class names and sample shape through a converted model', () => {
    const data = loadDataset('mnist', { split: 'test' });
    const qat = prepareQat(buildMlp(0));
    const bytes = convertToTflite(qat, { preprocessing: preprocessingOf(data) });
    qat.dispose();
    const p = readPreprocessing(readTfliteModel(bytes, 'm.tflite'), 'm.tflite');
    expect(p).toEqual({ dataset: 'mnist', mean: [0.1307], std: [0.3081], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], sampleShape: [28, 28, 1] });
  });

  it('reads older entries without class names or sample shape, and none at all', () => {
    expect(readPreprocessing(withEntry('{"dataset":"mnist","mean":0.1,"std":0.3}'), 'm')).toEqual({ dataset: 'mnist', mean: [0.1], std: [0.3] });
    expect(readPreprocessing(withEntry('{"dataset":"c","mean":[0.4,0.5,0.6],"std":[0.2,0.3,0.4]}'), 'm')).toEqual({ dataset: 'c', mean: [0.4, 0.5, 0.6], std: [0.2, 0.3, 0.4] });
    expect(readPreprocessing({ metadata: [] }, 'm')).toBeUndefined();
  });

  it('refuses a malformed entry in one line naming the key', () => {
    for (const [text, pattern] of [
      ['not json', /m: metadata edgeqat_preprocessing: not JSON/],
      ['{"dataset":"mnist","mean":0,"std":0}', /std/],
      ['{"dataset":"mnist","mean":[0,0],"std":[1,-1]}', /std/],
      ['{"dataset":"mnist","mean":[0,0],"std":[1]}', /std: 1 values, mean has 2/],
      ['{"dataset":"mnist","mean":"0","std":1}', /mean/],
      ['{"dataset":"mnist","mean":[],"std":[]}', /mean/],
      ['{"dataset":"mnist","mean":0,"std":1,"classNames":[1,2]}', /classNames/],
      ['{"dataset":"mnist","mean":0,"std":1,"classNames":[]}', /classNames/],
      ['{"dataset":"mnist","mean":0,"std":1,"sampleShape":[28,-1]}', /sampleShape/],
      ['{"dataset":"mnist","mean":0,"std":1,"extra":true}', /extra/],
      [null, /too large/],
    ] as const) {
      const e = errorOf(() => readPreprocessing(withEntry(text), 'm'));
      expect(e.code).toBe('E_MODEL_FILE');
      expect(e.message).not.toMatch(/\n/);
      expect(e.message).toMatch(pattern);
    }
  });
});
