// WAV (RIFF/WAVE) reader: PCM 8-bit (unsigned), 16, 24 and 32-bit (signed), IEEE float 32 and 64,
// plain or WAVE_FORMAT_EXTENSIBLE, any number of channels (mixed down to mono by their mean), any
// sample rate. Samples come out as float32 in [-1, 1): integers divided by 2^(bits-1), as
// TensorFlow's decode_wav does for 16-bit. A file from anywhere is checked like any input: each
// problem (not a WAV, truncated, no fmt or data chunk, unsupported encoding, no samples,
// non-finite float samples) is one E_DATASET line naming the file.
import { readFileSync } from 'node:fs';
import { EdgeqatError } from '../errors.js';

export interface WavAudio {
  sampleRate: number;
  /** Channels in the file (the samples are their mean). */
  channels: number;
  /** Bits per sample and encoding, e.g. 'pcm16', 'float32'. */
  encoding: WavEncoding;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
}

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 64;

export function readWavFile(path: string): WavAudio {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EdgeqatError('E_DATASET', `${path}: cannot read (${code === 'EISDIR' ? 'a folder, not a WAV file' : (code ?? (e as Error).message)})`);
  }
  return decodeWav(bytes, path);
}

export function decodeWav(bytes: Uint8Array, where: string): WavAudio {
  const fail = (why: string): never => {
    throw new EdgeqatError('E_DATASET', `${where}: ${why}`);
  };
  if (bytes.length === 0) fail('empty file, not a WAV file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    fail(bytes.length >= 4 && tag(0) === 'RF64' ? 'RF64 (64-bit) WAV files are not supported' : 'not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let data: { start: number; length: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length && !data) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) fail(`truncated fmt chunk (${size} bytes declared, ${Math.max(0, bytes.length - body)} present)`);
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE) {
        // cbSize ≥ 22: valid bits, channel mask, then the sub-format GUID whose first 2 bytes are the format code.
        if (size < 40) fail('truncated WAVE_FORMAT_EXTENSIBLE fmt chunk');
        format = view.getUint16(body + 24, true);
      }
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) fail('data chunk before the fmt chunk');
      if (body + size > bytes.length) fail(`truncated: the data chunk declares ${size} bytes, ${bytes.length - body} are present`);
      data = { start: body, length: size };
    }
    at = body + size + (size & 1); // chunks are padded to an even size
  }
  if (!fmt) fail('no fmt chunk');
  if (!data) fail('no data chunk');
  const { format, channels, sampleRate, blockAlign, bits } = fmt!;
  const encoding = encodingOf(format, bits);
  if (!encoding) fail(`unsupported encoding (format ${format}, ${bits} bits; supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit)`);
  if (channels < 1 || channels > MAX_CHANNELS) fail(`${channels} channels (supported: 1..${MAX_CHANNELS})`);
  if (sampleRate < 1) fail('sample rate 0');
  const bytesPerSample = bits / 8;
  if (blockAlign !== channels * bytesPerSample) fail(`block align ${blockAlign} does not match ${channels} channel(s) of ${bits} bits`);
  const { start, length } = data!;
  if (length % blockAlign !== 0) fail(`truncated: the data chunk (${length} bytes) ends inside a sample frame of ${blockAlign} bytes`);
  const frames = length / blockAlign;
  if (frames === 0) fail('no audio samples (empty data chunk)');

  const read = sampleReader(encoding!, view);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(start + i * blockAlign + c * bytesPerSample);
    const v = channels === 1 ? sum : sum / channels;
    if (!Number.isFinite(v)) fail(`non-finite sample at frame ${i}`);
    samples[i] = v;
  }
  return { sampleRate, channels, encoding: encoding!, samples };
}

function encodingOf(format: number, bits: number): WavEncoding | undefined {
  if (format === FORMAT_PCM && (bits === 8 || bits === 16 || bits === 24 || bits === 32)) return `pcm${bits}` as WavEncoding;
  if (format === FORMAT_FLOAT && (bits === 32 || bits === 64)) return `float${bits}` as WavEncoding;
  return undefined;
}

function sampleReader(encoding: WavEncoding, view: DataView): (at: number) => number {
  switch (encoding) {
    case 'pcm8':
      return (at) => (view.getUint8(at) - 128) / 128;
    case 'pcm16':
      return (at) => view.getInt16(at, true) / 32768;
    case 'pcm24':
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    case 'pcm32':
      return (at) => view.getInt32(at, true) / 2147483648;
    case 'float32':
      return (at) => view.getFloat32(at, true);
    case 'float64':
      return (at) => view.getFloat64(at, true);
  }
}

/** A 16-bit PCM or float32 mono WAV file's bytes (bundles ship clips in it; tests make files with it). */
export function encodeWav(samples: Float32Array | Int16Array, sampleRate: number): Uint8Array {
  const float = samples instanceof Float32Array;
  const bytesPerSample = float ? 4 : 2;
  const dataBytes = samples.length * bytesPerSample;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((ch, i) => (out[at + i] = ch.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, float ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    if (float) view.setFloat32(44 + 4 * i, samples[i], true);
    else view.setInt16(44 + 2 * i, samples[i], true);
  }
  return out;
}
