// `npm run bench`: the project's benchmark set. Each training measurement runs in its own process
// (bench/train-one.ts). Writes bench/results.json and bench/results.md (atomically) and prints the
// table. Timings are wall-clock on whatever machine runs it: say which when quoting them.
//   npm run bench [-- --quick] [-- --models mlp,cnn] [-- --backends wasm,cpu]
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { BUILTIN_MODELS } from '../toolkit/models/index.js';
import { benchEngines, type EngineBench } from './engines.js';
import { benchImageDecode } from './image-decode.js';
import { benchTimeLimits, timeLimitsTable } from './time-limits.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
// resnet8 (32×32×3) has its own line below: one QAT batch size on wasm (MLPerf Tiny trains it at 32).
const models = (flag('--models') ?? Object.keys(BUILTIN_MODELS).filter((m) => m !== 'resnet8').join(',')).split(',');
const backends = (flag('--backends') ?? 'wasm,cpu').split(',');
const batches = [10, 32, 128];

/** Images per measurement: a full epoch where it is affordable, a slice otherwise. */
function imagesFor(model: string, backend: string): number {
  if (quick) return 2000;
  if (model === 'mlp' && backend !== 'cpu') return 60000;
  // The cpu backend trains a conv net at ~5 images/s here: a few steps show its rate.
  if (backend === 'cpu') return model === 'mlp' ? 3000 : 320;
  return 12000;
}

interface TrainBench {
  model: string;
  backend: string;
  batch: number;
  mode: string;
  images: number;
  seconds: number;
  images_per_s: number;
  epoch_s: number;
  export_ms: number | null;
  peak_rss_mb: number;
}

const training: TrainBench[] = [];
for (const model of models) {
  for (const backend of backends) {
    for (const batch of batches) {
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

// ResNet-8 QAT epoch (CIFAR-10's 50,000 images at 32×32×3, extrapolated from a slice).
if (!flag('--models') || models.includes('resnet8')) {
  const images = quick ? 320 : 1600;
  process.stderr.write(`bench: resnet8 qat on wasm, batch 32, ${images} images at 32x32x3 ... `);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/train-one.ts', 'resnet8', 'wasm', '32', 'qat', String(images)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as TrainBench;
  process.stderr.write(`${r.epoch_s.toFixed(0)} s per 50,000-image epoch\n`);
  training.push(r);
}

process.stderr.write('bench: image decoding ...\n');
const decoding = benchImageDecode(quick);

const engines: EngineBench[] = await benchEngines(models.filter((m) => m in BUILTIN_MODELS), quick);
// The wall-clock limits the tests do not assert (bench/time-limits.ts).
process.stderr.write('bench: time limits (verifier, fuzz, bundle runner, deploy failures) ...\n');
const timeLimits = await benchTimeLimits(quick);

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

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
const results = { date: new Date().toISOString(), machine, quick, training, decoding, engines, pytorch: torch, time_limits: timeLimits };
writeJsonAtomic(`${repo}/bench/results.json`, results);

const fmt = (x: number, d = 1) => x.toFixed(d);
const qatVsFloat = (r: TrainBench) => {
  const f = training.find((t) => t.model === r.model && t.backend === r.backend && t.batch === r.batch && t.mode === 'float');
  return f ? fmt(r.seconds / r.images / (f.seconds / f.images), 2) : '-';
};
const md = [
  `# edgeqat benchmarks`,
  ``,
  `${results.date} on ${machine}${quick ? ' (quick run)' : ''}.`,
  ``,
  `## Training (one epoch = 60,000 MNIST images, or for resnet8 50,000 CIFAR-size 32×32×3 images; measured on \`images\`, epoch time extrapolated)`,
  ``,
  `| model | backend | batch | mode | images | images/s | epoch s | QAT/float | peak RSS MB |`,
  `|---|---|---|---|---|---|---|---|---|`,
  ...training.map(
    (r) =>
      `| ${r.model} | ${r.backend} | ${r.batch} | ${r.mode} | ${r.images} | ${fmt(r.images_per_s, 0)} | ${fmt(r.epoch_s)} | ${r.mode === 'qat' ? qatVsFloat(r) : ''} | ${fmt(r.peak_rss_mb, 0)} |`,
  ),
  ``,
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
