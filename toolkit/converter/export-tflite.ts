// The library's one call from a trained TF.js model to a .tflite (`exportTflite` in `edgeqat`): a
// prepared QAT model (prepareQat, or ptq) becomes full-integer int8, a float model (or any model
// with `float: true`) float32. What the model was trained on goes into its metadata, so that
// `edgeqat eval`/`classify` and the runtime's predict/loadDatasetFor feed it the same inputs.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '../../runtime/atomic-write.js';
import type { Dataset } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { preprocessingOf, type ModelPreprocessing } from '../../runtime/model-metadata.js';
import { isQatModel } from '../qat/prepare.js';
import { convertFloatToTflite, convertToTflite } from './convert.js';

export interface ExportTfliteOptions {
  /**
   * A float32 model: from a QAT model its float weights, from a float model the model as it is
   * (batch norm folded, activations fused either way). Default: int8, which needs a QAT model.
   */
  float?: boolean;
  /** int8 input and output tensors instead of float ones quantized inside the model (int8 only). */
  int8Io?: boolean;
  /**
   * The data set the model was trained on (loadDataset's result): its name, normalisation, class
   * names and sample shape are recorded in the model's metadata.
   */
  dataset?: Pick<Dataset, 'name' | 'normalization' | 'classNames' | 'sampleShape' | 'resize'>;
  /** What to record instead of a data set's (a model trained on data from elsewhere). */
  preprocessing?: ModelPreprocessing;
  /** The model's description field (default 'edgeqat'). */
  description?: string;
  /** Also write the bytes to this file (atomically: the old file or the new one, never half). */
  out?: string;
}

/** A trained model → .tflite bytes (and the file `out`, when given). */
export function exportTflite(model: LayersModel, opts: ExportTfliteOptions = {}): Uint8Array {
  if (opts.dataset && opts.preprocessing) throw new EdgeqatError('E_OPTION', 'exportTflite: give dataset or preprocessing, not both');
  const preprocessing = opts.preprocessing ?? (opts.dataset ? preprocessingOf(opts.dataset) : undefined);
  const common = { preprocessing, description: opts.description };
  let bytes: Uint8Array;
  if (isQatModel(model)) {
    bytes = convertToTflite(model, { ...common, float: opts.float ?? false, int8Io: opts.int8Io ?? false });
  } else if (opts.float) {
    if (opts.int8Io) throw new EdgeqatError('E_OPTION', 'exportTflite: int8Io applies to int8 models; a float32 model has float32 input and output');
    bytes = convertFloatToTflite(model, common);
  } else {
    throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' is a float model: an int8 .tflite needs a QAT model (prepareQat, then train it) or ptq(model, data); for a float32 .tflite pass { float: true }`);
  }
  if (opts.out) writeFileAtomic(opts.out, bytes);
  return bytes;
}
