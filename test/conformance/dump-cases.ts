// Writes every conformance case (model, input, and the reference engine's and tfjs-tflite's
// outputs) to a folder, for check-builtin-ref.py to run under TFLite's BUILTIN_REF resolver.
// Usage: npx tsx test/conformance/dump-cases.ts <folder>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { createTfjsTfliteEngine } from '../../runtime/engines/tfjs-tflite.js';
import { setTfliteLogSink } from '../../runtime/tflite-web-shim.js';
import { allConformanceCases } from './cases/index.js';
import { caseKey } from './golden.js';

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const dir = process.argv[2];
if (!dir) throw new Error('usage: dump-cases.ts <folder>');
mkdirSync(dir, { recursive: true });
setTfliteLogSink(null);
const manifest = [];
let i = 0;
for (const c of allConformanceCases()) {
  const id = String(i++).padStart(3, '0');
  const ref = createReferenceEngine(c.model, { label: c.name });
  writeFileSync(join(dir, `${id}.tflite`), c.model);
  writeFileSync(join(dir, `${id}.input.bin`), bytes(c.input));
  writeFileSync(join(dir, `${id}.reference.bin`), bytes(ref.run(c.input, c.samples)));
  let tfjs: string | null = null;
  try {
    const engine = await createTfjsTfliteEngine(c.model, { label: c.name });
    writeFileSync(join(dir, `${id}.tfjs-tflite.bin`), bytes(engine.run(c.input, c.samples)));
    engine.dispose();
  } catch (e) {
    tfjs = (e as Error).message;
  }
  manifest.push({ id, key: caseKey(c), op: c.op, name: c.name, samples: c.samples, inputDtype: c.input instanceof Float32Array ? 'float32' : 'int8', outputDtype: ref.output.dtype, tfjsError: tfjs });
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
console.log(`${manifest.length} cases written to ${dir}`);
