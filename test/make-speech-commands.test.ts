// The generator's options for a bigger, more varied training split (scripts/make-speech-commands.mjs):
// --random-voices adds made-up espeak-ng variants to the training voices (--voices-per-folder of them
// in each private espeak-ng data folder, --voice-ranges saying between which values their settings
// are drawn, --voice-extras with tone, echo, breath and Klatt lines),
// --train-scale makes more training clips; neither touches the validation and test clips (byte for byte those of the plain
// set), so figures on the held-out voices stay comparable.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnAsync } from './helpers/spawn-async.js';
import { needAudioTools, tinySpeechCommands } from './helpers/speech-data.js';

const SCRIPT = fileURLToPath(new URL('../scripts/make-speech-commands.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-make-speech-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n');
const wavs = (dir: string, word: string) => readdirSync(join(dir, word)).filter((f) => f.endsWith('.wav')).sort();
const speaker = (voice: string) => createHash('sha1').update(voice).digest('hex').slice(0, 8);

describe('make-speech-commands --random-voices --voice-ranges --voice-extras --train-scale', () => {
  it('doubles the training clips, adds made-up voices (two data folders) to them, and leaves validation and test clips as they were', async (ctx) => {
    needAudioTools(ctx);
    const plain = tinySpeechCommands();
    const more = join(tmp, 'more');
    const made = await spawnAsync(process.execPath, [SCRIPT, '--size', 'tiny', '--random-voices', '4', '--voices-per-folder', '2', '--voice-ranges', 'min-max', '--voice-extras', '--train-scale', '2', '--out', more]);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    const held = [...lines(plain, 'validation_list.txt'), ...lines(plain, 'testing_list.txt')];
    expect([...lines(more, 'validation_list.txt'), ...lines(more, 'testing_list.txt')]).toEqual(held);
    for (const f of held) expect(readFileSync(join(more, f)).equals(readFileSync(join(plain, f))), f).toBe(true);

    const generated = JSON.parse(readFileSync(join(more, 'GENERATED.json'), 'utf8'));
    const plainClips = JSON.parse(readFileSync(join(plain, 'GENERATED.json'), 'utf8')).clips;
    expect(generated.clips).toEqual({ ...plainClips, train: 2 * plainClips.train });
    expect(Object.keys(generated.randomVoices.files)).toEqual(['rv000', 'rv001', 'rv002', 'rv003']);
    expect(generated.randomVoices.files.rv000).toMatch(/^language variant\nname rv000\n[\s\S]*formant 8 \d+ \d+ \d+\n/);
    expect(generated.randomVoices.perFolder).toBe(2);
    // min-max: every formant setting within the recorded ranges, and some outside the default
    // (10th-90th percentile) ones, which the variants would not reach without the option.
    expect(generated.randomVoices.rangesKind).toBe('min-max');
    const p10p90 = JSON.parse(readFileSync(new URL('../scripts/speech-voice-ranges.json', import.meta.url), 'utf8'))['p10-p90'];
    let outsideDefault = 0;
    for (const file of Object.values(generated.randomVoices.files) as string[]) {
      for (const [, f, ...values] of file.matchAll(/^formant (\d) (\d+) (\d+) (\d+)$/gm)) {
        const kinds = ['formantFrequency', 'formantHeight', 'formantWidth'];
        values.forEach((v, k) => {
          const [lo, hi] = generated.randomVoices.ranges[kinds[k]][Number(f)];
          expect(Number(v)).toBeGreaterThanOrEqual(lo);
          expect(Number(v)).toBeLessThanOrEqual(hi);
          const [dlo, dhi] = p10p90[kinds[k]][Number(f)];
          if (Number(v) < dlo || Number(v) > dhi) outsideDefault++;
        });
      }
    }
    expect(outsideDefault).toBeGreaterThan(0);
    // Seed 1 gives rv001 an equaliser and a Klatt mode of the training variants' (not klatt3's 3).
    expect(generated.randomVoices.files.rv001).toMatch(/\ntone( \d+ \d+){3,4}\n(echo \d+ \d+\n)?(breath( \d+){8}\n)?klatt [12456]\n$/);
    expect(generated.variants.train.slice(-4)).toEqual(['rv000', 'rv001', 'rv002', 'rv003']);
    expect(generated.variants.test).not.toContain('rv000');

    // Some training clips are spoken by made-up voices (file names start with the voice's hash).
    const madeUp = new Set(generated.accents.flatMap((a: string) => Object.keys(generated.randomVoices.files).map((v) => speaker(`${a}+${v}`))));
    const trainFiles = (dir: string) => generated.keywords.flatMap((w: string) => wavs(dir, w).map((f) => `${w}/${f}`)).filter((f: string) => !held.includes(f));
    const byMadeUp = trainFiles(more).filter((f: string) => madeUp.has(f.split('/')[1].slice(0, 8)));
    expect(byMadeUp.length).toBeGreaterThan(0);
    expect(trainFiles(plain).filter((f: string) => madeUp.has(f.split('/')[1].slice(0, 8)))).toEqual([]);
    expect(trainFiles(more).length).toBe(2 * trainFiles(plain).length);
  }, 300_000);

  it('refuses more made-up voices than espeak-ng can list, which would speak a fallback voice for the held-out ones', async (ctx) => {
    needAudioTools(ctx);
    const out = join(tmp, 'too-many');
    const r = await spawnAsync(process.execPath, [SCRIPT, '--size', 'tiny', '--random-voices', '120', '--voices-per-folder', '120', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^make-speech-commands: espeak-ng speaks a fallback voice for en-[a-z+-]+\w* with 120 made-up variants in one data folder \(its voice list holds 349 voices\): use fewer --voices-per-folder$/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
