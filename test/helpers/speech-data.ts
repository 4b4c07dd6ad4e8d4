// Real audio for the tests: files made by sox and espeak-ng (Debian packages; .ci/run installs
// them), and the tiny generated Speech Commands set (scripts/make-speech-commands.mjs), made once
// per version of the script into .cache/ and shared by the test files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';
import { skipOrFail } from './needs.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(repo, 'scripts/make-speech-commands.mjs');
const TOOLS = join(repo, 'scripts/speech-clip-tools.mjs'); // what it imports
/** kws-dscnn trained by hand on the full generated set (test/fixtures/kws/README.md). */
export const KWS_FIXTURE = join(repo, 'test/fixtures/kws/kws-dscnn.tflite');
/** The words of the streaming tests, and a voice the fixture never heard (a test-split variant). */
export const STREAM_WORDS = ['yes', 'stop', 'left', 'go', 'no'];
export const STREAM_VOICE = 'en-us+m7';

/** Why the audio tools cannot run here, or null. */
export function audioToolsMissing(): string | null {
  for (const [tool, pkg] of [['sox', 'sox'], ['espeak-ng', 'espeak-ng']]) {
    if (spawnSync(tool, ['--version']).error) return `${tool} not found (apt-get install ${pkg}; .ci/run does)`;
  }
  return null;
}

/** Skips the test when the tools are missing, except in CI, where that is a failure (./needs.ts). */
export function needAudioTools(ctx: TestContext): void {
  const missing = audioToolsMissing();
  if (missing) skipOrFail(ctx, missing);
}

export function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.toString().trim()}`);
  return r.stdout;
}

/** The tiny generated Speech Commands set (222 clips; ~15 s to make the first time). */
export function tinySpeechCommands(): string {
  const version = createHash('sha256').update(readFileSync(SCRIPT)).update(readFileSync(TOOLS)).digest('hex').slice(0, 12);
  const dir = join(repo, '.cache', `test-speech-commands-tiny-${version}`);
  run(process.execPath, [SCRIPT, '--size', 'tiny', '--out', dir]); // leaves an existing folder alone
  return dir;
}

/**
 * A recording of `words` spoken in a row by an espeak-ng voice, made with sox: each word resampled
 * to 16 kHz with 0.5 s of silence before and 0.7 s after, joined, mixed with a low pink-noise floor,
 * as raw S16_LE mono (what `arecord -f S16_LE -r 16000 -c 1 -t raw` writes). Returns its path.
 */
export function soxWordStream(dir: string, words: string[], voice: string): string {
  const parts = words.map((word, i) => {
    const raw = join(dir, `word-${i}-espeak.wav`);
    const part = join(dir, `word-${i}.wav`);
    run('espeak-ng', ['-v', voice, '-w', raw, word]);
    run('sox', ['-R', raw, '-r', '16000', '-c', '1', '-b', '16', part, 'silence', '1', '0.02', '1%', 'reverse', 'silence', '1', '0.02', '1%', 'reverse', 'norm', '-6', 'pad', '0.5', '0.7']);
    return part;
  });
  const joined = join(dir, 'words.wav');
  run('sox', ['-R', ...parts, joined]);
  const seconds = run('soxi', ['-D', joined]).toString().trim();
  const noise = join(dir, 'noise.wav');
  run('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noise, 'synth', seconds, 'pinknoise', 'vol', '0.01']);
  const stream = join(dir, 'stream.raw');
  run('sox', ['-R', '-m', joined, noise, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', '16000', stream]);
  return stream;
}
