// Teachers for knowledge distillation (`train --teacher <run> ...`): run folders whose models (a
// QAT run's fake-quant model, or a --float-only run's float model, such as a bigger network), in
// inference mode, give class probabilities for the student's batches. With
// several teachers the probabilities are averaged (an ensemble's vote, softened). A teacher must
// see the student's input as the student does: the same classes, input shape, normalisation and
// audio front end; anything else is refused in one line before training starts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resolve } from 'node:path';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { logitsModel } from '../models/logits.js';
import { loadRun, type RunInfo } from '../run-folder.js';

export interface Teachers {
  /** Mean class probabilities of the teachers for a batch [n, ...input] → [n, classes]. */
  probabilities(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/** What the student is trained on, as run.json records it. */
type StudentView = Pick<RunInfo, 'classNames' | 'inputShape' | 'normalization' | 'audio'>;

/** Equal as JSON, whatever the order of the objects' keys. */
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const canonical = (v: unknown) =>
  JSON.stringify(v ?? null, (_, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))) : x));

export async function loadTeachers(dirs: readonly string[], student: StudentView, studentDir: string): Promise<Teachers> {
  const models: tfl.LayersModel[] = [];
  try {
    for (const dir of dirs) {
      if (resolve(dir) === resolve(studentDir)) throw new EdgeqatError('E_OPTION', `--teacher ${dir}: the run being trained cannot teach itself`);
      const { model, info } = await loadRun(dir).catch((e: unknown) => {
        throw isEdgeqatError(e) ? new EdgeqatError(e.code, `--teacher ${e.message}`) : e; // the message starts with the folder
      });
      models.push(model);
      const checks: [unknown, unknown, string][] = [
        [info.classNames, student.classNames, `classes ${JSON.stringify(info.classNames)}, the student's ${JSON.stringify(student.classNames)}`],
        [info.inputShape, student.inputShape, `input [${info.inputShape}], the student's [${student.inputShape}]`],
        [info.audio, student.audio, 'another audio front end than the student (--mel-upper-hz, --mfcc-coefficients, --cepstral-mean-norm)'],
        [info.normalization, student.normalization, 'another input normalisation than the student'],
      ];
      const mismatch = checks.find(([theirs, ours]) => !same(theirs, ours));
      if (mismatch) throw new EdgeqatError('E_OPTION', `--teacher ${dir}: trained with ${mismatch[2]}`);
    }
  } catch (e) {
    for (const m of models) m.dispose();
    throw e;
  }
  // The logits (a QAT model's SOFTMAX applies in inference only), softmaxed here: the same
  // probabilities without the output's 1/256 steps.
  const logits = models.map((m) => logitsModel(m));
  return {
    probabilities: (x) =>
      tf.tidy(() => {
        const each = logits.map((m) => tf.softmax(m.apply(x, { training: false }) as tf.Tensor));
        return each.length === 1 ? each[0] : tf.div(tf.addN(each), each.length);
      }),
    dispose: () => models.forEach((m) => m.dispose()),
  };
}
