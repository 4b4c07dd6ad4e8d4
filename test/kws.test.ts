// Keyword spotting end to end with the real parts: the CLI trains kws-dscnn on the tiny generated
// speech set (a few steps) and exports it (≤ 60 KB, front end in its metadata, augmentation in
// run.json), `eval` finds the data set and front end in the model; a bundle carries the front end:
// shipped test clips give the host's features bit for bit, `node run.js clip.wav` names the word,
// and `--listen` spots the words of a sox-made recording in order. The listening checks use the
// committed model trained by hand on the full generated set (test/fixtures/kws/README.md).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { readPreprocessing } from '../runtime/model-metadata.js';
import { readTfliteFile } from '../runtime/model-reader.js';
import { MLPERF_KWS_FRONT_END, type AudioFrontEnd } from '../runtime/audio/front-end.js';
import { runEval } from '../toolkit/cli/commands/eval.js';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { errorLines, runCli } from './helpers/run-cli.js';
import { audioToolsMissing, KWS_FIXTURE as FIXTURE, needAudioTools, soxWordStream, STREAM_VOICE, STREAM_WORDS, tinySpeechCommands } from './helpers/speech-data.js';


const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-kws-'));
let tiny = '';
let bundle = '';
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], input?: Buffer) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', cwd: tmp, input, timeout: 120_000 });
}

beforeAll(async () => {
  if (audioToolsMissing()) return;
  tiny = tinySpeechCommands();
  bundle = join(tmp, 'bundle');
  const r = await runCli(['bundle', FIXTURE, '--with-samples', '24', '--dataset', `speech-commands:${tiny}`, '--out', bundle]);
  if (r.code !== 0) throw new Error(r.stderr);
}, 300_000);

describe('kws-dscnn through the CLI', () => {
  it('trains on speech-commands:, exports ≤ 60 KB with its front end, evaluates without --dataset', async (ctx) => {
    needAudioTools(ctx);
    const run = join(tmp, 'run');
    const t = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${tiny}`, '--limit', '48', '--batch-size', '16', '--time-mask', '3', '--freq-mask', '2', '--l2', '1e-4', '--out', run, '--quiet'], { timeoutMs: 300_000 });
    expect(t.code, t.stderr).toBe(0);
    const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    expect(info.audio).toEqual(MLPERF_KWS_FRONT_END);
    expect(info.options.augmentation).toEqual({ timeShiftMs: 100, backgroundFrequency: 0.8, backgroundVolume: 0.1, speedPerturbation: 0, vtlp: 0, timeMask: 3, freqMask: 2 });
    expect(info.options.l2).toBe(1e-4);
    expect(info.classNames).toEqual(['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go', '_silence_', '_unknown_']);
    const e = await runCli(['export', run, '--quiet']);
    expect(e.code, e.stderr).toBe(0);
    const model = join(run, 'model.tflite');
    expect(statSync(model).size).toBeLessThanOrEqual(60 * 1024);
    const p = readPreprocessing(readTfliteFile(model), model)!;
    expect(p.audio).toEqual(MLPERF_KWS_FRONT_END);
    expect(p.sampleShape).toEqual([49, 10, 1]);
    const ev = await runEval(model, { engine: 'reference', quiet: true });
    expect([ev.dataset, ev.samples]).toEqual([`speech-commands:${tiny}`, 48]);
    // The report's confusion matrix names the 12 classes.
    const html = join(run, 'report.html');
    const rep = await runCli(['report', run, '--out', html, '--limit', '24', '--debug-samples', '4', '--iterations', '20', '--quiet'], { timeoutMs: 300_000 });
    expect(rep.code, rep.stderr).toBe(0);
    const confusion = readFileSync(html, 'utf8').split('id="confusion"')[1]!.split('</section>')[0]!;
    for (const name of ['yes', 'go', '_silence_', '_unknown_']) expect(confusion).toContain(`>${name}<`);
  }, 400_000);

  it('--mel-upper-hz, --mfcc-coefficients and --cepstral-mean-norm change the front end: recorded in run.json and the model, whose input and bundle follow it', async (ctx) => {
    needAudioTools(ctx);
    const run = join(tmp, 'run-8k');
    const t = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${tiny}`, '--limit', '32', '--batch-size', '16', '--mel-upper-hz', '7600', '--mfcc-coefficients', '20', '--cepstral-mean-norm', '--out', run, '--quiet'], { timeoutMs: 300_000 });
    expect(t.code, t.stderr).toBe(0);
    const wide = { ...MLPERF_KWS_FRONT_END, upperHz: 7600, coefficients: 20, cepstralMeanNorm: true };
    const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    expect([info.audio, info.sampleShape]).toEqual([wide, [49, 20, 1]]);
    expect((await runCli(['export', run, '--quiet'])).code).toBe(0);
    const model = join(run, 'model.tflite');
    const tflite = readTfliteFile(model);
    expect(readPreprocessing(tflite, model)!.audio).toEqual(wide);
    expect(Array.from(tflite.subgraph.tensors[tflite.subgraph.inputs[0]!]!.shape)).toEqual([1, 49, 20, 1]);
    const out = join(tmp, 'bundle-8k');
    expect((await runCli(['bundle', model, '--with-samples', '8', '--out', out])).code).toBe(0);
    const r = node([join(out, 'run.js'), '--json', '--iterations', '2', '--warmup', '1']);
    expect(r.status, r.stderr).toBe(0);
    const sha = (fe?: AudioFrontEnd) => {
      const x = loadDataset(`speech-commands:${tiny}`, { split: 'test', ...(fe ? { audioFrontEnd: fe } : {}) }).test!.inputs.subarray(0, 8 * 49 * (fe ?? MLPERF_KWS_FRONT_END).coefficients);
      return createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');
    };
    const wideSha = sha(wide);
    expect((JSON.parse(r.stdout) as RunnerReport).samples!.features_sha256).toBe(wideSha);
    expect(wideSha).not.toBe(sha());
    expect(wideSha).not.toBe(sha({ ...wide, cepstralMeanNorm: undefined }));
  }, 400_000);

  it('refuses a mel top above half the sample rate, more MFCCs than mel bins, and both on image sets', async (ctx) => {
    needAudioTools(ctx);
    const high = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${tiny}`, '--mel-upper-hz', '9000', '--quiet']);
    expect([high.code, errorLines(high.stderr)]).toEqual([2, ["edgeqat: error: --mel-upper-hz must be a number in 100..8000, got '9000'"]]);
    const image = await runCli(['train', '--model', 'mlp', '--mel-upper-hz', '7600', '--limit', '10', '--quiet']);
    expect([image.code, errorLines(image.stderr)]).toEqual([2, ['edgeqat: error: --mel-upper-hz applies to audio data sets (speech-commands:, wav:), not mnist']]);
    const many = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${tiny}`, '--mfcc-coefficients', '41', '--quiet']);
    expect([many.code, errorLines(many.stderr)]).toEqual([2, ["edgeqat: error: --mfcc-coefficients must be an integer in 1..40, got '41'"]]);
    const imageMfcc = await runCli(['train', '--model', 'mlp', '--mfcc-coefficients', '20', '--limit', '10', '--quiet']);
    expect([imageMfcc.code, errorLines(imageMfcc.stderr)]).toEqual([2, ['edgeqat: error: --mfcc-coefficients applies to audio data sets (speech-commands:, wav:), not mnist']]);
    const imageCmn = await runCli(['train', '--model', 'mlp', '--cepstral-mean-norm', '--limit', '10', '--quiet']);
    expect([imageCmn.code, errorLines(imageCmn.stderr)]).toEqual([2, ['edgeqat: error: --cepstral-mean-norm applies to audio data sets (speech-commands:, wav:), not mnist']]);
  });

  it('refuses augmentation options for image sets', async (ctx) => {
    needAudioTools(ctx);
    const r = await runCli(['train', '--model', 'mlp', '--time-shift-ms', '50', '--quiet']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(['edgeqat: error: --time-shift-ms applies to audio data sets (speech-commands:, wav:), not mnist']);
  });
});

describe('an audio bundle', () => {
  it('runs the shipped clips through the same front end: the host features bit for bit, the host accuracy', async (ctx) => {
    needAudioTools(ctx);
    const r = node([join(bundle, 'run.js'), '--json', '--iterations', '20', '--warmup', '2']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as RunnerReport;
    const s = report.samples!;
    expect(s.count).toBe(24);
    const test = loadDataset(`speech-commands:${tiny}`, { split: 'test' }).test!;
    const host = test.inputs.subarray(0, 24 * 490);
    expect(s.features_sha256).toBe(createHash('sha256').update(new Uint8Array(host.buffer, host.byteOffset, host.byteLength)).digest('hex'));
    const ev = await runEval(FIXTURE, { engine: 'reference', dataset: `speech-commands:${tiny}`, limit: 24, quiet: true });
    expect(s.correct).toBe(ev.correct);
    expect(s.front_end_us).toBeGreaterThan(0);
  });

  it('names the word of each WAV file (text and --json)', (ctx) => {
    needAudioTools(ctx);
    const files = STREAM_WORDS.map((w) => join(tiny, w, readFileSync(join(tiny, 'testing_list.txt'), 'utf8').split('\n').find((l) => l.startsWith(`${w}/`))!.split('/')[1]));
    const text = node([join(bundle, 'run.js'), ...files]);
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines.length).toBe(files.length);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${files[i]}  [a-z_]+  [01]\\.\\d{3}$`)));
    const json = JSON.parse(node([join(bundle, 'run.js'), '--json', ...files]).stdout);
    expect(json.clips.map((c: { file: string }) => c.file)).toEqual(files);
    // The fixture knows these held-out-voice clips (it scores ≥ 0.9 on the test split).
    expect(json.clips.filter((c: { word: string }, i: number) => c.word === STREAM_WORDS[i]).length).toBeGreaterThanOrEqual(4);
  });

  it('spots the words of a sox-made recording in order (--listen on stdin, raw S16_LE 16 kHz)', (ctx) => {
    needAudioTools(ctx);
    const stream = readFileSync(soxWordStream(tmp, STREAM_WORDS, STREAM_VOICE));
    const r = node([join(bundle, 'run.js'), '--listen', '--json'], stream);
    expect(r.status, r.stderr).toBe(0);
    const detections = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { time_s: number; word: string; score: number });
    expect(detections.map((d) => d.word)).toEqual(STREAM_WORDS);
    const times = detections.map((d) => d.time_s);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)!).toBeLessThanOrEqual(stream.length / 2 / 16000);
    const text = node([join(bundle, 'run.js'), '--listen'], stream);
    expect(text.stdout).toMatch(new RegExp(`heard ${STREAM_WORDS.length} word\\(s\\) in \\d+\\.\\d\\d s of audio`));
  });

  it('bad input: one line, exit 2', async (ctx) => {
    needAudioTools(ctx);
    const bad = join(tmp, 'bad.wav');
    writeFileSync(bad, 'RIFF\0\0\0\0WAVEdata\0\0\0\0');
    const r = node([join(bundle, 'run.js'), bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`edgeqat-run: error: ${bad}: data chunk before the fmt chunk\n`);
    const flag = node([join(bundle, 'run.js'), '--listen', '--threshold', '2']);
    expect([flag.status, flag.stderr]).toEqual([2, "edgeqat-run: error: --threshold takes a number in 0..1, got '2'\n"]);
    const both = node([join(bundle, 'run.js'), '--listen', bad]);
    expect(both.status).toBe(2);
    const image = join(tmp, 'image-bundle');
    expect((await runCli(['bundle', 'test/fixtures/edgeqat-dscnn.tflite', '--out', image])).code).toBe(0);
    const notAudio = node([join(image, 'run.js'), bad]);
    expect(notAudio.status).toBe(2);
    expect(notAudio.stderr).toMatch(/^edgeqat-run: error: model.tflite: not an audio model .*\n$/);
  });
});
