// The validation set of many unseen voices (scripts/make-made-up-voice-split.mjs): from a set made
// with --random-voices, every training clip spoken by a made-up voice becomes a test clip of a new
// folder (hard links), which the speech-commands: loader reads; the held-out built-in voices and the
// built-in training voices stay out; bad folders are one line, exit 2, nothing written.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { spawnAsync } from './helpers/spawn-async.js';
import { needAudioTools, tinySpeechCommands } from './helpers/speech-data.js';

const SPLIT = fileURLToPath(new URL('../scripts/make-made-up-voice-split.mjs', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../scripts/make-speech-commands.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-made-up-split-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const split = (...args: string[]) => spawnAsync(process.execPath, [SPLIT, ...args]);
const lines = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l !== '');
const speaker = (voice: string) => createHash('sha1').update(voice).digest('hex').slice(0, 8);

describe('make-made-up-voice-split', () => {
  it('lists every training clip of a made-up voice, and nothing else, as test clips the loader reads; refuses a set where a keyword has none', async (ctx) => {
    needAudioTools(ctx);
    const source = join(tmp, 'source');
    const made = await spawnAsync(process.execPath, [GENERATOR, '--size', 'tiny', '--seed', '4', '--random-voices', '20', '--voices-per-folder', '10', '--train-scale', '2', '--out', source]);
    expect([made.status, made.stderr]).toEqual([0, '']);
    const out = join(tmp, 'voices');
    const r = await split(source, out);
    expect([r.status, r.stderr]).toEqual([0, '']);

    const generated = JSON.parse(readFileSync(join(source, 'GENERATED.json'), 'utf8'));
    const madeUp = new Set(generated.accents.flatMap((a: string) => Object.keys(generated.randomVoices.files).map((v) => speaker(`${a}+${v}`))));
    const builtIn = new Set(generated.accents.flatMap((a: string) => [...generated.variants.train, ...generated.variants.validation, ...generated.variants.test].filter((v: string) => !v.startsWith('rv')).map((v: string) => speaker(`${a}+${v}`))));
    const held = new Set([...lines(source, 'validation_list.txt'), ...lines(source, 'testing_list.txt')]);
    const everyClip = [...generated.keywords, ...generated.otherWords].flatMap((w: string) => readdirSync(join(source, w)).map((f) => `${w}/${f}`));
    const expected = everyClip.filter((c: string) => !held.has(c) && madeUp.has(c.split('/')[1].slice(0, 8))).sort();
    expect(expected.length).toBeGreaterThan(10);
    expect(lines(out, 'testing_list.txt').sort()).toEqual(expected);
    expect(lines(out, 'validation_list.txt')).toEqual([]);
    // The other clips (built-in voices, held-out or training) are not in the folder at all.
    const kept = [...generated.keywords, ...generated.otherWords].flatMap((w: string) => readdirSync(join(out, w)).map((f) => `${w}/${f}`));
    expect(kept.sort()).toEqual(expected);
    expect(kept.some((c) => builtIn.has(c.split('/')[1].slice(0, 8)))).toBe(false);
    // Hard links: the same file, not a copy.
    expect(statSync(join(out, expected[0])).ino).toBe(statSync(join(source, expected[0])).ino);
    expect(JSON.parse(readFileSync(join(out, 'MADE-UP-VOICES.json'), 'utf8'))).toMatchObject({ seed: 4, madeUpVoices: 20, rangesKind: 'p10-p90', clips: expected.length });

    const data = loadDataset(`speech-commands:${out}`, { split: 'test' });
    const keywordClips = expected.filter((c: string) => generated.keywords.includes(c.split('/')[0])).length;
    const perClass = data.classNames.map((_, c) => data.test!.labels.filter((l) => l === c).length);
    expect(perClass.slice(0, 10).reduce((a, b) => a + b, 0)).toBe(keywordClips);
    // _silence_ and _unknown_: 10% of the keyword clips each (the unknown ones as far as the other words' clips go).
    const tenth = Math.ceil(keywordClips / 10);
    expect(data.test!.labels.length).toBe(keywordClips + tenth + Math.min(tenth, expected.length - keywordClips));

    // A symbolic link named like a made-up voice's clip is not followed out of the folder, nor listed.
    const linked = join(tmp, 'linked');
    cpSync(source, linked, { recursive: true });
    const outsideClip = join(tmp, 'outside.wav');
    writeFileSync(outsideClip, readFileSync(join(source, expected[0])));
    const link = `${expected[0].split('/')[0]}/${expected[0].split('/')[1].slice(0, 8)}_nohash_999.wav`;
    symlinkSync(outsideClip, join(linked, link));
    const linkedOut = join(tmp, 'linked-voices');
    expect((await split(linked, linkedOut)).status).toBe(0);
    expect(lines(linkedOut, 'testing_list.txt').sort()).toEqual(expected);
    expect(existsSync(join(linkedOut, link))).toBe(false);

    // A set where no made-up voice says 'up' would make a folder the loader refuses: refused here first.
    const noUp = join(tmp, 'no-up');
    cpSync(source, noUp, { recursive: true });
    for (const clip of expected.filter((c: string) => c.startsWith('up/'))) rmSync(join(noUp, clip));
    const refused = await split(noUp, join(tmp, 'no-up-voices'));
    expect([refused.status, refused.stderr.split('\n')[0]]).toEqual([2, `make-made-up-voice-split: ${noUp}: no training clip of 'up' is spoken by a made-up voice (make the set with more --random-voices or a larger --train-scale)`]);
    expect(existsSync(join(tmp, 'no-up-voices'))).toBe(false);
  }, 300_000);

  it('refuses a set without made-up voices, a folder that is not a generated set, words that would lead out of the folder, and an existing output: one line, exit 2, nothing written', async (ctx) => {
    needAudioTools(ctx);
    const plain = tinySpeechCommands();
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'GENERATED.json'), '{"randomVoices": ');
    const outside = join(tmp, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'GENERATED.json'), JSON.stringify({ randomVoices: { files: { rv000: '' } }, accents: ['en'], keywords: ['../..'], otherWords: [] }));
    const cases: [string[], string][] = [
      [[plain], 'need a source folder and an output folder, nothing else'],
      [[plain, join(tmp, 'x')], `${plain} has no made-up voices (make it with --random-voices N)`],
      [[empty, join(tmp, 'x')], `${empty} has no GENERATED.json (make it with scripts/make-speech-commands.mjs --random-voices N)`],
      [[bad, join(tmp, 'x')], `${join(bad, 'GENERATED.json')}: not JSON`],
      [[outside, join(tmp, 'x')], `${join(outside, 'GENERATED.json')}: '../..' is not a word folder's name`],
      [[plain, empty], `${empty} exists; delete it to make it again`],
    ];
    for (const [args, problem] of cases) {
      const r = await split(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0].startsWith(`make-made-up-voice-split: ${problem}`), r.stderr).toBe(true);
    }
    expect(existsSync(join(tmp, 'x'))).toBe(false);
    expect(readdirSync(empty)).toEqual([]);
  }, 120_000);
});
