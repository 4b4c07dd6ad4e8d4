// The audio front end against TensorFlow 2.21's tf.signal pipeline (MLPerf Tiny KWS MFCCs), on the
// goldens made once by test/fixtures/audio/make-mfcc-goldens.py from real (espeak-ng) and synthetic
// clips; the FFT against a direct DFT; the front end's parameters read strictly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadClip } from '../runtime/audio/clip.js';
import { createRealFft } from '../runtime/audio/fft.js';
import { featureShape, MLPERF_KWS_FRONT_END, readFrontEnd } from '../runtime/audio/front-end.js';
import { createFeatureExtractor, melFilterBank, normalizeClip } from '../runtime/audio/mfcc.js';
import { EdgeqatError } from '../runtime/errors.js';
import { JsonFields } from '../runtime/json-fields.js';
import { mulberry32 } from '../runtime/seeded-random.js';

const dir = fileURLToPath(new URL('./fixtures/audio/', import.meta.url));
interface GoldenClip {
  name: string;
  file: string;
  samples: number;
  mfcc: number[];
  mfcc64: number[];
}
const goldens = JSON.parse(readFileSync(join(dir, 'mfcc-goldens.json'), 'utf8')) as { tensorflow: string; clips: GoldenClip[]; melWeights64: [number, number, number][] };
const fe = MLPERF_KWS_FRONT_END;
const extractor = createFeatureExtractor(fe);

/** max |a - b| over max |b|: the error relative to the scale of the clip's features. */
function relativeError(a: Float32Array, b: number[]): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

describe('MFCC front end vs TensorFlow tf.signal (goldens)', () => {
  it('has the MLPerf Tiny KWS shape', () => {
    expect(goldens.tensorflow).toBe('2.21.0');
    expect(featureShape(fe)).toEqual([49, 10, 1]);
    expect(extractor.featureSize).toBe(490);
    expect(goldens.clips.map((c) => c.name)).toEqual(expect.arrayContaining(['espeak-yes-en-us', 'espeak-left-short', 'espeak-backward-long', 'synthetic-chirp']));
  });

  it('builds the mel matrix of linear_to_mel_weight_matrix (every non-zero weight, float64)', () => {
    const bank = melFilterBank(fe);
    expect(bank.reduce((n, b) => n + b.bins.length, 0)).toBe(goldens.melWeights64.length);
    for (const [k, m, w] of goldens.melWeights64) {
      const j = Array.from(bank[m].bins).indexOf(k);
      expect(j, `bin ${k} of band ${m}`).toBeGreaterThanOrEqual(0);
      expect(Math.abs(bank[m].weights[j] - w)).toBeLessThan(1e-12);
    }
  });

  it('with a VTLP warp (training only), moves every band by 1/warp in frequency', () => {
    const hzPerBin = fe.sampleRate / fe.fftLength;
    const centre = (b: { bins: Int32Array; weights: Float64Array }) =>
      (b.bins.reduce((s, k, j) => s + k * b.weights[j], 0) / b.weights.reduce((s, w) => s + w, 0)) * hzPerBin;
    const plain = melFilterBank(fe);
    for (const warp of [0.9, 1.15]) {
      const bank = melFilterBank(fe, warp);
      // Above 1 kHz a band spans enough 31.25 Hz bins for its weighted centre to show the shift.
      for (let m = 0; m < plain.length; m++) if (centre(plain[m]) > 1000) expect(centre(bank[m]) * warp / centre(plain[m])).toBeCloseTo(1, 1);
    }
    expect(melFilterBank(fe, 1)).toEqual(plain);
  });

  it('with SpecAugment frequency masks (training only), replaces masked bands by the frame mean before the DCT', () => {
    const clip = loadClip(join(dir, goldens.clips[0].file), fe);
    const plain = extractor.features(clip);
    const input = normalizeClip(Float32Array.from(clip));
    const none = new Float32Array(extractor.featureSize);
    extractor.mfcc(input, none, 0, new Uint8Array(fe.melBins));
    expect(none).toEqual(plain);
    // Every band masked: each frame's log-mel spectrum is a constant, whose DCT is c0 alone.
    const all = new Float32Array(extractor.featureSize);
    extractor.mfcc(input, all, 0, new Uint8Array(fe.melBins).fill(1));
    for (let i = 0; i < all.length; i++) if (i % fe.coefficients !== 0) expect(Math.abs(all[i])).toBeLessThan(1e-9);
    // c0 keeps the frame's mean log energy: 2·Σ/√(2N) = √(2N)·mean, the same as unmasked.
    for (let t = 0; t < 49; t++) expect(Math.abs(all[t * fe.coefficients] - plain[t * fe.coefficients])).toBeLessThanOrEqual(1e-6 * Math.abs(plain[t * fe.coefficients]));
    // Some bands masked: the features move, the shape stays.
    const some = new Float32Array(extractor.featureSize);
    extractor.mfcc(input, some, 0, Uint8Array.from({ length: fe.melBins }, (_, m) => (m >= 10 && m < 15 ? 1 : 0)));
    expect(some).not.toEqual(plain);
  });

  for (const clip of goldens.clips) {
    it(`${clip.name}: within 1e-3 of TensorFlow's float32 features (relative to the clip's feature scale)`, () => {
      const samples = loadClip(join(dir, clip.file), fe);
      expect(samples.length).toBe(16000); // padded or cut as the reference does
      const features = extractor.features(samples);
      const vs32 = relativeError(features, clip.mfcc);
      const vs64 = relativeError(features, clip.mfcc64);
      expect(vs32).toBeLessThan(1e-3);
      // Against TensorFlow in float64 the arithmetic agrees more closely still.
      expect(vs64).toBeLessThan(1e-4);
      // Element by element, |ts - tf| ≤ 1e-3·max(1, |tf|), except on the pure chirp, whose empty
      // mel bands make float32 itself differ (TensorFlow float32 vs float64 differ by 1e-2 there).
      if (clip.name !== 'synthetic-chirp') {
        for (let i = 0; i < features.length; i++) expect(Math.abs(features[i] - clip.mfcc[i])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(clip.mfcc[i])));
      }
    });
  }

  it('with cepstral mean normalisation, takes each coefficient but c0 to zero mean over the frames and keeps the rest', () => {
    const frames = featureShape(fe)[0];
    const cmn = createFeatureExtractor({ ...fe, cepstralMeanNorm: true });
    for (const clip of goldens.clips) {
      const samples = loadClip(join(dir, clip.file), fe);
      const plain = extractor.features(samples);
      const got = cmn.features(samples);
      for (let k = 0; k < fe.coefficients; k++) {
        let mean = 0;
        for (let t = 0; t < frames; t++) mean += plain[t * fe.coefficients + k] / frames;
        for (let t = 0; t < frames; t++) {
          const want = k === 0 ? plain[t * fe.coefficients] : plain[t * fe.coefficients + k] - mean;
          expect(Math.abs(got[t * fe.coefficients + k] - want), `${clip.name} frame ${t} c${k}`).toBeLessThan(1e-4);
        }
      }
    }
  });

  it('computes the same features twice (no state kept between clips)', () => {
    const a = extractor.features(loadClip(join(dir, goldens.clips[0].file), fe));
    extractor.features(loadClip(join(dir, goldens.clips[1].file), fe));
    const b = extractor.features(loadClip(join(dir, goldens.clips[0].file), fe));
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });
});

describe('real FFT', () => {
  for (const size of [4, 8, 64, 512]) {
    it(`magnitudes equal a direct DFT (size ${size}, zero-padded input)`, () => {
      const random = mulberry32(size);
      const length = size - Math.floor(size / 8);
      const x = Float64Array.from({ length }, () => random() * 2 - 1);
      const got = new Float64Array(size / 2 + 1);
      createRealFft(size).magnitudes(x, length, got, size / 2 + 1);
      for (let k = 0; k <= size / 2; k++) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < length; n++) {
          re += x[n] * Math.cos((2 * Math.PI * k * n) / size);
          im -= x[n] * Math.sin((2 * Math.PI * k * n) / size);
        }
        expect(Math.abs(got[k] - Math.hypot(re, im))).toBeLessThan(1e-9 * size);
      }
    });
  }

  it('refuses a length that is not a power of two', () => {
    expect(() => createRealFft(480)).toThrow(/power of two/);
  });
});

describe('front end parameters', () => {
  const read = (value: unknown) => readFrontEnd(JsonFields.root(value, 'model.tflite: metadata edgeqat_preprocessing: audio', 'E_MODEL_FILE'));
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['unknown key', { ...fe, hopLength: 3 }, /hopLength: unknown key/],
    ['other kind', { ...fe, kind: 'lfbe' }, /kind: expected "mfcc"/],
    ['fft not a power of two', { ...fe, fftLength: 500 }, /fftLength: expected a power of two/],
    ['window longer than the FFT', { ...fe, windowSamples: 600 }, /windowSamples/],
    ['upper edge above Nyquist', { ...fe, upperHz: 9000 }, /upperHz/],
    ['upper edge below lower', { ...fe, lowerHz: 4000, upperHz: 3000 }, /upperHz/],
    ['more coefficients than mel bins', { ...fe, coefficients: 41 }, /coefficients/],
    ['huge clip', { ...fe, clipSamples: 1e9 }, /clipSamples/],
    ['missing key', { ...fe, logOffset: undefined }, /logOffset/],
    ['string number', { ...fe, sampleRate: '16000' }, /sampleRate/],
  ];
  for (const [what, value, pattern] of bad) {
    it(`refuses ${what} in one line`, () => {
      let caught: unknown;
      try {
        read(value);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EdgeqatError);
      expect((caught as EdgeqatError).code).toBe('E_MODEL_FILE');
      expect((caught as EdgeqatError).message).toMatch(pattern);
      expect((caught as EdgeqatError).message).not.toMatch(/\n/);
    });
  }

  it('reads the defaults back', () => {
    expect(read(JSON.parse(JSON.stringify(fe)))).toEqual(fe);
  });

  it('reads cepstral mean normalisation when on, leaves the key out when off, refuses a non-boolean', () => {
    expect(read({ ...fe, cepstralMeanNorm: true })).toEqual({ ...fe, cepstralMeanNorm: true });
    expect(Object.keys(read({ ...fe, cepstralMeanNorm: false }))).not.toContain('cepstralMeanNorm');
    expect(() => read({ ...fe, cepstralMeanNorm: 'yes' })).toThrow(/cepstralMeanNorm: expected true or false/);
  });

  it('peak-normalises by the largest absolute sample; silence stays zero', () => {
    expect(Array.from(normalizeClip(Float32Array.from([0.25, -0.5, 0.125])))).toEqual([0.5, -1, 0.25]);
    expect(Array.from(normalizeClip(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
