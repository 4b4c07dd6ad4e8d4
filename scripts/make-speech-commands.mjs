#!/usr/bin/env node
// Makes a speech data set in the Speech Commands layout (Warden 2018, arXiv:1804.03209) from
// synthetic speech, for machines that cannot download the real one: Debian's espeak-ng speaks the
// ten keywords and the 25 other words of Speech Commands v0.02, sox resamples and filters, and
// the clips get a random speed factor (pitch and formants), a random position in their second, gain
// and added noise. Seeded: the same
// arguments make the same files (espeak-ng and sox are deterministic; sox runs with -R).
//
//   node scripts/make-speech-commands.mjs [--size tiny|full] [--out <dir>] [--seed N] [--jobs N] [--random-voices N]
//       [--voice-ranges p10-p90|min-max] [--voice-extras] [--voices-per-folder N] [--train-scale S]
//
// Layout: <out>/<word>/<voice>_nohash_<n>.wav (16 kHz 16-bit mono, 1 s; a few clips on purpose at
// 48 kHz 24-bit stereo or 44.1 kHz float, so readers resample), validation_list.txt and
// testing_list.txt (the split, by voice), _background_noise_/*.wav (long noise recordings made
// by sox), and GENERATED.json (what made it). A "voice" is an espeak-ng variant (m1, f3, klatt2,
// Andy, ...) speaking with one of seven English accents; validation and test use variants the
// training split never has. --random-voices N adds N made-up espeak-ng variants to the training
// voices (randomVariant below; --voice-extras also gives them the tone, echo, breath and Klatt
// lines some training variants have); --train-scale S makes S times the training clips. Default --out: .cache/speech-commands-<size>. The folder is built
// aside and renamed into place; an existing one is left alone (delete it to rebuild).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RATE, RAW16, fromS16, placeWord, prng, run, speakerHash, wav16 } from './speech-clip-tools.mjs';

const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
// Speech Commands v0.02's other words (the _unknown_ class).
const OTHER_WORDS = ['bed', 'bird', 'cat', 'dog', 'eight', 'five', 'four', 'happy', 'house', 'marvin', 'nine', 'one', 'seven', 'sheila', 'six', 'three', 'tree', 'two', 'wow', 'zero', 'backward', 'forward', 'follow', 'learn', 'visual'];
const ACCENTS = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-gb-x-rp', 'en-029'];
// Every espeak-ng variant that speaks differently from the default, in three disjoint groups; the
// training split also leaves out the siblings of held-out variants (steph2/3, AnxiousAndy) and the
// whispering ones (no voicing at all).
const VARIANTS = {
  train: [
    ...['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'f1', 'f2', 'f3', 'klatt', 'klatt2', 'klatt4', 'klatt5', 'croak', 'grandma', 'grandpa', 'Annie', 'Alex', 'Alicia', 'Andrea'],
    ...['adam', 'antonio', 'aunty', 'belinda', 'benjamin', 'boris', 'david', 'Denis', 'Diogo', 'ed', 'edward', 'edward2', 'Gene', 'Gene2', 'gustave', 'Henrique', 'Hugo'],
    ...['iven', 'iven2', 'iven3', 'iven4', 'Jacky', 'john', 'kaukovalta', 'Lee', 'linda', 'marcelo', 'Marco', 'Mario', 'max', 'Michael', 'michel', 'miguel', 'Nguyen'],
    ...['pablo', 'pedro', 'quincy', 'RicishayMax', 'robert', 'Storm', 'Tweaky', 'zac', 'anika', 'norbert', 'sandro', 'shelby', 'announcer'],
  ],
  validation: ['m8', 'f5', 'klatt6', 'paul', 'rob'],
  test: ['m7', 'f4', 'klatt3', 'Andy', 'Mike', 'steph', 'travis', 'victor'],
};
/** Clips per word and split. */
const SIZES = {
  tiny: { keyword: { train: 12, validation: 2, test: 4 }, other: { train: 4, validation: 1, test: 2 }, otherWords: 6, noiseSeconds: 5 },
  full: { keyword: { train: 240, validation: 40, test: 60 }, other: { train: 20, validation: 4, test: 6 }, otherWords: OTHER_WORDS.length, noiseSeconds: 30 },
};
// Long noise recordings for _background_noise_ (the trainer mixes them in) and a separate pool
// the clips' own noise is cut from: sox synth effects.
const BACKGROUND = {
  white_noise: ['synth', 'whitenoise', 'vol', '0.3'],
  pink_noise: ['synth', 'pinknoise', 'vol', '0.4'],
  brown_noise: ['synth', 'brownnoise', 'vol', '0.5'],
  running_tap: ['synth', 'pinknoise', 'highpass', '1500', 'tremolo', '7', '40', 'vol', '0.6'],
  engine_hum: ['synth', 'brownnoise', 'lowpass', '300', 'tremolo', '25', '60', 'vol', '0.8'],
  babble: ['synth', 'pinknoise', 'band', '800', '600', 'tremolo', '3', '80', 'vol', '0.6'],
};
const CLIP_NOISE = [
  ['synth', 'whitenoise', 'lowpass', '6000'],
  ['synth', 'pinknoise', 'highpass', '200'],
  ['synth', 'brownnoise', 'highpass', '60'],
  ['synth', 'pinknoise', 'band', '1500', '1200', 'tremolo', '5', '50'],
];

function parseArgs(argv) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const opts = { size: 'tiny', out: undefined, seed: 1, jobs: 2, randomVoices: 0, voiceExtras: false, voicesPerFolder: 100, voiceRanges: 'p10-p90', trainScale: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--size' && Object.hasOwn(SIZES, value ?? '')) opts.size = value;
    else if (key === '--out' && value) opts.out = resolve(value);
    else if (key === '--seed' && /^\d+$/.test(value ?? '')) opts.seed = Number(value);
    else if (key === '--jobs' && /^[1-9]\d*$/.test(value ?? '')) opts.jobs = Number(value);
    else if (key === '--train-scale' && /^[1-9]$/.test(value ?? '')) opts.trainScale = Number(value);
    else if (key === '--random-voices' && /^\d+$/.test(value ?? '') && Number(value) <= 1000) opts.randomVoices = Number(value);
    else if (key === '--voice-ranges' && Object.hasOwn(VOICE_RANGES, value ?? '')) opts.voiceRanges = value;
    else if (key === '--voices-per-folder' && /^[1-9]\d*$/.test(value ?? '') && Number(value) <= 1000) opts.voicesPerFolder = Number(value);
    else if (key === '--voice-extras') {
      opts.voiceExtras = true;
      continue;
    } else usage(`bad argument '${key}${value === undefined ? '' : ` ${value}`}'`);
    i++;
  }
  opts.out ??= join(repo, '.cache', `speech-commands-${opts.size}`);
  return opts;
}

function usage(problem) {
  process.stderr.write(`make-speech-commands: ${problem}\nusage: node scripts/make-speech-commands.mjs [--size tiny|full] [--out <dir>] [--seed N] [--jobs N] [--random-voices N] [--voice-ranges p10-p90|min-max] [--voice-extras] [--voices-per-folder N] [--train-scale 1-9]\n`);
  process.exit(2);
}

function checkTools() {
  for (const [tool, pkg] of [['espeak-ng', 'espeak-ng'], ['sox', 'sox']]) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error) usage(`${tool} not found (apt-get install ${pkg})`);
  }
}

function toolVersion(tool) {
  return spawnSync(tool, ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
}

async function noise(effect, seconds) {
  return fromS16(await run('sox', ['-R', '-n', '-r', String(RATE), ...RAW16, '-', effect[0], String(seconds), ...effect.slice(1)]));
}

// Made-up training voices: espeak-ng variant files (voices/!v) whose settings are drawn uniformly
// from scripts/speech-voice-ranges.json (formant N = frequency, height, width in % of the default
// voice; pitch = base and top in Hz), read from the files of the training variants (VARIANTS.train) so that the
// made-up ones vary the way the training voices do, not the way any held-out one does:
// - "p10-p90" (the default): between the 10th and 90th percentiles of each setting;
// - "min-max" (--voice-ranges min-max): between its smallest and largest value, for voices as far
//   apart as the training ones go. One exception: formant 4's frequency stops at 200%, not Lee's
//   290%: espeak-ng 1.51 crashes (SIGSEGV) on some words above ~280% with other settings drawn
//   from these ranges (none of 12,000 calls crashed at 200%: 300 variants, 10 words, 2 pitches, 2 speeds).
const VOICE_RANGES = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'speech-voice-ranges.json'), 'utf8'));

/** The text of one made-up variant file. */
function randomVariant(rand, name, r) {
  const draw = ([lo, hi]) => Math.round(lo + rand() * (hi - lo));
  const base = draw(r.pitchBase);
  const lines = ['language variant', `name ${name}`, `gender ${base < 130 ? 'male' : 'female'}`, `pitch ${base} ${Math.round(base * (r.pitchTopRatio[0] + rand() * (r.pitchTopRatio[1] - r.pitchTopRatio[0])))}`];
  for (let f = 0; f < 9; f++) lines.push(`formant ${f} ${draw(r.formantFrequency[f])} ${draw(r.formantHeight[f])} ${draw(r.formantWidth[f])}`);
  lines.push(`voicing ${draw(r.voicing)}`, `consonants ${draw(r.consonants[0])} ${draw(r.consonants[1])}`, `flutter ${draw(r.flutter)}`, `roughness ${draw(r.roughness)}`);
  return lines.join('\n') + '\n';
}

// --voice-extras: lines some training variants have, each as often as among the 66 training
// variants (tone 23, echo with a delay 8, breath 4, klatt 10 of them) and with values in their
// ranges: tone = an equaliser of (Hz, gain/255) points, echo = delay ms and amplitude %, breath =
// 8 per-formant levels, klatt = one of the Klatt modes the training variants use (1, 2, 4, 5, 6).
const VOICE_EXTRAS = {
  tone: { share: 23 / 66, points: [3, 4], hz: [100, 4000], gain: [30, 255] },
  echo: { share: 8 / 66, delayMs: [30, 150], amplitude: [10, 50] },
  breath: { share: 4 / 66, level: [0, 5] },
  klatt: { share: 10 / 66, modes: [1, 2, 4, 5, 6] },
};

/** The extra lines of one made-up variant, from its own generator. */
function voiceExtras(rand) {
  const x = VOICE_EXTRAS;
  const draw = ([lo, hi]) => Math.round(lo + rand() * (hi - lo));
  const lines = [];
  if (rand() < x.tone.share) {
    const hz = Array.from({ length: draw(x.tone.points) }, () => draw(x.tone.hz)).sort((a, b) => a - b);
    lines.push(`tone ${hz.map((f) => `${f} ${draw(x.tone.gain)}`).join(' ')}`);
  }
  if (rand() < x.echo.share) lines.push(`echo ${draw(x.echo.delayMs)} ${draw(x.echo.amplitude)}`);
  if (rand() < x.breath.share) lines.push(`breath ${Array.from({ length: 8 }, () => draw(x.breath.level)).join(' ')}`);
  if (rand() < x.klatt.share) lines.push(`klatt ${x.klatt.modes[Math.floor(rand() * x.klatt.modes.length)]}`);
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * Private copies of espeak-ng's data (for espeak-ng --path) holding `count` made-up variants rv000,
 * rv001, ..., at most `perFolder` in each: espeak-ng lists at most 349 voices (see checkVoicesResolve).
 */
function espeakDataWithRandomVariants(count, seed, perFolder, extras, ranges) {
  const data = /Data at: (.*)$/m.exec(toolVersion('espeak-ng'))?.[1]?.trim();
  if (!data || !existsSync(data)) usage('cannot find espeak-ng\'s data folder (espeak-ng --version)');
  const rand = prng((seed ^ 0x9e3779b9) >>> 0); // its own stream: the clips' recipes draw as without it
  const extra = prng((seed ^ 0x27d4eb2f) >>> 0); // and the extras theirs: the variants' other lines stay as without them
  const names = Array.from({ length: count }, (_, i) => `rv${String(i).padStart(3, '0')}`);
  const roots = [];
  const rootOf = {};
  const files = {};
  for (const [i, name] of names.entries()) {
    if (i % perFolder === 0) {
      roots.push(mkdtempSync(join(tmpdir(), 'edgeqat-espeak-')));
      cpSync(data, join(roots.at(-1), 'espeak-ng-data'), { recursive: true });
    }
    files[name] = randomVariant(rand, name, ranges) + (extras ? voiceExtras(extra) : '');
    rootOf[name] = roots.at(-1);
    writeFileSync(join(rootOf[name], 'espeak-ng-data', 'voices', '!v', name), files[name]);
  }
  return { roots, names, files, pathOf: (voice) => rootOf[voice.slice(voice.indexOf('+') + 1)] };
}

/**
 * espeak-ng keeps at most 349 voices in its list (N_VOICES_LIST in its voices.c); past that it drops
 * voices without an error and speaks a fallback voice instead (seen with 200 made-up variants in one
 * folder: every accent and variant, held-out or not, spoke the same voice; docs/keyword-spotting.md).
 * So every voice the set uses must speak through each private folder as it does without it, and
 * every made-up variant must change the voice.
 */
function checkVoicesResolve(random) {
  const say = (voice, path) => {
    const r = spawnSync('espeak-ng', [...(path ? [`--path=${path}`] : []), '--stdout', '-v', voice, 'yes']);
    return createHash('sha1').update(r.stdout ?? '').digest('hex');
  };
  const builtIn = [...ACCENTS, ...[...VARIANTS.train, ...VARIANTS.validation, ...VARIANTS.test].map((v) => `en-us+${v}`)];
  const plain = say('en-us');
  const madeUp = random.names.map((name) => `en-us+${name}`);
  const lost =
    random.roots.flatMap((root) => builtIn.filter((voice) => say(voice, root) !== say(voice)))[0] ??
    madeUp.find((voice) => say(voice, random.pathOf(voice)) === plain);
  if (lost) {
    for (const root of random.roots) rmSync(root, { recursive: true, force: true });
    usage(`espeak-ng speaks a fallback voice for ${lost} with ${Math.min(random.names.length, random.perFolder)} made-up variants in one data folder (its voice list holds 349 voices): use fewer --voices-per-folder`);
  }
}

/** One clip's recipe, drawn from the seeded generator in a fixed order. */
function recipe(rand, split, word, n, variants) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const variant = pick(variants[split]);
  const accent = pick(ACCENTS);
  return {
    split,
    word,
    n,
    voice: `${accent}+${variant}`,
    speed: Math.round(120 + rand() * 90), // words per minute (espeak-ng's default is 175)
    pitch: Math.round(20 + rand() * 60), // 0-99, default 50
    // sox speed: pitch, formants and duration together, as a longer or shorter vocal tract would.
    stretch: 0.9 + rand() * 0.2,
    highpass: Math.round(60 + rand() * 240),
    lowpass: Math.round(3600 + rand() * 3900),
    peak: 0.08 + rand() * 0.8,
    offset: rand(), // where in the free part of the second the word starts
    snrDb: rand() < 0.2 ? null : 8 + rand() * 32,
    noise: Math.floor(rand() * CLIP_NOISE.length),
    noiseAt: rand(),
    // A few files in other formats, so that readers resample and mix channels down.
    format: rand() < 0.03 ? pick(['48k-24bit-stereo', '44k1-float']) : '16k-16bit',
  };
}

async function makeClip(r, noisePool, dir, random) {
  const espeakPath = random?.pathOf(r.voice);
  const speech = await run('espeak-ng', [...(espeakPath ? [`--path=${espeakPath}`] : []), '--stdout', '-v', r.voice, '-s', String(r.speed), '-p', String(r.pitch), r.word]);
  const rate = speech.readUInt32LE(24);
  const pcm = speech.subarray(speech.indexOf('data') + 8);
  const resampled = fromS16(await run('sox', ['-R', ...RAW16, '-r', String(rate), '-', ...RAW16, '-r', String(RATE), '-', 'speed', r.stretch.toFixed(4), 'highpass', String(r.highpass), 'lowpass', String(r.lowpass)], pcm.subarray(0, pcm.length & ~1)));
  // Trim espeak-ng's leading and trailing silence, place the word in the second, set its level.
  const clip = placeWord(resampled, r.offset, r.peak, `espeak-ng -v ${r.voice} '${r.word}'`);
  if (r.snrDb !== null) {
    const pool = noisePool[r.noise];
    const at = Math.floor(r.noiseAt * (pool.length - RATE));
    let rms = 0;
    for (let i = 0; i < RATE; i++) rms += pool[at + i] ** 2;
    const gain = (r.peak * 10 ** (-r.snrDb / 20)) / Math.sqrt(rms / RATE || 1);
    for (let i = 0; i < RATE; i++) clip[i] += gain * pool[at + i];
  }
  const file = join(dir, r.word, r.file);
  mkdirSync(dirname(file), { recursive: true });
  if (r.format === '16k-16bit') {
    writeFileSync(file, wav16(clip));
  } else {
    const to = r.format === '48k-24bit-stereo' ? ['-r', '48000', '-b', '24', '-c', '2'] : ['-r', '44100', '-e', 'floating-point', '-b', '32', '-c', '1'];
    await run('sox', ['-R', '-t', 'wav', '-', '-t', 'wav', ...to, file], wav16(clip));
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (existsSync(opts.out)) {
    console.log(`make-speech-commands: ${opts.out} exists; delete it to make it again`);
    return;
  }
  checkTools();
  const size = SIZES[opts.size];
  const started = performance.now();
  mkdirSync(dirname(opts.out), { recursive: true });
  const tmp = `${opts.out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const random = opts.randomVoices > 0 ? { ...espeakDataWithRandomVariants(opts.randomVoices, opts.seed, opts.voicesPerFolder, opts.voiceExtras, VOICE_RANGES[opts.voiceRanges]), perFolder: opts.voicesPerFolder } : null;
  if (random) checkVoicesResolve(random);
  const variants = random ? { ...VARIANTS, train: [...VARIANTS.train, ...random.names] } : VARIANTS;
  try {
    mkdirSync(join(tmp, '_background_noise_'), { recursive: true });
    for (const [name, effect] of Object.entries(BACKGROUND)) {
      writeFileSync(join(tmp, '_background_noise_', `${name}.wav`), wav16(await noise(effect, size.noiseSeconds)));
    }
    const noisePool = await Promise.all(CLIP_NOISE.map((effect) => noise(effect, 20)));

    const rand = prng(opts.seed);
    const recipes = [];
    const words = [...KEYWORDS.map((w) => [w, size.keyword]), ...OTHER_WORDS.slice(0, size.otherWords).map((w) => [w, size.other])];
    for (const [word, counts] of words) {
      for (const split of ['train', 'validation', 'test']) {
        for (let n = 0; n < counts[split]; n++) recipes.push(recipe(rand, split, word, n, variants));
      }
    }
    // --train-scale: more training clips from a stream of their own, after the others, so the
    // validation and test clips (and the first training clips) are the same as without it.
    const more = prng((opts.seed ^ 0x85ebca6b) >>> 0);
    for (const [word, counts] of words) {
      for (let n = counts.train; n < counts.train * opts.trainScale; n++) recipes.push(recipe(more, 'train', word, n, variants));
    }
    // File names as Speech Commands has them: <speaker hash>_nohash_<n>.wav, n counting per speaker and word.
    const perVoice = new Map();
    for (const r of recipes) {
      const hash = speakerHash(r.voice);
      const key = `${r.word}/${hash}`;
      const n = perVoice.get(key) ?? 0;
      perVoice.set(key, n + 1);
      r.file = `${hash}_nohash_${n}.wav`;
    }
    let next = 0;
    const worker = async () => {
      while (next < recipes.length) await makeClip(recipes[next++], noisePool, tmp, random);
    };
    await Promise.all(Array.from({ length: opts.jobs }, worker));

    const list = (split) => recipes.filter((r) => r.split === split).map((r) => `${r.word}/${r.file}\n`).join('');
    writeFileSync(join(tmp, 'validation_list.txt'), list('validation'));
    writeFileSync(join(tmp, 'testing_list.txt'), list('test'));
    const count = (split) => recipes.filter((r) => r.split === split).length;
    writeFileSync(
      join(tmp, 'GENERATED.json'),
      JSON.stringify(
        {
          by: 'edgeqat scripts/make-speech-commands.mjs',
          size: opts.size,
          seed: opts.seed,
          trainScale: opts.trainScale,
          tools: { espeakNg: toolVersion('espeak-ng'), sox: toolVersion('sox') },
          clips: { train: count('train'), validation: count('validation'), test: count('test') },
          keywords: KEYWORDS,
          otherWords: OTHER_WORDS.slice(0, size.otherWords),
          accents: ACCENTS,
          variants,
          ...(random ? { randomVoices: { count: opts.randomVoices, perFolder: opts.voicesPerFolder, rangesKind: opts.voiceRanges, ranges: VOICE_RANGES[opts.voiceRanges], ...(opts.voiceExtras ? { extras: VOICE_EXTRAS } : {}), files: random.files } } : {}),
          background: Object.keys(BACKGROUND),
        },
        null,
        2,
      ) + '\n',
    );
    try {
      renameSync(tmp, opts.out);
    } catch (e) {
      // Another run finished first (tests share one cache folder): keep its copy.
      if (!existsSync(opts.out)) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
    console.log(`make-speech-commands: wrote ${recipes.length} clips (train ${count('train')}, validation ${count('validation')}, test ${count('test')}) to ${opts.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`make-speech-commands: ${e.message}\n`);
    process.exitCode = 1;
  } finally {
    for (const root of random?.roots ?? []) rmSync(root, { recursive: true, force: true });
  }
}

await main();
