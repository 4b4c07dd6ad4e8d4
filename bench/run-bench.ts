// `npm run bench`: the project's benchmark set. Each training measurement runs in its own process
// (bench/train-one.ts). Writes bench/results.json and bench/results.md (atomically) and prints the
// table. Timings are wall-clock on whatever machine runs it: say which when quoting them.
//   npm run bench [-- --quick] [-- --models mlp,cnn] [-- --backends wasm,cpu] [-- --no-kws]
// Keyword spotting: one QAT epoch of kws-dscnn on the generated speech set (made by
// scripts/make-speech-commands.mjs into .cache/ when missing; the tiny set with --quick).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { BUILTIN_MODELS } from '../toolkit/models/index.js';
import { benchEngines, type EngineBench } from './engines.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
// The MNIST training table takes the image models; kws-dscnn has its own section below.
const models = (flag('--models') ?? Object.keys(BUILTIN_MODELS).filter((m) => m !== 'kws-dscnn').join(',')).split(',');
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
  process.stderr.write(`bench: speech set (${size}) ... `);
  execFileSync(process.execPath, ['scripts/make-speech-commands.mjs', '--size', size, '--out', dir], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const batch of [32, 100]) {
    process.stderr.write(`bench: kws-dscnn QAT epoch, batch ${batch} ... `);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/kws-epoch.ts', dir, String(batch)], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const r = { ...(JSON.parse(out.trim().split('\n').at(-1)!) as KwsBench), size };
    process.stderr.write(`${r.epoch_s.toFixed(1)} s\n`);
    kws.push(r);
  }
}

const engines: EngineBench[] = await benchEngines(models.filter((m) => m in BUILTIN_MODELS), quick);

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
const results = { date: new Date().toISOString(), machine, quick, training, kws, engines, pytorch: torch };
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
  `## Training (one MNIST epoch = 60,000 images; measured on \`images\`, epoch time extrapolated)`,
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
].join('\n');
writeFileAtomic(`${repo}/bench/results.md`, md);
console.log(md);
