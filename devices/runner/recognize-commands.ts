// Turns a stream of per-window class scores into detections, as TFLite Micro's micro_speech
// example does (tensorflow/lite/micro/examples/micro_speech/recognize_commands.cc,
// RecognizeCommands::ProcessLatestResults): keep the results of the last `averageMs`, give up
// while there are fewer than `minCount` of them or they span less than a quarter of `averageMs`,
// average them, take the top class, and report it as a new command when its average is above
// `threshold` and it differs from the previous command or `suppressionMs` have passed since it
// (no suppression after silence). Scores here are probabilities in [0, 1] (micro_speech averages
// int8 softmax outputs + 128, 0..255; its default threshold 200 is 0.78 here).

export interface RecognizeOptions {
  averageMs: number;
  threshold: number;
  suppressionMs: number;
  minCount: number;
}

/** micro_speech's defaults (recognize_commands.h), the threshold as a probability. */
export const MICRO_SPEECH_RECOGNIZE: RecognizeOptions = { averageMs: 1000, threshold: 200 / 255, suppressionMs: 1500, minCount: 3 };

export interface Recognition {
  /** Index of the top class of the averaged scores (the previous command while too few results). */
  label: number;
  score: number;
  isNewCommand: boolean;
}

export class RecognizeCommands {
  private readonly results: { timeMs: number; scores: Float32Array }[] = [];
  private previousLabel: number;
  private previousTimeMs = -Infinity;

  /** `silence`: the class whose detection lifts the suppression (micro_speech's label 0). */
  constructor(
    private readonly opts: RecognizeOptions,
    private readonly silence: number,
  ) {
    this.previousLabel = silence;
  }

  process(scores: Float32Array, timeMs: number): Recognition {
    const newest = this.results.at(-1);
    if (newest && timeMs < newest.timeMs) throw new RangeError(`results must come in time order (${timeMs} ms after ${newest.timeMs} ms)`);
    this.results.push({ timeMs, scores: Float32Array.from(scores) });
    while (this.results.length > 0 && this.results[0].timeMs < timeMs - this.opts.averageMs) this.results.shift();
    const span = timeMs - this.results[0].timeMs;
    if (this.results.length < this.opts.minCount || span < this.opts.averageMs / 4) return { label: this.previousLabel, score: 0, isNewCommand: false };

    const average = new Float64Array(scores.length);
    for (const r of this.results) for (let i = 0; i < average.length; i++) average[i] += r.scores[i];
    let top = 0;
    for (let i = 0; i < average.length; i++) {
      average[i] /= this.results.length;
      if (average[i] > average[top]) top = i;
    }
    const sinceLast = this.previousLabel === this.silence ? Infinity : timeMs - this.previousTimeMs;
    const isNewCommand = average[top] > this.opts.threshold && (top !== this.previousLabel || sinceLast > this.opts.suppressionMs);
    if (isNewCommand) {
      this.previousLabel = top;
      this.previousTimeMs = timeMs;
    }
    return { label: top, score: average[top], isNewCommand };
  }
}
