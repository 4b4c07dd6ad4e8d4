// One keyword-spotting benchmark in its own process: loads a generated Speech Commands set
// (scripts/make-speech-commands.mjs), times the MFCC front end per clip (CPU time), then one QAT
// epoch of kws-dscnn with the audio augmentation (after a few warm-up steps); prints one JSON line.
//   tsx bench/kws-epoch.ts <speech-commands folder> <batch>
import { MLPERF_KWS_FRONT_END } from '../runtime/audio/front-end.js';
import { createFeatureExtractor } from '../runtime/audio/mfcc.js';
import { loadDataset, sampleSize } from '../runtime/datasets/datasets.js';
import { audioFillBatch, REFERENCE_AUDIO_AUGMENTATION } from '../toolkit/augment/audio-augmentation.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { trainModel } from '../toolkit/engine/train.js';
import { builtinModel } from '../toolkit/models/index.js';
import { prepareQat } from '../toolkit/qat/prepare.js';

const [dir, batchArg] = process.argv.slice(2);
const batchSize = Number(batchArg);
const backend = await initBackend('auto');
const cpuMs = (t: NodeJS.CpuUsage) => (t.user + t.system) / 1000;

const loadStart = process.cpuUsage();
const data = loadDataset(`speech-commands:${dir}`, { split: 'train' });
const loadCpuMs = cpuMs(process.cpuUsage(loadStart));
const train = data.train!;

// The front end alone, CPU time per clip: 2,000 clips (the training clips in turn) after 200 to warm up.
const extractor = createFeatureExtractor(MLPERF_KWS_FRONT_END);
const out = new Float32Array(extractor.featureSize);
const clip = (i: number) => train.clips!.subarray((i % train.count) * 16000, ((i % train.count) + 1) * 16000);
for (let i = 0; i < 200; i++) extractor.features(clip(i), out);
const feStart = process.cpuUsage();
const FRONT_END_CLIPS = 2000;
for (let i = 0; i < FRONT_END_CLIPS; i++) extractor.features(clip(i), out);
const frontEndUs = (cpuMs(process.cpuUsage(feStart)) * 1000) / FRONT_END_CLIPS;

const model = prepareQat(builtinModel('kws-dscnn').build(0, data.sampleShape, data.numClasses));
const fillBatch = audioFillBatch(train, data.audio!, REFERENCE_AUDIO_AUGMENTATION, 0);
const trainData = { inputs: train.inputs, labels: train.labels, count: train.count, featureSize: sampleSize(data.sampleShape), fillBatch };
const opts = { epochs: 1, batchSize, lr: 1e-3, seed: 0, numClasses: data.numClasses };
await trainModel(model, { ...trainData, count: batchSize * 5 }, opts);
const epochStart = process.cpuUsage();
const r = await trainModel(model, trainData, opts);
console.log(
  JSON.stringify({
    model: 'kws-dscnn',
    backend,
    batch: batchSize,
    clips: train.count,
    load_cpu_s: loadCpuMs / 1000,
    front_end_us: frontEndUs,
    epoch_s: r.seconds,
    epoch_cpu_s: cpuMs(process.cpuUsage(epochStart)) / 1000,
    clips_per_s: train.count / r.seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
