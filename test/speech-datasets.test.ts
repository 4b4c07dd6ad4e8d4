// speech-commands:<folder> on the tiny generated set (espeak-ng voices, sox noise; held-out test
// voices), its split rules (lists, hash rule), the 12-class task's proportions, and wav:<folder>;
// bad folders and bad files are one line each, also through the CLI (exit 2).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { encodeWav } from '../runtime/audio/wav.js';
import { MLPERF_KWS_FRONT_END } from '../runtime/audio/front-end.js';
import { createFeatureExtractor } from '../runtime/audio/mfcc.js';
import { loadDataset, type Dataset } from '../runtime/datasets/datasets.js';
import { EdgeqatError } from '../runtime/errors.js';
import { errorLines, runCli } from './helpers/run-cli.js';
import { audioToolsMissing, needAudioTools, tinySpeechCommands } from './helpers/speech-data.js';

const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-speech-'));
let tiny = '';
let ds: Dataset;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  if (audioToolsMissing()) return;
  tiny = tinySpeechCommands();
  ds = loadDataset(`speech-commands:${tiny}`);
}, 300_000);

function counts(labels: Uint8Array): number[] {
  const c = new Array(12).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

/** A folder tree of small files: path -> bytes (WAV) or text. */
function folder(name: string, files: Record<string, Uint8Array | string>): string {
  const root = join(tmp, name);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
  return root;
}

const tone = (hz: number, seconds = 1, rate = 16000) => encodeWav(Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate)), rate);
/** A minimal Speech Commands folder: one clip per keyword and other word, noise, split lists. */
function minimalSpeechCommands(name: string, edit: (files: Record<string, Uint8Array | string>) => void = () => {}): string {
  const files: Record<string, Uint8Array | string> = {};
  KEYWORDS.forEach((w, i) => {
    files[`${w}/aaaa_nohash_0.wav`] = tone(200 + 100 * i);
    files[`${w}/bbbb_nohash_0.wav`] = tone(250 + 100 * i);
  });
  files['bed/aaaa_nohash_0.wav'] = tone(90);
  files['bed/bbbb_nohash_0.wav'] = tone(95);
  files['_background_noise_/noise.wav'] = encodeWav(Float32Array.from({ length: 48000 }, (_, i) => Math.sin(i * 12.9898) * 0.1), 16000);
  files['validation_list.txt'] = '';
  files['testing_list.txt'] = KEYWORDS.map((w) => `${w}/bbbb_nohash_0.wav\n`).join('') + 'bed/bbbb_nohash_0.wav\n';
  edit(files);
  return folder(name, files);
}

function expectDatasetError(spec: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    loadDataset(spec);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EdgeqatError);
  expect((caught as EdgeqatError).code).toBe('E_DATASET');
  expect((caught as EdgeqatError).message).not.toMatch(/\n/);
  expect((caught as EdgeqatError).message).toMatch(pattern);
}

describe('speech-commands: on the generated set', () => {
  const need = (ctx: TestContext) => needAudioTools(ctx);

  it("is MLPerf Tiny's 12-class task on 49×10 MFCCs", (ctx) => {
    need(ctx);
    expect(ds.classNames).toEqual([...KEYWORDS, '_silence_', '_unknown_']);
    expect(ds.sampleShape).toEqual([49, 10, 1]);
    expect(ds.audio!.frontEnd).toEqual(MLPERF_KWS_FRONT_END);
    expect(ds.audio!.backgroundFiles.length).toBe(6);
  });

  it('has 10% _silence_ and 10% _unknown_ next to the keyword clips of each split', (ctx) => {
    need(ctx);
    // tiny: 12 training and 4 test clips per keyword; ceil(10% of the keyword clips) of each extra class.
    expect(counts(ds.train!.labels)).toEqual([...new Array(10).fill(12), 12, 12]);
    expect(counts(ds.test!.labels)).toEqual([...new Array(10).fill(4), 4, 4]);
    const silence = ds.test!.sources!.filter((s, i) => ds.test!.labels[i] === 10);
    expect(silence.every((s) => /^_background_noise_\/\w+\.wav@\d+$/.test(s))).toBe(true);
    const unknown = ds.train!.sources!.filter((s, i) => ds.train!.labels[i] === 11);
    expect(unknown.every((s) => !KEYWORDS.includes(s.split('/')[0]))).toBe(true);
  });

  it('splits by testing_list.txt / validation_list.txt, and the test voices are never in training', (ctx) => {
    need(ctx);
    const testing = new Set(readFileSync(join(tiny, 'testing_list.txt'), 'utf8').trim().split('\n'));
    const validation = new Set(readFileSync(join(tiny, 'validation_list.txt'), 'utf8').trim().split('\n'));
    const clips = (sources: string[]) => sources.filter((s) => !s.startsWith('_background_noise_'));
    expect(clips(ds.test!.sources!).every((s) => testing.has(s))).toBe(true);
    expect(clips(ds.train!.sources!).some((s) => testing.has(s) || validation.has(s))).toBe(false);
    const speaker = (s: string) => s.split('/')[1].replace(/_nohash_.*$/, '');
    const trainVoices = new Set(clips(ds.train!.sources!).map(speaker));
    expect(clips(ds.test!.sources!).filter((s) => trainVoices.has(speaker(s)))).toEqual([]);
    const generated = JSON.parse(readFileSync(join(tiny, 'GENERATED.json'), 'utf8'));
    expect(generated.variants.test.filter((v: string) => generated.variants.train.includes(v))).toEqual([]);
  });

  it('inputs are the front end applied to the clips (resampled where the file is not 16 kHz)', (ctx) => {
    need(ctx);
    const ex = createFeatureExtractor(ds.audio!.frontEnd);
    for (const i of [0, 7, ds.train!.count - 1]) {
      const clip = ds.train!.clips!.subarray(i * 16000, (i + 1) * 16000);
      const f = ex.features(clip);
      expect(Array.from(f)).toEqual(Array.from(ds.train!.inputs.subarray(i * 490, (i + 1) * 490)));
    }
    const others = JSON.parse(readFileSync(join(tiny, 'GENERATED.json'), 'utf8'));
    expect(others.clips.train).toBe(144);
  });

  it('loads the same way twice (seeded picks and order)', (ctx) => {
    need(ctx);
    const again = loadDataset(`speech-commands:${tiny}`, { split: 'test' });
    expect(again.test!.sources).toEqual(ds.test!.sources);
    expect(Buffer.from(again.test!.inputs.buffer).equals(Buffer.from(ds.test!.inputs.buffer))).toBe(true);
  });

  it("falls back to input_data.py's hash rule when both lists are missing", (ctx) => {
    need(ctx);
    const copy = join(tmp, 'no-lists');
    cpSync(tiny, copy, { recursive: true });
    rmSync(join(copy, 'testing_list.txt'));
    rmSync(join(copy, 'validation_list.txt'));
    const hashed = loadDataset(`speech-commands:${copy}`);
    const speaker = (s: string) => s.split('/')[1].replace(/_nohash_.*$/, '');
    const trainVoices = new Set(hashed.train!.sources!.filter((s) => !s.startsWith('_')).map(speaker));
    // The rule keeps every speaker in one split.
    expect(hashed.test!.sources!.filter((s) => !s.startsWith('_') && trainVoices.has(speaker(s)))).toEqual([]);
    expect(hashed.test!.count).toBeGreaterThan(0);
  });
});

describe('speech-commands: bad folders, one line each', () => {
  it('a missing keyword folder', () => {
    const dir = minimalSpeechCommands('no-up', (f) => {
      for (const k of Object.keys(f)) if (k.startsWith('up/') || k.startsWith('down/')) delete f[k];
      f['testing_list.txt'] = '';
    });
    expectDatasetError(`speech-commands:${dir}`, /no folder for up, down/);
  });

  it('one split list without the other', () => {
    const dir = minimalSpeechCommands('one-list', (f) => delete f['validation_list.txt']);
    expectDatasetError(`speech-commands:${dir}`, /has testing_list.txt but no validation_list.txt/);
  });

  it('a list naming a file that is not there, or outside the folder', () => {
    const missing = minimalSpeechCommands('list-missing', (f) => (f['testing_list.txt'] += 'yes/zzzz_nohash_0.wav\n'));
    expectDatasetError(`speech-commands:${missing}`, /testing_list.txt:12: 'yes\/zzzz_nohash_0.wav' is not a WAV file of a word folder here/);
    const outside = minimalSpeechCommands('list-outside', (f) => (f['validation_list.txt'] = '../list-missing/yes/aaaa_nohash_0.wav\n'));
    expectDatasetError(`speech-commands:${outside}`, /validation_list.txt:1: '\.\.\/list-missing/);
  });

  it('no background noise to cut _silence_ from', () => {
    const dir = minimalSpeechCommands('no-noise', (f) => delete f['_background_noise_/noise.wav']);
    expectDatasetError(`speech-commands:${dir}`, /no _background_noise_ folder/);
  });

  it('a broken WAV file in a word folder', () => {
    const dir = minimalSpeechCommands('broken', (f) => (f['left/aaaa_nohash_0.wav'] = tone(300).slice(0, 1000)));
    expectDatasetError(`speech-commands:${dir}`, /left\/aaaa_nohash_0.wav: truncated/);
  });

  it('a folder that does not exist', () => {
    expectDatasetError(`speech-commands:${join(tmp, 'nowhere')}`, /no such folder/);
  });

  it('loads the minimal folder (clips shorter than 1 s padded, noise cut into _silence_)', () => {
    const dir = minimalSpeechCommands('minimal', (f) => (f['go/aaaa_nohash_0.wav'] = tone(700, 0.4)));
    const d = loadDataset(`speech-commands:${dir}`);
    expect(counts(d.train!.labels)).toEqual([...new Array(10).fill(1), 1, 1]);
    expect(counts(d.test!.labels)).toEqual([...new Array(10).fill(1), 1, 1]);
    const go = d.train!.sources!.indexOf('go/aaaa_nohash_0.wav');
    expect(Array.from(d.train!.clips!.subarray(go * 16000 + 6400, (go + 1) * 16000)).every((v) => v === 0)).toBe(true);
  });

  it('through the CLI: one line, exit 2', async () => {
    const dir = minimalSpeechCommands('cli-broken', (f) => (f['stop/aaaa_nohash_0.wav'] = 'RIFF....WAVEnot really'));
    const r = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${dir}`, '--quiet']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/stop\/aaaa_nohash_0.wav: (no fmt chunk|not a WAV file)/)]);
    const missing = await runCli(['eval', 'test/fixtures/edgeqat-dscnn.tflite', '--dataset', `speech-commands:${join(tmp, 'minimal', 'yes')}`]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing.stderr)).toEqual([expect.stringMatching(/not a Speech Commands folder: no folder for yes, no, up/)]);
  });
});

describe('wav: folders', () => {
  const two = (name: string, edit: (f: Record<string, Uint8Array | string>) => void = () => {}) => {
    const files: Record<string, Uint8Array | string> = {
      'train/whistle/a.wav': tone(1500),
      'train/whistle/b.wav': tone(1600, 0.8, 44100),
      'train/hum/a.wav': tone(120),
      'train/hum/b.wav': tone(130, 1.2),
      'test/whistle/c.wav': tone(1550),
      'test/hum/c.wav': tone(125),
    };
    edit(files);
    return folder(name, files);
  };

  it('labels are the train/ folders in sorted order; both splits load', () => {
    const d = loadDataset(`wav:${two('wav-ok')}`);
    expect(d.classNames).toEqual(['hum', 'whistle']);
    expect(d.sampleShape).toEqual([49, 10, 1]);
    expect([d.train!.count, d.test!.count]).toEqual([4, 2]);
    expect(d.test!.sources!.slice().sort()).toEqual(['test/hum/c.wav', 'test/whistle/c.wav']);
    expect(d.audio!.background).toEqual([]);
  });

  it('bad folders: one line each', () => {
    expectDatasetError(`wav:${two('wav-no-test', (f) => delete f['test/hum/c.wav'] && delete f['test/whistle/c.wav'])}`, /has train\/ but no test\/ sub-folder/);
    expectDatasetError(`wav:${two('wav-extra', (f) => (f['test/bark/d.wav'] = tone(400)))}`, /class folder\(s\) bark not in train\//);
    const empty = two('wav-empty');
    mkdirSync(join(empty, 'train', 'silent'));
    expectDatasetError(`wav:${empty}`, /train\/silent: no \.wav files for class 'silent'/);
    expectDatasetError(`wav:${two('wav-bad', (f) => (f['train/hum/b.wav'] = new Uint8Array(0)))}`, /train\/hum\/b.wav: empty file/);
  });

  it('an empty folder', () => {
    const dir = join(tmp, 'wav-nothing');
    mkdirSync(dir);
    expectDatasetError(`wav:${dir}`, /no class folders/);
  });

  it('without train/ and test/: the class folders hold the training clips, split by --val-split', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) {
      files[`hum/${i}.wav`] = tone(100 + 10 * i);
      files[`whistle/${i}.wav`] = tone(1500 + 10 * i);
    }
    const dir = folder('wav-flat', files);
    expectDatasetError(`wav:${dir}`, /no test\/ folder to evaluate on: hold out a share of the clips with --val-split/);
    const d = loadDataset(`wav:${dir}`, { valSplit: { fraction: 0.4, seed: 3 } });
    expect([d.train!.count, d.test!.count]).toEqual([6, 4]);
    expect(counts(d.test!.labels).slice(0, 2)).toEqual([2, 2]);
    // The held-out samples keep their clips and sources (bundles ship them).
    expect(d.test!.clips!.length).toBe(4 * 16000);
    expect(d.test!.sources!.every((s) => /^(hum|whistle)\/\d\.wav$/.test(s))).toBe(true);
  });
});
