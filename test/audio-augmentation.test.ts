// The audio augmentation (time shift, background noise, fresh _silence_, speed perturbation, VTLP,
// SpecAugment masks) as train's fillBatch: a pure function of (seed, epoch, sample index) — what
// --resume relies on — that changes the inputs, and with everything off gives exactly the loader's
// features.
import { beforeAll, describe, expect, it } from 'vitest';
import { audioFillBatch, changeSpeed, REFERENCE_AUDIO_AUGMENTATION } from '../toolkit/augment/audio-augmentation.js';
import { loadDataset, type Dataset } from '../runtime/datasets/datasets.js';
import { audioToolsMissing, needAudioTools, tinySpeechCommands } from './helpers/speech-data.js';

let ds: Dataset;
beforeAll(() => {
  if (audioToolsMissing()) return;
  ds = loadDataset(`speech-commands:${tinySpeechCommands()}`, { split: 'train' });
}, 300_000);

const F = 490;
/** Every augmentation off. */
const OFF = { timeShiftMs: 0, backgroundFrequency: 0, backgroundVolume: 0, speedPerturbation: 0, vtlp: 0, timeMask: 0, freqMask: 0 };
function fill(epoch: number, indices: number[], aug = REFERENCE_AUDIO_AUGMENTATION, seed = 0): Float32Array {
  const out = new Float32Array(indices.length * F);
  audioFillBatch(ds.train!, ds.audio!, aug, seed)(Uint32Array.from(indices), out, { epoch, step: 123 });
  return out;
}
const sample = (batch: Float32Array, i: number) => Array.from(batch.subarray(i * F, (i + 1) * F));

describe('audio augmentation (fillBatch)', () => {
  it('with no shift and no noise it is the loader\'s features exactly', (ctx) => {
    needAudioTools(ctx);
    const indices = ds.train!.labels.reduce<number[]>((a, l, i) => (l !== ds.audio!.silenceClass ? [...a, i] : a), []).slice(0, 6);
    const out = fill(0, indices, OFF);
    indices.forEach((k, i) => expect(sample(out, i)).toEqual(Array.from(ds.train!.inputs.subarray(k * F, (k + 1) * F))));
  });

  it('is a pure function of (seed, epoch, sample): batch composition and order do not matter', (ctx) => {
    needAudioTools(ctx);
    const a = fill(3, [5, 9, 17]);
    const b = fill(3, [17, 2, 5, 40]);
    expect(sample(b, 2)).toEqual(sample(a, 0));
    expect(sample(b, 0)).toEqual(sample(a, 2));
    expect(fill(3, [9])).toEqual(a.subarray(F, 2 * F));
  });

  it('draws anew for another epoch or seed, and differs from the clean features', (ctx) => {
    needAudioTools(ctx);
    const k = ds.train!.labels.findIndex((l) => l === 0); // a 'yes' clip
    const e0 = sample(fill(0, [k]), 0);
    expect(sample(fill(1, [k]), 0)).not.toEqual(e0);
    expect(sample(fill(0, [k], REFERENCE_AUDIO_AUGMENTATION, 1), 0)).not.toEqual(e0);
    expect(e0).not.toEqual(Array.from(ds.train!.inputs.subarray(k * F, (k + 1) * F)));
  });

  it('gives _silence_ samples a fresh piece of background noise each epoch', (ctx) => {
    needAudioTools(ctx);
    const k = ds.train!.labels.findIndex((l) => l === ds.audio!.silenceClass);
    expect(sample(fill(0, [k], OFF), 0)).not.toEqual(sample(fill(1, [k], OFF), 0));
  });

  it('speed perturbation changes a clip (and only with it on), seeded per sample like the rest', (ctx) => {
    needAudioTools(ctx);
    const speed = { ...OFF, speedPerturbation: 0.15 };
    const k = ds.train!.labels.findIndex((l) => l === 0);
    const clean = Array.from(ds.train!.inputs.subarray(k * F, (k + 1) * F));
    const a = fill(2, [k, 3], speed);
    expect(sample(a, 0)).not.toEqual(clean);
    expect(sample(fill(2, [7, k], speed), 1)).toEqual(sample(a, 0));
    expect(sample(fill(3, [k], speed), 0)).not.toEqual(sample(a, 0));
    expect(sample(fill(2, [k], OFF), 0)).toEqual(clean);
  });

  it('VTLP changes a clip (and only with it on), seeded per sample, with its own draws', (ctx) => {
    needAudioTools(ctx);
    const warp = { ...OFF, vtlp: 0.1 };
    const k = ds.train!.labels.findIndex((l) => l === 0);
    const clean = Array.from(ds.train!.inputs.subarray(k * F, (k + 1) * F));
    const a = fill(2, [k, 3], warp);
    expect(sample(a, 0)).not.toEqual(clean);
    expect(sample(fill(2, [7, k], warp), 1)).toEqual(sample(a, 0));
    expect(sample(fill(4, [k], warp), 0)).not.toEqual(sample(a, 0));
    // The reference's draws (shift, noise) are the same with it on or off: warp 0 gives the same features.
    expect(fill(2, [k], { ...REFERENCE_AUDIO_AUGMENTATION, vtlp: 0 })).toEqual(fill(2, [k]));
  });

  it('SpecAugment time masks set up to two runs of frames to the clip\'s mean frame, seeded per sample', (ctx) => {
    needAudioTools(ctx);
    const masks = { ...OFF, timeMask: 8 };
    const indices = ds.train!.labels.reduce<number[]>((a, l, i) => (l !== ds.audio!.silenceClass ? [...a, i] : a), []).slice(0, 8);
    const out = fill(1, indices, masks);
    let maskedFrames = 0;
    indices.forEach((k, i) => {
      const clean = ds.train!.inputs.subarray(k * F, (k + 1) * F);
      const mean = Array.from({ length: 10 }, (_, c) => Array.from({ length: 49 }, (_, t) => clean[t * 10 + c]).reduce((s, v) => s + v, 0) / 49);
      let masked = 0;
      for (let t = 0; t < 49; t++) {
        const frame = sample(out, i).slice(t * 10, t * 10 + 10);
        if (frame.every((v, c) => v === Array.from(clean)[t * 10 + c])) continue;
        frame.forEach((v, c) => expect(v).toBeCloseTo(mean[c], 4));
        masked++;
      }
      expect(masked).toBeLessThanOrEqual(16);
      maskedFrames += masked;
    });
    expect(maskedFrames).toBeGreaterThan(0);
    expect(sample(fill(1, [indices[3], 2], masks), 0)).toEqual(sample(out, 3));
  });

  it('SpecAugment frequency masks change a clip only with them on, and leave the other draws alone', (ctx) => {
    needAudioTools(ctx);
    const k = ds.train!.labels.findIndex((l) => l === 0);
    const clean = Array.from(ds.train!.inputs.subarray(k * F, (k + 1) * F));
    const changed = [0, 1, 2, 3].filter((epoch) => JSON.stringify(sample(fill(epoch, [k], { ...OFF, freqMask: 6 }), 0)) !== JSON.stringify(clean));
    expect(changed.length).toBeGreaterThan(0);
    expect(fill(2, [k], { ...REFERENCE_AUDIO_AUGMENTATION, freqMask: 0, timeMask: 0 })).toEqual(fill(2, [k]));
  });

  it('refuses out-of-range settings', (ctx) => {
    needAudioTools(ctx);
    expect(() => fill(0, [0], { ...REFERENCE_AUDIO_AUGMENTATION, backgroundVolume: 2 })).toThrow(/--background-volume must be in 0..1, got 2/);
    expect(() => fill(0, [0], { ...REFERENCE_AUDIO_AUGMENTATION, speedPerturbation: 0.8 })).toThrow(/--speed-perturbation must be in 0..0.5, got 0.8/);
    expect(() => fill(0, [0], { ...REFERENCE_AUDIO_AUGMENTATION, vtlp: 0.4 })).toThrow(/--vtlp must be in 0..0.3, got 0.4/);
    expect(() => fill(0, [0], { ...REFERENCE_AUDIO_AUGMENTATION, timeMask: 2.5 })).toThrow(/--time-mask must be a whole number in 0..20, got 2.5/);
  });
});

describe('changeSpeed', () => {
  const rate = 16000;
  const tone = (hz: number) => Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * hz * (i - (rate - 1) / 2)) / rate));
  /** Upward zero crossings in the middle half of the clip, per second. */
  const frequency = (x: Float32Array) => {
    let n = 0;
    for (let i = rate / 4; i < (3 * rate) / 4; i++) if (x[i - 1] < 0 && x[i] >= 0) n++;
    return n * 2;
  };

  it('factor 1 is the clip itself; a tone played 1.2 times faster is 1.2 times higher, about the middle', () => {
    const src = tone(500);
    const same = new Float32Array(rate);
    changeSpeed(src, same, 1);
    expect(Array.from(same)).toEqual(Array.from(src));
    const fast = new Float32Array(rate);
    changeSpeed(src, fast, 1.2);
    expect(frequency(src)).toBe(500);
    expect(Math.abs(frequency(fast) - 600)).toBeLessThanOrEqual(2);
    const slow = new Float32Array(rate);
    changeSpeed(src, slow, 0.8);
    expect(Math.abs(frequency(slow) - 400)).toBeLessThanOrEqual(2);
    // Sped up, the clip's ends come from outside it: silence.
    expect(fast[0]).toBe(0);
    expect(fast[rate - 1]).toBe(0);
  });
});
