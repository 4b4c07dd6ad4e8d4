// `node run.js --listen`: keyword spotting on a live stream. Raw signed 16-bit little-endian mono
// samples at the model's rate arrive on stdin (`arecord -f S16_LE -r 16000 -c 1 -t raw`); every
// `strideMs` the last clip-length window (1 s) goes through the front end and the model, and the
// scores go through micro_speech's averaging (./recognize-commands.ts). Each new command is
// reported with its time: the end of the window, in seconds from the start of the stream. The
// classes whose names start with '_' (_silence_, _unknown_) are never reported.
import type { Readable } from 'node:stream';
import { EdgeqatError } from '../../runtime/errors.js';
import type { AudioModel } from './audio-model.js';
import { RecognizeCommands, type RecognizeOptions } from './recognize-commands.js';

export interface ListenOptions extends RecognizeOptions {
  /** Time between two windows, ms. */
  strideMs: number;
}

export interface Detection {
  time_s: number;
  word: string;
  score: number;
}

export interface ListenSummary {
  seconds: number;
  windows: number;
  detections: Detection[];
}

export async function listen(model: AudioModel, input: Readable, opts: ListenOptions, onDetection: (d: Detection) => void): Promise<ListenSummary> {
  const fe = model.frontEnd;
  const n = fe.clipSamples;
  const stride = Math.max(1, Math.round((opts.strideMs * fe.sampleRate) / 1000));
  if (stride > n) throw new EdgeqatError('E_OPTION', `--stride-ms ${opts.strideMs} is longer than the model's ${(n * 1000) / fe.sampleRate} ms window`);
  const silence = model.classNames.indexOf('_silence_');
  const recognizer = new RecognizeCommands(opts, silence >= 0 ? silence : 0);
  const classes = model.classNames.length;
  const ring = new Float32Array(n); // the last n samples, ring[total % n] is the oldest
  const window = new Float32Array(n);
  const features = new Float32Array(model.extractor.featureSize);
  const detections: Detection[] = [];
  let total = 0;
  let sinceWindow = 0;
  let windows = 0;
  let carry: number | null = null; // a sample's low byte whose high byte is in the next chunk

  const push = (sample: number) => {
    ring[total % n] = sample / 32768;
    total++;
    sinceWindow++;
    if (total < n || (sinceWindow < stride && total > n)) return;
    sinceWindow = 0;
    const oldest = total % n;
    window.set(ring.subarray(oldest), 0);
    window.set(ring.subarray(0, oldest), n - oldest);
    model.extractor.features(window, features);
    const scores = model.scores(features, 1);
    windows++;
    const timeMs = (total * 1000) / fe.sampleRate;
    const r = recognizer.process(scores.subarray(0, classes), timeMs);
    const word = model.classNames[r.label];
    if (r.isNewCommand && !word.startsWith('_')) {
      const d = { time_s: Math.round(timeMs) / 1000, word, score: Math.round(r.score * 1000) / 1000 };
      detections.push(d);
      onDetection(d);
    }
  };

  for await (const chunk of input) {
    const bytes = chunk as Buffer;
    let i = 0;
    if (carry !== null && bytes.length > 0) {
      push((((bytes[0] << 8) | carry) << 16) >> 16);
      carry = null;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) push((((bytes[i + 1] << 8) | bytes[i]) << 16) >> 16);
    if (i < bytes.length) carry = bytes[i];
  }
  return { seconds: total / fe.sampleRate, windows, detections };
}
