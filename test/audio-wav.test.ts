// The WAV reader on files sox writes in every encoding it takes (and the resampler on other rates),
// and on broken files: each is one E_DATASET line naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitClip, loadClip } from '../runtime/audio/clip.js';
import { MLPERF_KWS_FRONT_END } from '../runtime/audio/front-end.js';
import { resample } from '../runtime/audio/resample.js';
import { decodeWav, encodeWav, readWavFile } from '../runtime/audio/wav.js';
import { EdgeqatError } from '../runtime/errors.js';
import { audioToolsMissing, needAudioTools, run } from './helpers/speech-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-wav-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 440 Hz + 1 kHz tone, 0.25 s, made by sox in the given output format. */
function soxTone(name: string, format: string[]): string {
  const path = join(tmp, name);
  run('sox', ['-R', '-n', ...format, path, 'synth', '0.25', 'sine', '440', 'sine', '1000', 'remix', '-', 'gain', '-n', '-3']);
  return path;
}

function expectDatasetError(fn: () => unknown, pattern: RegExp, file: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EdgeqatError);
  const err = caught as EdgeqatError;
  expect(err.code).toBe('E_DATASET');
  expect(err.exitCode).toBe(2);
  expect(err.message).not.toMatch(/\n/);
  expect(err.message).toContain(file);
  expect(err.message).toMatch(pattern);
}

describe('WAV encodings (files made by sox)', () => {
  let reference: Float32Array;
  beforeAll(() => {
    if (audioToolsMissing()) return;
    const path = join(tmp, 'ref16.wav');
    run('sox', ['-R', '-n', '-r', '16000', '-b', '16', '-c', '1', '-e', 'signed-integer', path, 'synth', '0.25', 'sine', '440', 'sine', '1000', 'remix', '-', 'gain', '-n', '-3']);
    reference = readWavFile(path).samples;
  });

  const cases: [string, string[], string, number][] = [
    ['8-bit unsigned PCM', ['-r', '16000', '-b', '8', '-e', 'unsigned-integer', '-c', '1'], 'pcm8', 1 / 64],
    ['24-bit PCM', ['-r', '16000', '-b', '24', '-e', 'signed-integer', '-c', '1'], 'pcm24', 1e-4],
    ['32-bit PCM', ['-r', '16000', '-b', '32', '-e', 'signed-integer', '-c', '1'], 'pcm32', 1e-4],
    ['32-bit float', ['-r', '16000', '-b', '32', '-e', 'floating-point', '-c', '1'], 'float32', 1e-4],
    ['64-bit float', ['-r', '16000', '-b', '64', '-e', 'floating-point', '-c', '1'], 'float64', 1e-4],
    ['stereo 16-bit (mixed down)', ['-r', '16000', '-b', '16', '-e', 'signed-integer', '-c', '2'], 'pcm16', 1e-4],
  ];
  for (const [what, format, encoding, tolerance] of cases) {
    it(`${what} decodes to the same signal as 16-bit`, (ctx) => {
      needAudioTools(ctx);
      const wav = readWavFile(soxTone(`${encoding}-${format.join('')}.wav`, format));
      expect(wav.encoding).toBe(encoding);
      expect(wav.sampleRate).toBe(16000);
      expect(wav.samples.length).toBe(reference.length);
      let maxDiff = 0;
      for (let i = 0; i < reference.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wav.samples[i] - reference[i]));
      expect(maxDiff).toBeLessThan(tolerance);
    });
  }

  for (const rate of [8000, 44100, 48000]) {
    it(`a ${rate} Hz file is resampled to 16 kHz (windowed sinc) and keeps the tones`, (ctx) => {
      needAudioTools(ctx);
      const path = soxTone(`rate-${rate}.wav`, ['-r', String(rate), '-b', '16', '-c', '1']);
      const clip = loadClip(path, MLPERF_KWS_FRONT_END);
      expect(clip.length).toBe(16000); // 0.25 s, zero-padded to the 1 s clip
      // Compare the middle (away from the edges' transients) with the 16 kHz reference.
      let err = 0;
      let peak = 0;
      for (let i = 400; i < 3600; i++) {
        err = Math.max(err, Math.abs(clip[i] - reference[i]));
        peak = Math.max(peak, Math.abs(reference[i]));
      }
      expect(err / peak).toBeLessThan(0.01);
      expect(Math.max(...clip.subarray(4000).map(Math.abs))).toBe(0);
    });
  }
});

describe('resampler', () => {
  it('removes what the lower rate cannot hold (no aliasing)', () => {
    const from = 48000;
    const tone = Float32Array.from({ length: from / 2 }, (_, i) => Math.sin((2 * Math.PI * 11000 * i) / from)); // above 8 kHz
    const out = resample(tone, from, 16000);
    expect(out.length).toBe(8000);
    const rms = Math.sqrt(out.subarray(500, 7500).reduce((a, v) => a + v * v, 0) / 7000);
    expect(rms).toBeLessThan(0.01); // an aliased 11 kHz tone would come back at 5 kHz with rms 0.7
  });

  it('is the identity at the same rate', () => {
    const x = Float32Array.from([0.1, -0.2, 0.3]);
    expect(resample(x, 16000, 16000)).toBe(x);
  });
});

describe('clip length', () => {
  it('pads short clips with zeros at the end and keeps the start of long ones', () => {
    expect(Array.from(fitClip(Float32Array.from([1, 2]), 4))).toEqual([1, 2, 0, 0]);
    expect(Array.from(fitClip(Float32Array.from([1, 2, 3, 4, 5]), 4))).toEqual([1, 2, 3, 4]);
  });
});

describe('broken WAV files: one line naming the file', () => {
  const good = encodeWav(Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 5) * 0.5), 16000);
  const int16 = encodeWav(Int16Array.from({ length: 100 }, (_, i) => i * 100), 16000);
  const patched = (bytes: Uint8Array, at: number, value: number, width: 2 | 4) => {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    if (width === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    return copy;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /empty file/],
    ['a text file', new TextEncoder().encode('hello, this is not audio at all'), /not a WAV file/],
    ['a header without chunks', good.slice(0, 12), /no fmt chunk/],
    ['a truncated data chunk', good.slice(0, good.length - 50), /truncated: the data chunk declares 400 bytes, 350 are present/],
    ['a data chunk ending inside a frame', patched(int16, 40, 199, 4).slice(0, 44 + 199), /ends inside a sample frame/],
    ['no samples', patched(good.slice(0, 44), 40, 0, 4), /no audio samples/],
    ['A-law (unsupported encoding)', patched(int16, 20, 6, 2), /unsupported encoding \(format 6/],
    ['zero channels', patched(int16, 22, 0, 2), /0 channels/],
    ['a wrong block align', patched(int16, 32, 3, 2), /block align 3/],
    ['RF64', (() => { const b = good.slice(); b.set([0x52, 0x46, 0x36, 0x34]); return b; })(), /RF64/],
    ['a NaN sample', (() => { const b = good.slice(); new DataView(b.buffer).setFloat32(44 + 8, NaN, true); return b; })(), /non-finite sample at frame 2/],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(what, () => {
      const file = join(tmp, `${what.replace(/\W+/g, '-')}.wav`);
      writeFileSync(file, bytes);
      expectDatasetError(() => readWavFile(file), pattern, file);
    });
  }

  it('a folder or a missing file', () => {
    expectDatasetError(() => readWavFile(tmp), /a folder, not a WAV file/, tmp);
    expectDatasetError(() => readWavFile(join(tmp, 'missing.wav')), /ENOENT/, 'missing.wav');
  });

  it('a rate too low for the mel filters is refused, not resampled', () => {
    const file = join(tmp, 'phone.wav');
    writeFileSync(file, encodeWav(new Float32Array(4000), 6000));
    expectDatasetError(() => loadClip(file, MLPERF_KWS_FRONT_END), /6000 Hz audio holds nothing above 3000 Hz, the model's mel filters reach 4000 Hz/, file);
  });

  it('its own writer round-trips float32 exactly', () => {
    const x = Float32Array.from([0.1, -0.7, 1e-8, 0.999]);
    expect(Array.from(decodeWav(encodeWav(x, 22050), 'x.wav').samples)).toEqual(Array.from(x));
  });
});
