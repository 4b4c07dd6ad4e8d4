// The blind second test set (scripts/make-flite-test-split.mjs): flite's four voices say every word
// of a generated Speech Commands folder, in its layout, every clip a test clip; seeded, so the same
// command makes the same bytes; bad arguments and folders are one line, exit 2, nothing written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { itNeeding } from './helpers/needs.js';
import { spawnAsync } from './helpers/spawn-async.js';
import { audioToolsMissing, tinySpeechCommands } from './helpers/speech-data.js';

const SCRIPT = fileURLToPath(new URL('../scripts/make-flite-test-split.mjs', import.meta.url));
const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-flite-split-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const missing = audioToolsMissing() ?? (spawnSync('flite', ['--version']).error ? 'flite not found (apt-get install flite; .ci/run does)' : null);
const make = (...args: string[]) => spawnAsync(process.execPath, [SCRIPT, ...args]);
const wordsOf = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name).sort();

describe('make-flite-test-split', () => {
  itNeeding(missing, 'says every word of the source folder in four flite voices, as test clips the speech-commands: loader reads, the same bytes for the same seed', async () => {
    const source = tinySpeechCommands();
    const [a, b] = [join(tmp, 'a'), join(tmp, 'b')];
    for (const out of [a, b]) {
      const r = await make(source, out, '--per-keyword', '2', '--per-other', '1', '--seed', '3');
      expect([r.status, r.stderr]).toEqual([0, '']);
    }
    const words = wordsOf(source);
    expect(wordsOf(a)).toEqual(words);
    const listed = readFileSync(join(a, 'testing_list.txt'), 'utf8').trim().split('\n');
    const others = words.length - KEYWORDS.length;
    expect(listed.length).toBe(4 * (2 * KEYWORDS.length + others));
    expect(readFileSync(join(a, 'validation_list.txt'), 'utf8')).toBe('');
    for (const f of listed) {
      expect(f).toMatch(/^[a-z]+\/flite(kal16|awb|rms|slt)_nohash_\d\.wav$/);
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    expect(readdirSync(join(a, '_background_noise_')).sort()).toEqual(readdirSync(join(source, '_background_noise_')).sort());
    const data = loadDataset(`speech-commands:${a}`, { split: 'test' });
    const perClass = data.classNames.map((_, c) => data.test!.labels.filter((l) => l === c).length);
    // Each keyword: 2 clips × 4 voices, all kept; _silence_ and _unknown_ as the loader draws them.
    expect(perClass.slice(0, KEYWORDS.length)).toEqual(KEYWORDS.map(() => 8));
    expect(data.classNames.slice(0, KEYWORDS.length)).toEqual(KEYWORDS);
    // Every clip is speech: a second of 16 kHz samples, not silent.
    const clips = data.test!.clips!;
    for (let i = 0; i < KEYWORDS.length * 8; i++) {
      const clip = clips.subarray(i * 16000, (i + 1) * 16000);
      expect(clip.reduce((m, x) => Math.max(m, Math.abs(x)), 0), `clip ${i}`).toBeGreaterThan(0.01);
    }
  }, 300_000);

  itNeeding(missing, 'refuses bad arguments, a folder without _background_noise_, and an existing output: one line, exit 2, nothing written', async () => {
    const source = tinySpeechCommands();
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const cases: [string[], string][] = [
      [[source], 'need a source folder and an output folder'],
      [[source, join(tmp, 'x'), '--per-keyword', 'many'], "bad argument '--per-keyword many'"],
      [[source, join(tmp, 'x'), '--speed', '2'], "bad argument '--speed 2'"],
      [[source, join(tmp, 'x'), '--per-keyword', '0'], '--per-keyword must be at least 1'],
      [[empty, join(tmp, 'x')], `${empty} has no _background_noise_ folder (make it with scripts/make-speech-commands.mjs)`],
      [[source, empty], `${empty} exists; delete it to make it again`],
    ];
    for (const [args, problem] of cases) {
      const r = await make(...args);
      expect([r.status, r.stderr.split('\n')[0]], args.join(' ')).toEqual([2, `make-flite-test-split: ${problem}`]);
    }
    expect(existsSync(join(tmp, 'x'))).toBe(false);
    expect(readdirSync(empty)).toEqual([]);
  }, 120_000);
});
