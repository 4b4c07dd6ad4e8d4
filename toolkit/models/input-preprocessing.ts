// The input preprocessing a user states once for their own model, as the {mean, std} edgeqat
// records with every model (run.json, and the .tflite's edgeqat_preprocessing metadata), where the
// model input is (pixel / 255 - mean) / std:
//   --input-scale s --input-offset o   input = pixel * s + o (pixel in 0..255, as Keras's
//                                      Rescaling(scale=s, offset=o)): std = 1 / (255 s), mean = -o std
//   --input-mean m --input-std s       input = (pixel / 255 - m) / s (torchvision's Normalize, and
//                                      the data sets' own constants); one value, or one per channel
// Numbers may be written as fractions (1/255).
import { EdgeqatError } from '../../runtime/errors.js';
import type { Normalization } from '../../runtime/datasets/datasets.js';

export interface InputPreprocessingOptions {
  inputScale?: string;
  inputOffset?: string;
  inputMean?: string;
  inputStd?: string;
}

/** A number or a fraction a/b, or a one-line E_OPTION naming the option. */
export function parseNumber(flag: string, text: string): number {
  const m = /^\s*([^/]+?)\s*(?:\/\s*([^/]+?)\s*)?$/.exec(text);
  const value = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
  if (!m || m[1]!.trim() === '' || !Number.isFinite(value)) throw new EdgeqatError('E_OPTION', `${flag} must be a number (or a fraction like 1/255), got '${text}'`);
  return value;
}

function perChannel(flag: string, text: string): number[] {
  return text.split(',').map((t) => parseNumber(flag, t));
}

/** The stated preprocessing, or undefined when none was stated. `channels` is the model input's channel count. */
export function statedPreprocessing(opts: InputPreprocessingOptions, channels = 1): Normalization | undefined {
  const rescale = opts.inputScale !== undefined || opts.inputOffset !== undefined;
  const normalize = opts.inputMean !== undefined || opts.inputStd !== undefined;
  if (rescale && normalize) throw new EdgeqatError('E_OPTION', 'state the input preprocessing one way: --input-scale/--input-offset or --input-mean/--input-std, not both');
  if (rescale) {
    const scale = opts.inputScale === undefined ? 1 : parseNumber('--input-scale', opts.inputScale);
    const offset = opts.inputOffset === undefined ? 0 : parseNumber('--input-offset', opts.inputOffset);
    if (scale <= 0) throw new EdgeqatError('E_OPTION', `--input-scale must be positive, got '${opts.inputScale}'`);
    const std = 1 / (255 * scale);
    return { mean: [-offset * std || 0], std: [std] }; // no -0 in the recorded metadata
  }
  if (normalize) {
    const means = perChannel('--input-mean', opts.inputMean ?? '0');
    const stds = perChannel('--input-std', opts.inputStd ?? '1');
    for (const [flag, list] of [['--input-mean', means], ['--input-std', stds]] as const) {
      if (list.length !== 1 && list.length !== channels) throw new EdgeqatError('E_OPTION', `${flag} has ${list.length} values; the model input has ${channels} channel${channels === 1 ? '' : 's'} (give one value, or one per channel)`);
    }
    if (stds.some((s) => s <= 0)) throw new EdgeqatError('E_OPTION', `--input-std must be positive, got '${opts.inputStd}'`);
    return { mean: means, std: stds };
  }
  return undefined;
}

/** An imported model's preprocessing is not in its file: the user states it. */
export function missingPreprocessing(model: string): EdgeqatError {
  return new EdgeqatError('E_OPTION', `${model}: state the input preprocessing the model was trained with, once: --input-scale/--input-offset (e.g. --input-scale 1/255 for pixels/255) or --input-mean/--input-std`);
}

export function addInputPreprocessingOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option('--input-scale <s>', 'your model takes pixel*s + offset (pixel 0..255; e.g. 1/255, as Keras Rescaling): recorded with the model')
    .option('--input-offset <o>', 'offset added after --input-scale (default 0)')
    .option('--input-mean <m>', 'your model takes (pixel/255 - m)/std (one value, or one per channel): recorded with the model')
    .option('--input-std <s>', 'standard deviation for --input-mean (default 1)');
}
