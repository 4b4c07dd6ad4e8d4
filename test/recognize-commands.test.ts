// micro_speech's averaging of recent scores (devices/runner/recognize-commands.ts), case by case:
// too few results, the average window, the threshold, suppression of repeats, silence.
import { describe, expect, it } from 'vitest';
import { MICRO_SPEECH_RECOGNIZE, RecognizeCommands } from '../devices/runner/recognize-commands.js';

const SILENCE = 0;
/** Scores for 3 classes (silence, yes, no) with `p` on class `c` and the rest on silence. */
const on = (c: number, p: number) => Float32Array.from([0, 1, 2].map((i) => (i === c ? p : i === SILENCE ? 1 - p : 0)));

/** Feeds [time, class, p] results; returns the new commands as [time, class]. */
function detections(results: [number, number, number][], opts = MICRO_SPEECH_RECOGNIZE): [number, number][] {
  const r = new RecognizeCommands(opts, SILENCE);
  const found: [number, number][] = [];
  for (const [t, c, p] of results) {
    const out = r.process(on(c, p), t);
    if (out.isNewCommand) found.push([t, out.label]);
  }
  return found;
}

const every100 = (from: number, to: number, c: number, p: number): [number, number, number][] =>
  Array.from({ length: (to - from) / 100 + 1 }, (_, i) => [from + i * 100, c, p]);

describe('RecognizeCommands (micro_speech)', () => {
  it('waits for minCount results spanning a quarter of the window', () => {
    expect(detections([[0, 1, 1], [100, 1, 1]])).toEqual([]);
    expect(detections([[0, 1, 1], [100, 1, 1], [200, 1, 1]])).toEqual([]); // 200 ms < 250 ms
    expect(detections([[0, 1, 1], [100, 1, 1], [200, 1, 1], [300, 1, 1]])).toEqual([[300, 1]]);
  });

  it('averages over the last averageMs and needs the average above the threshold', () => {
    // Four results at 0.75 average 0.75 < 200/255; with two at 0.9 the average is 0.8.
    expect(detections([...every100(0, 300, 1, 0.75), ...every100(400, 900, 1, 0.9)])).toEqual([[500, 1]]);
    expect(detections(every100(0, 2000, 1, 0.7))).toEqual([]);
  });

  it('suppresses a repeat of the same word within suppressionMs, not another word', () => {
    const yesNo = [...every100(0, 1000, 1, 1), ...every100(1100, 2500, 2, 1)];
    // 'no' tops the average once 9 of the 11 results of the last second are 'no'.
    expect(detections(yesNo)).toEqual([[300, 1], [1900, 2]]);
    const yesYes = every100(0, 4000, 1, 1);
    expect(detections(yesYes)).toEqual([[300, 1], [1900, 1], [3500, 1]]);
  });

  it('never suppresses after silence', () => {
    const r = new RecognizeCommands({ ...MICRO_SPEECH_RECOGNIZE, threshold: 0.5 }, SILENCE);
    const news = every100(0, 700, SILENCE, 0.9).map(([t]) => r.process(Float32Array.from([0.9, 0.1, 0]), t).isNewCommand);
    expect(news.filter(Boolean).length).toBe(news.length - 3); // silence "detected" every time once enough results
  });

  it('refuses results out of time order', () => {
    const r = new RecognizeCommands(MICRO_SPEECH_RECOGNIZE, SILENCE);
    r.process(on(1, 1), 500);
    expect(() => r.process(on(1, 1), 400)).toThrow(/time order/);
  });
});
