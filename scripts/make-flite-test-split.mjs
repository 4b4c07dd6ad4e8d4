#!/usr/bin/env node
// A second held-out test set for keyword spotting, spoken by another synthesiser: Debian's flite
// 2.2 (CMU Flite; voices kal16, awb, rms, slt) says every word of a generated Speech Commands folder
// (scripts/make-speech-commands.mjs), in the same layout, every clip listed in testing_list.txt.
// espeak-ng makes all the training voices, so no model trained on that folder has heard these
// voices or this synthesiser: a blind check of how far its accuracy carries (docs/keyword-spotting.md).
//
//   node scripts/make-flite-test-split.mjs <speech-commands folder> <out> [--per-keyword N] [--per-other N] [--seed N]
//
// Each clip: a random speaking rate (flite's duration_stretch 0.75-1.35) and mean pitch (80-230 Hz),
// then the generator's filters (high-pass 60-300 Hz, low-pass 3.6-7.5 kHz), silence trimmed, placed
// at a random offset in its second, peak 0.08-0.88; no added noise. _background_noise_ is the
// source folder's (for the _silence_ samples). Seeded; generated data, kept out of git (.cache/).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RATE, RAW16, fromS16, placeWord, prng, run, wav16 } from './speech-clip-tools.mjs';

const VOICES = ['kal16', 'awb', 'rms', 'slt'];
const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];

function usage(problem) {
  process.stderr.write(`make-flite-test-split: ${problem}\nusage: node scripts/make-flite-test-split.mjs <speech-commands folder> <out> [--per-keyword N] [--per-other N] [--seed N]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const [source, out, ...rest] = argv;
  if (!source || !out || source.startsWith('--') || out.startsWith('--')) usage('need a source folder and an output folder');
  const opts = { source: resolve(source), out: resolve(out), perKeyword: 15, perOther: 2, seed: 7 };
  const keys = { '--per-keyword': 'perKeyword', '--per-other': 'perOther', '--seed': 'seed' };
  for (let i = 0; i < rest.length; i += 2) {
    const [key, value] = [rest[i], rest[i + 1]];
    if (!Object.hasOwn(keys, key) || !/^\d{1,4}$/.test(value ?? '')) usage(`bad argument '${key}${value === undefined ? '' : ` ${value}`}'`);
    opts[keys[key]] = Number(value);
  }
  if (opts.perKeyword < 1) usage('--per-keyword must be at least 1');
  return opts;
}

async function makeClip(r, scratch, dir) {
  const raw = join(scratch, `${r.file}.raw.wav`);
  await run('flite', ['-voice', r.voice, '--setf', `duration_stretch=${r.stretch.toFixed(3)}`, '--setf', `int_f0_target_mean=${r.f0.toFixed(0)}`, '-t', r.word, '-o', raw]);
  const pcm = await run('sox', ['-R', raw, ...RAW16, '-r', String(RATE), '-', 'highpass', String(r.highpass), 'lowpass', String(r.lowpass)]);
  rmSync(raw);
  writeFileSync(join(dir, r.word, r.file), wav16(placeWord(fromS16(pcm), r.offset, r.peak, `flite -voice ${r.voice} '${r.word}'`)));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (spawnSync('flite', ['--version']).error) usage('flite not found (apt-get install flite)');
  if (spawnSync('sox', ['--version']).error) usage('sox not found (apt-get install sox)');
  if (!existsSync(join(opts.source, '_background_noise_'))) usage(`${opts.source} has no _background_noise_ folder (make it with scripts/make-speech-commands.mjs)`);
  if (existsSync(opts.out)) usage(`${opts.out} exists; delete it to make it again`);
  const words = readdirSync(opts.source, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name).sort();
  const missing = KEYWORDS.filter((w) => !words.includes(w));
  if (missing.length > 0) usage(`${opts.source} has no ${missing[0]}/ folder`);

  const rand = prng(opts.seed);
  const recipes = [];
  for (const word of words) {
    for (const voice of VOICES) {
      for (let n = 0; n < (KEYWORDS.includes(word) ? opts.perKeyword : opts.perOther); n++) {
        const r = { word, voice, file: `flite${voice}_nohash_${n}.wav` };
        Object.assign(r, { stretch: 0.75 + 0.6 * rand(), f0: 80 + 150 * rand(), highpass: Math.round(60 + 240 * rand()), lowpass: Math.round(3600 + 3900 * rand()), offset: rand(), peak: 0.08 + 0.8 * rand() });
        recipes.push(r);
      }
    }
  }
  const started = performance.now();
  const tmp = `${opts.out}.tmp-${process.pid}`;
  const scratch = mkdtempSync(join(tmpdir(), 'edgeqat-flite-'));
  try {
    for (const word of words) mkdirSync(join(tmp, word), { recursive: true });
    cpSync(join(opts.source, '_background_noise_'), join(tmp, '_background_noise_'), { recursive: true });
    let next = 0;
    const worker = async () => {
      while (next < recipes.length) await makeClip(recipes[next++], scratch, tmp);
    };
    await Promise.all([worker(), worker()]);
    writeFileSync(join(tmp, 'testing_list.txt'), recipes.map((r) => `${r.word}/${r.file}\n`).join(''));
    writeFileSync(join(tmp, 'validation_list.txt'), '');
    writeFileSync(join(tmp, 'GENERATED.json'), JSON.stringify({ by: 'edgeqat scripts/make-flite-test-split.mjs', source: opts.source, seed: opts.seed, perKeyword: opts.perKeyword, perOther: opts.perOther, voices: VOICES, flite: spawnSync('flite', ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n').pop().trim(), clips: recipes.length }, null, 2) + '\n');
    renameSync(tmp, opts.out);
    console.log(`make-flite-test-split: wrote ${recipes.length} clips (${words.length} words, voices ${VOICES.join(', ')}) to ${opts.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`make-flite-test-split: ${e.message}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
