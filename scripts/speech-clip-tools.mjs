// What the speech set scripts share (scripts/make-speech-commands.mjs, scripts/make-flite-test-split.mjs,
// scripts/make-made-up-voice-split.mjs): a seeded PRNG, running a tool, 16-bit WAV bytes, placing a
// spoken word in its one-second clip, and the speaker hash that starts a generated clip's file name.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

/** The clips' sample rate (Speech Commands': 16 kHz). */
export const RATE = 16000;

/** A generated clip's speaker, as its file name starts (<hash>_nohash_<n>.wav, as Speech Commands names them): voice is `<accent>+<variant>`. */
export function speakerHash(voice) {
  return createHash('sha1').update(voice).digest('hex').slice(0, 8);
}

/** sox's raw format for 16-bit signed mono. */
export const RAW16 = ['-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1'];

/** mulberry32, as runtime/seeded-random.ts (a copy: the scripts run on plain Node, which cannot import TypeScript). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs a tool with `input` on its stdin; resolves to its stdout, rejects with its last stderr line. */
export function run(cmd, args, input) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolvePromise(Buffer.concat(out)) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim().split('\n').pop()}`))));
    child.stdin.on('error', () => {}); // a failing child closes its stdin early; its exit code says why
    child.stdin.end(input ?? null);
  });
}

/** 16-bit mono PCM WAV bytes at RATE. */
export function wav16(samples) {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 2 * i);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Raw signed 16-bit little-endian bytes -> floats in [-1, 1). */
export function fromS16(buf) {
  const out = new Float32Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i) / 32768;
  return out;
}

/**
 * A one-second clip holding `speech` with its leading and trailing silence (below 2% of its peak)
 * trimmed, at `offset` (0..1) of the second's free part, scaled to peak `level`. Throws when
 * `speech` is silent (`what` names it).
 */
export function placeWord(speech, offset, level, what) {
  let peak = 0;
  for (const v of speech) peak = Math.max(peak, Math.abs(v));
  if (peak === 0) throw new Error(`${what}: no sound`);
  let first = 0;
  let last = speech.length - 1;
  while (first < last && Math.abs(speech[first]) < 0.02 * peak) first++;
  while (last > first && Math.abs(speech[last]) < 0.02 * peak) last--;
  const word = speech.subarray(first, Math.min(last + 1, first + RATE));
  const clip = new Float32Array(RATE);
  const start = Math.floor(offset * (RATE - word.length));
  for (let i = 0; i < word.length; i++) clip[start + i] = (word[i] / peak) * level;
  return clip;
}
