// Real audio for the tests: files made by sox and espeak-ng (Debian packages; .ci/run installs
// them), and the tiny generated Speech Commands set (scripts/make-speech-commands.mjs), made once
// per version of the script into .cache/ and shared by the test files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(repo, 'scripts/make-speech-commands.mjs');

/** Why the audio tools cannot run here, or null. */
export function audioToolsMissing(): string | null {
  for (const [tool, pkg] of [['sox', 'sox'], ['espeak-ng', 'espeak-ng']]) {
    if (spawnSync(tool, ['--version']).error) return `${tool} not found (apt-get install ${pkg}; .ci/run does)`;
  }
  return null;
}

/** Skips the test when the tools are missing, except in CI, where that is a failure. */
export function needAudioTools(ctx: TestContext): void {
  const missing = audioToolsMissing();
  if (!missing) return;
  if (process.env.CI) throw new Error(missing);
  ctx.skip(missing);
}

export function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.toString().trim()}`);
  return r.stdout;
}

/** The tiny generated Speech Commands set (222 clips; ~15 s to make the first time). */
export function tinySpeechCommands(): string {
  const version = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 12);
  const dir = join(repo, '.cache', `test-speech-commands-tiny-${version}`);
  run(process.execPath, [SCRIPT, '--size', 'tiny', '--out', dir]); // leaves an existing folder alone
  return dir;
}
