#!/usr/bin/env node
// A validation set of many unseen voices for keyword spotting: from a folder made by
// scripts/make-speech-commands.mjs with --random-voices (and a seed other than the training set's,
// so its made-up voices are other voices), it writes a Speech Commands folder whose test split is
// every training clip spoken by a made-up voice, hard links to the same files. The held-out
// voices of espeak-ng are only 5 (validation) and 8 (test); hundreds of made-up voices rank
// recipes by how they do on voices they never heard with far less luck of the draw of a few
// speakers (docs/keyword-spotting.md, round 6).
//
//   node scripts/make-made-up-voice-split.mjs <speech-commands folder with made-up voices> <out>
//
// <out> holds the listed clips only (word folders, _background_noise_ for the _silence_ samples),
// an empty validation_list.txt, testing_list.txt, and MADE-UP-VOICES.json saying what it came from.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { speakerHash } from './speech-clip-tools.mjs';

function usage(problem) {
  process.stderr.write(`make-made-up-voice-split: ${problem}\nusage: node scripts/make-made-up-voice-split.mjs <speech-commands folder made with --random-voices> <out>\n`);
  process.exit(2);
}

/** Hard link, or copy where the two folders are on different file systems. */
function place(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch (e) {
    if (e.code !== 'EXDEV') throw e;
    copyFileSync(from, to);
  }
}

/** The names of a folder's regular files (not links, not folders), sorted. */
function regularFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name).sort();
}

function readLines(path) {
  if (!existsSync(path)) usage(`${path} is missing (the folder must be one make-speech-commands.mjs wrote)`);
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

function main() {
  const [sourceArg, outArg, ...rest] = process.argv.slice(2);
  if (!sourceArg || !outArg || rest.length > 0) usage('need a source folder and an output folder, nothing else');
  const [source, out] = [resolve(sourceArg), resolve(outArg)];
  if (existsSync(out)) usage(`${out} exists; delete it to make it again`);
  const generatedPath = join(source, 'GENERATED.json');
  if (!existsSync(generatedPath)) usage(`${source} has no GENERATED.json (make it with scripts/make-speech-commands.mjs --random-voices N)`);
  let generated;
  try {
    generated = JSON.parse(readFileSync(generatedPath, 'utf8'));
  } catch (e) {
    usage(`${generatedPath}: not JSON (${e.message})`);
  }
  const madeUpNames = Object.keys(generated?.randomVoices?.files ?? {});
  if (madeUpNames.length === 0) usage(`${source} has no made-up voices (make it with --random-voices N)`);
  if (!Array.isArray(generated.accents) || !Array.isArray(generated.keywords) || !Array.isArray(generated.otherWords)) usage(`${generatedPath}: no accents, keywords or otherWords list`);
  // Words name folders inside <source>: nothing that could lead out of it.
  const badWord = [...generated.keywords, ...generated.otherWords].find((word) => typeof word !== 'string' || !/^[a-z][a-z0-9-]*$/i.test(word));
  if (badWord !== undefined) usage(`${generatedPath}: '${String(badWord).slice(0, 40)}' is not a word folder's name`);
  const madeUp = new Set(generated.accents.flatMap((accent) => madeUpNames.map((name) => speakerHash(`${accent}+${name}`))));
  const held = new Set([...readLines(join(source, 'validation_list.txt')), ...readLines(join(source, 'testing_list.txt'))]);

  const listed = [];
  for (const word of [...generated.keywords, ...generated.otherWords]) {
    const folder = join(source, word);
    if (!existsSync(folder)) usage(`${source} has no ${word}/ folder`);
    // Regular files only: a symbolic link could lead out of <source>.
    for (const file of regularFiles(folder)) {
      const clip = `${word}/${file}`;
      if (file.endsWith('.wav') && !held.has(clip) && madeUp.has(file.slice(0, 8))) listed.push(clip);
    }
  }
  // The loader needs clips of every keyword (a keyword folder without any is a broken set).
  const unspoken = generated.keywords.find((word) => !listed.some((clip) => clip.startsWith(`${word}/`)));
  if (unspoken !== undefined) usage(`${source}: no training clip of '${unspoken}' is spoken by a made-up voice (make the set with more --random-voices or a larger --train-scale)`);

  if (!existsSync(join(source, '_background_noise_'))) usage(`${source} has no _background_noise_ folder (the _silence_ samples are cut from it)`);
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    for (const clip of listed) place(join(source, clip), join(tmp, clip));
    for (const word of [...generated.keywords, ...generated.otherWords]) mkdirSync(join(tmp, word), { recursive: true });
    for (const file of regularFiles(join(source, '_background_noise_'))) place(join(source, '_background_noise_', file), join(tmp, '_background_noise_', file));
    writeFileSync(join(tmp, 'validation_list.txt'), '');
    writeFileSync(join(tmp, 'testing_list.txt'), listed.map((clip) => `${clip}\n`).join(''));
    const voices = new Set(listed.map((clip) => clip.split('/')[1].slice(0, 8)));
    const summary = { by: 'edgeqat scripts/make-made-up-voice-split.mjs', source, seed: generated.seed, madeUpVoices: madeUpNames.length, rangesKind: generated.randomVoices.rangesKind, speakers: voices.size, clips: listed.length };
    writeFileSync(join(tmp, 'MADE-UP-VOICES.json'), JSON.stringify(summary, null, 2) + '\n');
    renameSync(tmp, out);
    console.log(`make-made-up-voice-split: ${listed.length} clips of ${voices.size} made-up speakers (accent + voice) to ${out}`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`make-made-up-voice-split: ${e.message}\n`);
    process.exitCode = 1;
  }
}

main();
