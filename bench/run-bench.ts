// `npm run bench`: the project's benchmark set. Each training measurement runs in its own process
// (bench/train-one.ts). Writes bench/results.json and bench/results.md (atomically) and prints the
// table. Timings are wall-clock on whatever machine runs it (say which when quoting them), with the
// CPU seconds beside them and the load average before and after, since a shared machine's wall
// times mean little alone. With EDGEQAT_TORCH_PYTHON set to a Python with torch, PyTorch eager QAT
// of the same architectures runs side by side (bench/pytorch-qat-*.py: yardsticks, never
// dependencies). For each conv model, the per-kernel profile of one QAT step (bench/profile-step.ts).
// Keyword spotting: one QAT epoch of kws-dscnn on the generated speech set with its augmentation
// (bench/kws-epoch.ts; the set is made by scripts/make-speech-commands.mjs into .cache/ when
// missing, the tiny one with --quick), and the MFCC front end's CPU time per clip.
//   npm run bench [-- --quick] [-- --models mlp,cnn] [-- --backends wasm,cpu,tensorflow] [-- --no-kws]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { BUILTIN_MODELS } from '../toolkit/models/index.js';
import { benchEngines, type EngineBench } from './engines.js';
import { benchInput, profileMarkdown, type StepProfile } from './profile-step.js';
import { benchImageDecode } from './image-decode.js';
import { benchTimeLimits, timeLimitsTable } from './time-limits.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const models = (flag('--models') ?? Object.keys(BUILTIN_MODELS).join(',')).split(',');
// The tensorflow backend (@tensorflow/tfjs-node) when it loads here (scripts/build-tfjs-node.sh);
// checked in a child process so that this one keeps its own backends.
const tfjsNodeLoads = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: repo, stdio: 'ignore', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } }).status === 0;
const backends = (flag('--backends') ?? `wasm,cpu${tfjsNodeLoads ? ',tensorflow' : ''}`).split(',');
const batches = [10, 32, 128];
const convModels = models.filter((m) => m !== 'mlp');
const loadBefore = loadavg();

/** Images per measurement: a full epoch where it is affordable, a slice otherwise. */
function imagesFor(model: string, backend: string): number {
  // The cpu backend trains a conv net at 1-5 images/s here: four steps after the warm-up show its
  // rate (also in --quick), at one batch size (batchesFor).
  if (backend === 'cpu' && model !== 'mlp') return 128;
  if (quick) return 2000;
  if (model === 'mlp' && backend !== 'cpu') return 60000;
  if (backend === 'cpu') return 3000;
  return 12000;
}

interface TrainBench {
  model: string;
  backend: string;
  batch: number;
  mode: string;
  images: number;
  seconds: number;
  cpu_seconds: number;
  images_per_s: number;
  epoch_s: number;
  epoch_cpu_s: number;
  threads: number;
  export_ms: number | null;
  peak_rss_mb: number;
}

/** Batch sizes measured: all of them, but one for conv nets on the cpu backend (minutes per config). */
function batchesFor(model: string, backend: string): number[] {
  return backend === 'cpu' && model !== 'mlp' ? [32] : batches;
}

const training: TrainBench[] = [];
for (const model of models) {
  for (const backend of backends) {
    for (const batch of batchesFor(model, backend)) {
      for (const mode of ['qat', 'float']) {
        const images = imagesFor(model, backend);
        process.stderr.write(`bench: ${model} ${mode} on ${backend}, batch ${batch}, ${images} images ... `);
        const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/train-one.ts', model, backend, String(batch), mode, String(images)], {
          cwd: repo,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const r = JSON.parse(out.trim().split('\n').at(-1)!) as TrainBench;
        process.stderr.write(`${r.images_per_s.toFixed(0)} images/s\n`);
        training.push(r);
      }
    }
  }
}

// Conv nets' QAT at batch 32 again on the threaded wasm build with every core (opt-in
// EDGEQAT_WASM_THREADS; docs/training-speed.md "Threads"), beside the one-thread rows.
const wasmThreads = cpus().length;
if (backends.includes('wasm') && wasmThreads > 1) {
  for (const model of convModels) {
    const images = imagesFor(model, 'wasm');
    process.stderr.write(`bench: ${model} qat on wasm with ${wasmThreads} threads, batch 32, ${images} images ... `);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/train-one.ts', model, 'wasm', '32', 'qat', String(images)], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, EDGEQAT_WASM_THREADS: String(wasmThreads) },
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as TrainBench;
    process.stderr.write(`${r.images_per_s.toFixed(0)} images/s\n`);
    training.push(r);
  }
}

// The engine benchmark trains and evaluates on MNIST: the models with MNIST-sized input.
const mnistModels = models.filter((m) => m in BUILTIN_MODELS && benchInput(m).rows * benchInput(m).cols * benchInput(m).channels === 784);
const engines: EngineBench[] = await benchEngines(mnistModels, quick);

const profiles: StepProfile[] = [];
for (const model of convModels.filter((m) => m in BUILTIN_MODELS)) {
  process.stderr.write(`bench: profile of one ${model} QAT step ...\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/profile-step.ts', '--models', model, '--json', '--steps', quick ? '5' : '20'], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  profiles.push(JSON.parse(out.trim().split('\n').at(-1)!) as StepProfile);
}

process.stderr.write('bench: image decoding ...\n');
const decoding = benchImageDecode(quick);
// The wall-clock limits the tests do not assert (bench/time-limits.ts).
process.stderr.write('bench: time limits (verifier, fuzz, bundle runner, deploy failures) ...\n');
const timeLimits = await benchTimeLimits(quick);

interface KwsBench {
  model: string;
  backend: string;
  batch: number;
  clips: number;
  load_cpu_s: number;
  front_end_us: number;
  epoch_s: number;
  epoch_cpu_s: number;
  clips_per_s: number;
  peak_rss_mb: number;
  size: string;
}
const kws: KwsBench[] = [];
if (!args.includes('--no-kws')) {
  const size = quick ? 'tiny' : 'full';
  const dir = join(repo, '.cache', `speech-commands-${size}`);
  process.stderr.write(`bench: generated speech set (${size}) ...\n`);
  execFileSync(process.execPath, ['scripts/make-speech-commands.mjs', '--size', size, '--out', dir], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const batch of [32, 100]) {
    process.stderr.write(`bench: kws-dscnn QAT epoch on the generated speech set, batch ${batch} ... `);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/kws-epoch.ts', dir, String(batch)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const r = { ...(JSON.parse(out.trim().split('\n').at(-1)!) as KwsBench), size };
    process.stderr.write(`${r.epoch_s.toFixed(1)} s\n`);
    kws.push(r);
  }
}

// PyTorch eager QAT of the same MLP, side by side in the same run (a yardstick, never a
// dependency): set EDGEQAT_TORCH_PYTHON to a Python with torch installed.
interface TorchBench {
  batch: number;
  epoch_s: number;
  int8_accuracy: number;
  torch: string;
}
let torch: TorchBench[] = [];
const torchPython = process.env.EDGEQAT_TORCH_PYTHON;
if (torchPython && models.includes('mlp') && !quick) {
  process.stderr.write('bench: PyTorch eager QAT yardstick ...\n');
  const out = execFileSync(torchPython, ['bench/pytorch-qat-mlp.py', '--batches', batches.join(',')], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  torch = out.trim().split('\n').map((l) => JSON.parse(l) as TorchBench);
}

// The same for the conv nets: PyTorch with all cores (its default) at every batch, and with one
// thread at batch 32 (edgeqat's training runs on one thread); on as many images as edgeqat trains.
interface TorchConvBench {
  model: string;
  batch: number;
  threads: number;
  images: number;
  seconds: number;
  cpu_seconds: number;
  epoch_s: number;
  torch: string;
}
const torchConv: TorchConvBench[] = [];
if (torchPython) {
  const torchModels = convModels.filter((m) => ['cnn', 'dscnn', 'resnet8', 'kws-dscnn'].includes(m));
  for (const model of torchModels) {
    for (const [threads, batchList] of [[cpus().length, batches], [1, [32]]] as const) {
      process.stderr.write(`bench: PyTorch eager QAT of ${model}, ${threads} thread(s) ...\n`);
      const args = ['bench/pytorch-qat-conv.py', '--model', model, '--batches', batchList.join(','), '--threads', String(threads), '--images', String(imagesFor(model, 'wasm'))];
      const out = execFileSync(torchPython, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      torchConv.push(...out.trim().split('\n').map((l) => JSON.parse(l) as TorchConvBench));
    }
  }
}
const loadAfter = loadavg();

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
const load = { before: loadBefore.map((l) => Number(l.toFixed(2))), after: loadAfter.map((l) => Number(l.toFixed(2))) };
const results = { date: new Date().toISOString(), machine, load, quick, training, decoding, kws, engines, pytorch: torch, pytorch_conv: torchConv, profiles, time_limits: timeLimits };
writeJsonAtomic(`${repo}/bench/results.json`, results);

const fmt = (x: number, d = 1) => x.toFixed(d);
const qatVsFloat = (r: TrainBench) => {
  const f = training.find((t) => t.model === r.model && t.backend === r.backend && t.batch === r.batch && t.mode === 'float' && t.threads === r.threads);
  return f ? fmt(r.seconds / r.images / (f.seconds / f.images), 2) : '-';
};
const md = [
  `# edgeqat benchmarks`,
  ``,
  `${results.date} on ${machine}${quick ? ' (quick run)' : ''}. Load average (1/5/15 min) ${load.before.join(' / ')} at the start, ${load.after.join(' / ')} at the end.`,
  ``,
  `## Training (one epoch = 60,000 MNIST images, 50,000 CIFAR-size 32×32×3 images for resnet8; measured on \`images\`, epoch time extrapolated; edgeqat trains on one thread, the threaded wasm build's rows say how many)`,
  ``,
  `| model | backend | threads | batch | mode | images | images/s | epoch s | epoch CPU s | QAT/float | peak RSS MB |`,
  `|---|---|---|---|---|---|---|---|---|---|---|`,
  ...training.map(
    (r) =>
      `| ${r.model} | ${r.backend} | ${r.threads} | ${r.batch} | ${r.mode} | ${r.images} | ${fmt(r.images_per_s, 0)} | ${fmt(r.epoch_s)} | ${fmt(r.epoch_cpu_s)} | ${r.mode === 'qat' ? qatVsFloat(r) : ''} | ${fmt(r.peak_rss_mb, 0)} |`,
  ),
  ``,
  ...(torchConv.length
    ? [
        `## Conv nets: QAT epoch vs PyTorch ${torchConv[0].torch} eager QAT of the same architecture (same machine, same run)`,
        ``,
        `edgeqat: WebAssembly backend, its thread count as given (more than 1: the threaded build, EDGEQAT_WASM_THREADS). PyTorch: per-channel x86 qconfig, Adam, its thread count as given. Ratios < 1: edgeqat is faster.`,
        ``,
        `| model | batch | edgeqat threads | edgeqat s | edgeqat CPU s | PyTorch threads | PyTorch s | PyTorch CPU s | wall ratio | CPU ratio |`,
        `|---|---|---|---|---|---|---|---|---|---|`,
        ...torchConv.flatMap((t) => {
          const torchCpu = (t.cpu_seconds * 60000) / t.images;
          const ours = training.filter((r) => r.model === t.model && r.backend === 'wasm' && r.mode === 'qat' && r.batch === t.batch);
          return (ours.length ? ours : [null]).map(
            (e) =>
              `| ${t.model} | ${t.batch} | ${e ? e.threads : '-'} | ${e ? fmt(e.epoch_s) : '-'} | ${e ? fmt(e.epoch_cpu_s) : '-'} | ${t.threads} | ${fmt(t.epoch_s)} | ${fmt(torchCpu)} | ${e ? fmt(e.epoch_s / t.epoch_s, 2) : '-'} | ${e ? fmt(e.epoch_cpu_s / torchCpu, 2) : '-'} |`,
          );
        }),
        ``,
      ]
    : []),
  ...(profiles.length ? [`## One QAT training step, per kernel (CPU time, \`bench/profile-step.ts\`)`, ``, ...profiles.flatMap(profileMarkdown)] : []),
  ...(torch.length
    ? [
        `## MLP QAT epoch vs PyTorch ${torch[0].torch} eager QAT (same machine, same run)`,
        ``,
        `| batch | edgeqat wasm s | PyTorch s | ratio | PyTorch int8 accuracy |`,
        `|---|---|---|---|---|`,
        ...torch.map((t) => {
          const e = training.find((r) => r.model === 'mlp' && r.backend === 'wasm' && r.mode === 'qat' && r.batch === t.batch);
          return `| ${t.batch} | ${e ? fmt(e.epoch_s) : '-'} | ${fmt(t.epoch_s)} | ${e ? fmt(e.epoch_s / t.epoch_s, 2) : '-'} | ${t.int8_accuracy.toFixed(4)} |`;
        }),
        ``,
      ]
    : []),
  `## Image decoding (file bytes → model input bytes: header, decode, orientation, resize, channels; one core)`,
  ``,
  `| case | format | file | to | bytes | images/s | images per CPU-s |`,
  `|---|---|---|---|---|---|---|`,
  ...decoding.map((d) => `| ${d.case} | ${d.format} | ${d.from} | ${d.to} | ${d.bytes} | ${fmt(d.images_per_s, 0)} | ${fmt(d.images_per_cpu_s, 0)} |`),
  ``,
  ...(kws.length
    ? [
        `## Keyword spotting: one QAT epoch of kws-dscnn on the generated speech set (${kws[0].size}: ${kws[0].clips} training samples, augmentation on)`,
        ``,
        `| batch | backend | epoch s | epoch CPU s | samples/s | MFCC front end µs/clip (CPU) | load CPU s | peak RSS MB |`,
        `|---|---|---|---|---|---|---|---|`,
        ...kws.map((k) => `| ${k.batch} | ${k.backend} | ${fmt(k.epoch_s)} | ${fmt(k.epoch_cpu_s)} | ${fmt(k.clips_per_s, 0)} | ${fmt(k.front_end_us)} | ${fmt(k.load_cpu_s)} | ${fmt(k.peak_rss_mb, 0)} |`),
        ``,
      ]
    : []),
  `## Export`,
  ``,
  `| model | export ms |`,
  `|---|---|`,
  ...[...new Set(training.filter((r) => r.export_ms !== null).map((r) => r.model))].map((m) => {
    const ms = training.filter((r) => r.model === m && r.export_ms !== null).map((r) => r.export_ms!);
    return `| ${m} | ${fmt(Math.min(...ms))} |`;
  }),
  ``,
  `## Inference (int8 .tflite, batch 1)`,
  ``,
  `| model | engine | load ms | p50 µs | p99 µs | eval images/s | accuracy |`,
  `|---|---|---|---|---|---|---|`,
  ...engines.map((e) =>
    e.error
      ? `| ${e.model} | ${e.engine} | - | - | - | - | ${e.error} |`
      : `| ${e.model} | ${e.engine} | ${fmt(e.load_ms!)} | ${fmt(e.p50_us!)} | ${fmt(e.p99_us!)} | ${fmt(e.eval_images_per_s!, 0)} | ${e.accuracy!.toFixed(4)} |`,
  ),
  ``,
  `## Time limits (wall clock; asserted here, not in the tests)`,
  ``,
  ...timeLimitsTable(timeLimits),
  ``,
].join('\n');
writeFileAtomic(`${repo}/bench/results.md`, md);
console.log(md);
if (timeLimits.some((r) => r.ok === false)) process.exitCode = 1;
