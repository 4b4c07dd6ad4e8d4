// Writes one fuzz seed per trainer op: the first parity case of test/op-cases/<op>.ts, prepared,
// trained for 5 QAT steps on 160 MNIST images (so its scales are real ones) and exported, as
// test/fixtures/op-seeds/<op>.tflite. Existing seeds are kept (a seed's bytes do not change under
// the fuzz cases that found something in it); --all rewrites them.
//
//   npm run gen:seeds            (after adding an op's parity case)
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../runtime/atomic-write.js';
import { loadDataset } from '../../runtime/datasets/datasets.js';
import { convertToTflite } from '../../toolkit/converter/convert.js';
import { initBackend } from '../../toolkit/engine/backend.js';
import { trainModel } from '../../toolkit/engine/train.js';
import { prepareQat } from '../../toolkit/qat/prepare.js';
import { OP_CASES } from '../../test/op-cases/index.js';

const OUT = fileURLToPath(new URL('../../test/fixtures/op-seeds/', import.meta.url));

await initBackend('wasm');
const train = loadDataset('mnist').train!;
mkdirSync(OUT, { recursive: true });
for (const { builtin, cases } of OP_CASES) {
  const file = join(OUT, `${builtin.toLowerCase().replace(/_/g, '-')}.tflite`);
  if (existsSync(file) && !process.argv.includes('--all')) continue;
  const c = cases[0]!;
  const qat = prepareQat(c.build(), c.prepare);
  await trainModel(qat, { inputs: train.inputs, labels: train.labels, count: 160, featureSize: 784 }, { epochs: 1, batchSize: 32, lr: 2e-3, seed: 0, numClasses: 10 });
  const bytes = convertToTflite(qat);
  writeFileAtomic(file, bytes);
  console.log(`${file}: ${c.name} (${bytes.length} bytes)`);
}
