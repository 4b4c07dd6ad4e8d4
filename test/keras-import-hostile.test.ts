// Hostile and broken model files get one line each (E_MODEL_FILE or E_UNSUPPORTED, exit code 2),
// never a stack trace or a read outside the archive: zip slip, zip bombs (declared sizes, sizes
// that lie, entry count), truncated HDF5 and zip files, weights that do not match the config,
// class names that do not exist, Lambda and custom layers, a weights-only .h5. The files are made
// here from the committed Keras fixtures (test/fixtures/keras/).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeqatError } from '../runtime/errors.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { importModel } from '../toolkit/models/import/index.js';
import { MAX_ENTRIES } from '../toolkit/models/import/zip-archive.js';
import { errorLines, runCli } from './helpers/run-cli.js';
import { writeZip, type ZipEntrySpec } from './helpers/zip-writer.js';

const FIXTURES = 'test/fixtures/keras';
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-hostile-'));
const work = join(tmp, 'models'); // the folder the hostile archives live in

/** The entries of a committed .keras fixture (stored, as Keras writes them), read with the test's own parser. */
function kerasEntries(model: string): Map<string, Uint8Array> {
  const bytes = readFileSync(`${FIXTURES}/${model}.keras`);
  const entries = new Map<string, Uint8Array>();
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extra = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extra;
    entries.set(name, new Uint8Array(bytes.subarray(start, start + size)));
    at = start + size;
  }
  return entries;
}

function save(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function kerasZip(name: string, change: (entries: ZipEntrySpec[]) => ZipEntrySpec[] = (e) => e, model = 'mlp'): string {
  const entries = [...kerasEntries(model)].map(([n, data]) => ({ name: n, data }));
  return save(name, writeZip(change(entries)));
}

function editConfig(model: string, edit: (config: Record<string, unknown>) => void): ZipEntrySpec[] {
  const entries = [...kerasEntries(model)].map(([n, data]) => ({ name: n, data }));
  const cfg = entries.find((e) => e.name === 'config.json')!;
  const config = JSON.parse(new TextDecoder().decode(cfg.data));
  edit(config);
  cfg.data = new TextEncoder().encode(JSON.stringify(config));
  return entries;
}

/** The one-line error an import throws. */
async function importError(path: string): Promise<EdgeqatError> {
  const e = await importModel(path).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EdgeqatError);
  return e as EdgeqatError;
}

async function oneLine(path: string, code: string, pattern: RegExp): Promise<void> {
  const e = await importError(path);
  expect(e.code).toBe(code);
  expect(e.message.split('\n')).toHaveLength(1);
  expect(e.message).toMatch(pattern);
  expect(e.message.startsWith(path)).toBe(true);
}

describe('hostile and broken Keras files: one line each', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(work, { recursive: true });
  });

  it('zip slip: an entry named outside the folder is refused, nothing is written anywhere', async () => {
    const path = kerasZip('slip.keras', (e) => [{ name: '../escaped.txt', data: new TextEncoder().encode('pwned') }, ...e]);
    await oneLine(path, 'E_MODEL_FILE', /zip entry "\.\.\/escaped\.txt" has a '\.\.' segment \(a path outside the archive's folder\); refused$/);
    const absolute = kerasZip('absolute.keras', (e) => [...e, { name: '/etc/cron.d/x', data: new Uint8Array(1) }]);
    await oneLine(absolute, 'E_MODEL_FILE', /zip entry "\/etc\/cron\.d\/x" is an absolute path; refused$/);
    const backslash = kerasZip('backslash.keras', (e) => [...e, { name: '..\\..\\x', data: new Uint8Array(1) }]);
    await oneLine(backslash, 'E_MODEL_FILE', /has a backslash; refused$/);
    expect(existsSync(join(tmp, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(work, '..', 'escaped.txt'))).toBe(false);
  });

  it('zip bomb: entries declaring more than 2x the archive are refused before anything is inflated', async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024); // deflates to ~64 KB
    const path = kerasZip('bomb.keras', (e) => e.map((x) => (x.name === 'model.weights.h5' ? { ...x, data: zeros, deflate: true } : x)));
    await oneLine(path, 'E_MODEL_FILE', /zip entries .*"model\.weights\.h5" would expand to 67\d{6} bytes, more than 2× the archive's \d+ bytes \(a zip bomb\?\)$/);
  });

  it('zip bomb that lies about its size: inflating stops at the declared size', async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const path = kerasZip('liar.keras', (e) => e.map((x) => (x.name === 'model.weights.h5' ? { ...x, data: zeros, deflate: true, declaredSize: 1000 } : x)));
    await oneLine(path, 'E_MODEL_FILE', /zip entry "model\.weights\.h5" is corrupt \(.*(inflates past its declared 1000 bytes|too many bytes in the stream).*\)$/);
  });

  it(`zip bomb by entry count: more than ${MAX_ENTRIES} entries are refused from the end record`, async () => {
    const path = kerasZip('many.keras', (e) => [...e, ...Array.from({ length: MAX_ENTRIES }, (_, i) => ({ name: `assets/${i}`, data: new Uint8Array(0) }))]);
    await oneLine(path, 'E_MODEL_FILE', new RegExp(`zip archive lists ${MAX_ENTRIES + 3} entries, more than the ${MAX_ENTRIES} accepted`));
  });

  it('truncated files: a cut .keras (no central directory), a cut .h5 (superblock end address), a cut model.weights.h5', async () => {
    const keras = readFileSync(`${FIXTURES}/mlp.keras`);
    await oneLine(save('cut.keras', keras.subarray(0, keras.length >> 1)), 'E_MODEL_FILE', /not a zip archive \(End of central directory record signature not found/);
    const h5 = readFileSync(`${FIXTURES}/residual.h5`);
    await oneLine(save('cut.h5', h5.subarray(0, 30000)), 'E_MODEL_FILE', new RegExp(`truncated HDF5 file: its superblock says ${h5.length} bytes, there are 30000$`));
    await oneLine(save('stub.h5', h5.subarray(0, 40)), 'E_MODEL_FILE', /(truncated HDF5 file|not an HDF5 file)/);
    const inner = kerasZip('cut-weights.keras', (e) => e.map((x) => (x.name === 'model.weights.h5' ? { ...x, data: x.data.subarray(0, 5000) } : x)));
    await oneLine(inner, 'E_MODEL_FILE', /model\.weights\.h5: truncated HDF5 file: its superblock says \d+ bytes, there are 5000$/);
  });

  it("weights that do not match the config's shapes: one line per layer, before any value is read", async () => {
    const path = kerasZip('units.keras', () =>
      editConfig('mlp', (c) => {
        const layers = (c.config as { layers: { config: Record<string, unknown> }[] }).layers;
        layers.find((l) => l.config.name === 'fc2')!.config.units = 48;
      }),
    );
    const e = await importError(path);
    expect(e.code).toBe('E_MODEL_FILE');
    expect(e.message.split('\n')).toEqual([
      `${path}: layer 'fc2' (Dense): weights do not match the config's shapes: layers/dense_1/vars/0 is [64, 32], the config needs kernel [64, 48]`,
      `${path}: layer 'fc2' (Dense): weights do not match the config's shapes: layers/dense_1/vars/1 is [32], the config needs bias [48]`,
      `${path}: layer 'logits' (Dense): weights do not match the config's shapes: layers/dense_2/vars/0 is [32, 10], the config needs kernel [48, 10]`,
    ]);
    // The same in an .h5 (its config is a string attribute; patched in place, same length).
    const h5 = Buffer.from(readFileSync(`${FIXTURES}/residual.h5`));
    h5.write('"units": 12', h5.indexOf('"units": 10'));
    const unitsH5 = save('units.h5', h5);
    expect((await importError(unitsH5)).message.split('\n')).toEqual([
      `${unitsH5}: layer 'logits' (Dense): weights do not match the config's shapes: model_weights/logits/logits/kernel is [32, 10], the config needs kernel [32, 12]`,
      `${unitsH5}: layer 'logits' (Dense): weights do not match the config's shapes: model_weights/logits/logits/bias is [10], the config needs bias [12]`,
    ]);
  });

  it('a class name that does not exist, in a .keras and an .h5', async () => {
    const path = kerasZip('unknown.keras', () =>
      editConfig('mlp', (c) => {
        (c.config as { layers: { class_name: string; config: { name: string } }[] }).layers.find((l) => l.config.name === 'fc1')!.class_name = 'Dense2';
      }),
    );
    await oneLine(path, 'E_UNSUPPORTED', /layer 'fc1' \(Dense2\): not a layer class edgeqat imports \(known: InputLayer, Dense, Conv2D, .*\); replace it with those layers$/);
    const h5 = Buffer.from(readFileSync(`${FIXTURES}/residual.h5`));
    h5.write('"class_name": "Danse"', h5.indexOf('"class_name": "Dense"'));
    await oneLine(save('unknown.h5', h5), 'E_UNSUPPORTED', /layer 'logits' \(Danse\): not a layer class edgeqat imports/);
  });

  it('a .tflite that is not float32 or has an op without a layer: one line', async () => {
    await oneLine('test/fixtures/edgeqat-mlp.tflite', 'E_UNSUPPORTED', /tensor '.*' is INT8: a quantized model; edgeqat fine-tunes float32 models/);
    await oneLine('test/fixtures/verifier/tf-cnn-fp16.tflite', 'E_UNSUPPORTED', /is FLOAT16: float16 weights \(a converter optimization\)/);
    await oneLine('test/fixtures/verifier/tf-lstm-float.tflite', 'E_UNSUPPORTED', /operator 1 \(WHILE\) is not an operator edgeqat's engines run/);
    const { model } = await importModel('test/fixtures/verifier/tf-cnn-float.tflite');
    expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'MaxPooling2D', 'AveragePooling2D', 'Concatenate', 'Add', 'Flatten', 'Dense', 'Softmax']);
  });

  it('not a .keras: a zip without config.json, a file that is no zip, an .h5 holding weights only', async () => {
    await oneLine(kerasZip('noconfig.keras', (e) => e.filter((x) => x.name !== 'config.json')), 'E_MODEL_FILE', /a zip without config\.json, not a Keras \.keras file$/);
    await oneLine(save('text.keras', new TextEncoder().encode('hello')), 'E_MODEL_FILE', /not a zip archive/);
    const weightsOnly = kerasEntries('mlp').get('model.weights.h5')!;
    await oneLine(save('weights-only.h5', weightsOnly), 'E_MODEL_FILE', /weights only \(model\.save_weights\) and no model config: save the whole model/);
  });
});

describe('layers edgeqat cannot import, through the CLI', () => {
  it('Lambda, a custom layer and a made-up class: exit 2, one line per problem naming the layer, its class and what to do; nothing trained', async () => {
    const path = kerasZip('custom.keras', () =>
      editConfig('mlp', (c) => {
        const layers = (c.config as { layers: Record<string, unknown>[] }).layers;
        const history = (name: string) => ({ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 64], dtype: 'float32', keras_history: [name, 0, 0] } }], kwargs: {} });
        const at = layers.findIndex((l) => (l.config as { name: string }).name === 'drop');
        layers[at] = { module: 'keras.layers', class_name: 'Lambda', config: { name: 'drop', function: { class_name: '__lambda__', config: { code: '4wEAAAAAAAAA' } } }, registered_name: null, inbound_nodes: [history('fc1')] };
        const fc2 = layers.find((l) => (l.config as { name: string }).name === 'fc2')!;
        Object.assign(fc2, { module: 'my_layers', class_name: 'ScaledDense', registered_name: 'MyPackage>ScaledDense' });
        const logits = layers.find((l) => (l.config as { name: string }).name === 'logits')!;
        logits.class_name = 'Dense2';
      }),
    );
    const out = join(tmp, 'custom-run');
    const r = await runCli(['train', '--model', path, '--input-scale', '1/255', '--out', out]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `edgeqat: error: ${path}: layer 'drop' (Lambda): a Lambda layer holds Python code, which edgeqat cannot read: rebuild the model with built-in layers (e.g. ReLU, Add, Reshape) instead of the Lambda`,
      expect.stringMatching(new RegExp(`^edgeqat: error: ${path}: layer 'fc2' \\(ScaledDense\\): a custom layer class \\(MyPackage>ScaledDense\\) is Python code edgeqat cannot read: rebuild it with built-in Keras layers \\(InputLayer, Dense, .*\\)$`)),
      expect.stringMatching(new RegExp(`^edgeqat: error: ${path}: layer 'logits' \\(Dense2\\): not a layer class edgeqat imports`)),
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('an imported model without stated preprocessing, and a truncated .h5 through inspect: one line, exit 2', async () => {
    const r = await runCli(['train', '--model', `${FIXTURES}/mlp.keras`, '--out', join(tmp, 'no-pre')]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`edgeqat: error: ${FIXTURES}/mlp.keras: state the input preprocessing the model was trained with, once: --input-scale/--input-offset (e.g. --input-scale 1/255 for pixels/255) or --input-mean/--input-std`]);
    const h5 = readFileSync(`${FIXTURES}/dsconv.h5`);
    const cut = save('inspect-cut.h5', h5.subarray(0, 9000));
    const i = await runCli(['inspect', cut]);
    expect(i.code).toBe(2);
    expect(errorLines(i.stderr)).toEqual([`edgeqat: error: ${cut}: truncated HDF5 file: its superblock says ${h5.length} bytes, there are 9000`]);
  });
});
