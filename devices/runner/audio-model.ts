// An audio model on the device: the bundled model with the front end its metadata records (the
// same runtime/audio code that made its training inputs), turning clips into class probabilities.
import { createHash } from 'node:crypto';
import { loadClip } from '../../runtime/audio/clip.js';
import type { AudioFrontEnd } from '../../runtime/audio/front-end.js';
import { createFeatureExtractor, type FeatureExtractor } from '../../runtime/audio/mfcc.js';
import { dequantize, elementsPerSample, type Engine } from '../../runtime/engines/engine.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { readPreprocessing } from '../../runtime/model-metadata.js';
import type { ModelSummary } from '../../runtime/model-reader.js';

export interface AudioModel {
  frontEnd: AudioFrontEnd;
  classNames: string[];
  extractor: FeatureExtractor;
  /** Class probabilities of `n` feature samples, n × classes. */
  scores(features: Float32Array, n: number): Float32Array;
}

/** The model's audio front end and class names; one line when it has none (not an audio model). */
export function audioModelOf(engine: Engine, summary: ModelSummary, where: string): AudioModel {
  const p = readPreprocessing(summary, where);
  if (!p?.audio) throw new EdgeqatError('E_UNSUPPORTED', `${where}: not an audio model (its edgeqat metadata records no audio front end), so it cannot take WAV clips`);
  const extractor = createFeatureExtractor(p.audio);
  const classes = elementsPerSample(engine.output);
  if (elementsPerSample(engine.input) !== extractor.featureSize) {
    throw new EdgeqatError('E_MODEL_FILE', `${where}: takes ${elementsPerSample(engine.input)} values, its front end makes ${extractor.featureSize}`);
  }
  const classNames = p.classNames?.length === classes ? p.classNames : Array.from({ length: classes }, (_, i) => String(i));
  const probabilities = endsInSoftmax(summary);
  return {
    frontEnd: p.audio,
    classNames,
    extractor,
    scores(features, n) {
      const out = dequantize(engine.run(features, n), engine.output);
      return probabilities ? Float32Array.from(out) : softmaxRows(out, classes);
    },
  };
}

/** Whether the model's output is a SOFTMAX's (possibly through a DEQUANTIZE): then it is probabilities already. */
function endsInSoftmax(summary: ModelSummary): boolean {
  const graph = summary.subgraph;
  let tensor = graph.outputs[0];
  for (let hops = 0; hops < 2; hops++) {
    const producer = graph.operators.find((op) => op.outputs.includes(tensor));
    if (!producer) return false;
    if (producer.op === 'SOFTMAX') return true;
    if (producer.op !== 'DEQUANTIZE') return false;
    tensor = producer.inputs[0];
  }
  return false;
}

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += out[row + j] = Math.exp(logits[row + j] - max);
    for (let j = 0; j < classes; j++) out[row + j] /= sum;
  }
  return out;
}

export function topClass(scores: Float32Array, offset: number, classes: number): number {
  let best = 0;
  for (let j = 1; j < classes; j++) if (scores[offset + j] > scores[offset + best]) best = j;
  return best;
}

export interface ClipsFeatures {
  features: Float32Array;
  /** sha256 over the features' float32 bytes: equal on two machines means bit-identical front ends. */
  sha256: string;
  /** CPU time of the warm front end per clip, µs (file reading excluded). */
  frontEndUs: number;
}

/** The front end over WAV files, in order (and its warm speed, unless told not to). A bad file is one E_DATASET line naming it. */
export function clipsFeatures(model: AudioModel, paths: string[], timeFrontEnd = true): ClipsFeatures {
  const size = model.extractor.featureSize;
  const features = new Float32Array(paths.length * size);
  const clips = paths.map((path) => loadClip(path, model.frontEnd));
  clips.forEach((clip, i) => model.extractor.features(clip, features, i * size));
  // The front end's speed once warm (the pass above compiled it): the clips again, in turn, for at
  // least 100 clips or 300 ms of CPU time, whichever is later (a slow board stops at 100).
  const scratch = new Float32Array(size);
  const t0 = process.cpuUsage();
  let timed = 0;
  let cpuUs = 0;
  while (timeFrontEnd && clips.length > 0 && (timed < 100 || cpuUs < 300_000) && timed < 100_000) {
    model.extractor.features(clips[timed % clips.length], scratch);
    timed++;
    if (timed % 20 === 0 || timed >= 100) {
      const t = process.cpuUsage(t0);
      cpuUs = t.user + t.system;
      if (timed >= 100 && cpuUs >= 300_000) break;
    }
  }
  const sha256 = createHash('sha256').update(new Uint8Array(features.buffer, features.byteOffset, features.byteLength)).digest('hex');
  return { features, sha256, frontEndUs: timed ? Math.round((cpuUs / timed) * 10) / 10 : 0 };
}
