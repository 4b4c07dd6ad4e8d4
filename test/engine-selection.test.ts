// createEngine (by name and `auto`), and engine errors through the real CLI: an unknown engine, an op
// the chosen engine lacks, a model the chosen engine cannot run — each one line and a non-zero exit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTO_ORDER, AUTO_ORDER_CONV, autoOrder, createEngine, ENGINE_NAMES } from '../runtime/engines/index.js';
import { BuiltinOperator } from '../schemas/tflite.js';
import { int8Activation, singleOpModel } from './conformance/build.js';
import { CONFORMANCE_CASES } from './conformance/cases/index.js';
import { errorLines, runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-engines-'));
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}.tflite`, import.meta.url)));
const fixturePath = (name: string) => new URL(`./fixtures/${name}.tflite`, import.meta.url).pathname;

/** int8 [1,784] → RELU → int8: tfjs-tflite runs it, the reference engine has no RELU kernel. */
function reluModel(): string {
  const q = { scale: 0.02, zeroPoint: -10 };
  const bytes = singleOpModel(
    (g) => int8Activation(g, 'input', [1, 784], q),
    (g, x) => ({ code: BuiltinOperator.RELU, version: 2, inputs: [x], output: int8Activation(g, 'output', [1, 784], q) }),
  );
  const path = join(tmp, 'relu.tflite');
  writeFileSync(path, bytes);
  return path;
}

async function expectOneLineError(args: string[], pattern: RegExp, exitCode = 2) {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(exitCode);
  const lines = errorLines(r.stderr).filter((l) => !l.startsWith('compare ') && !l.startsWith('[tflite]'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('createEngine', () => {
  it('by name', async () => {
    for (const name of ENGINE_NAMES) {
      const engine = await createEngine(name, fixture('mlp-int8-float-io'), 'mlp');
      expect(engine.name).toBe(name);
      engine.dispose();
    }
  });

  it('auto takes the first engine of the measured order that can run the model', async () => {
    expect(AUTO_ORDER).toEqual(['tfjs-tflite', 'litert', 'reference']);
    for (const model of ['mlp-int8-float-io', 'mlp-int8-int8-io', 'edgeqat-mlp']) {
      const engine = await createEngine('auto', fixture(model), model);
      expect(engine.name).toBe(AUTO_ORDER[0]);
      engine.dispose();
    }
  });

  it('auto puts LiteRT.js first for models with convolutions (faster there), tfjs-tflite when LiteRT.js cannot run them', async () => {
    expect(AUTO_ORDER_CONV).toEqual(['litert', 'tfjs-tflite', 'reference']);
    expect(autoOrder(['QUANTIZE', 'FULLY_CONNECTED'])).toBe(AUTO_ORDER);
    expect(autoOrder(['QUANTIZE', 'DEPTHWISE_CONV_2D'])).toBe(AUTO_ORDER_CONV);
    const dscnn = await createEngine('auto', fixture('edgeqat-dscnn'), 'dscnn');
    expect(dscnn.name).toBe('litert');
    dscnn.dispose();
    const conv = CONFORMANCE_CASES.CONV_2D()[0].model; // int8 I/O: LiteRT.js refuses it
    const engine = await createEngine('auto', conv, 'conv');
    expect(engine.name).toBe('tfjs-tflite');
    engine.dispose();
  });

  it('unknown engine: E_OPTION naming the choices', async () => {
    await expect(createEngine('tensorrt', fixture('mlp-int8-float-io'), 'mlp')).rejects.toMatchObject({
      code: 'E_OPTION',
      message: "unknown engine 'tensorrt' (choose from auto, reference, reference-xnnpack, tfjs-tflite, litert)",
    });
  });

  it('auto on bytes that are not a model: one E_MODEL_FILE error, not one per engine', async () => {
    await expect(createEngine('auto', new TextEncoder().encode('not a model at all'), 'x.tflite')).rejects.toMatchObject({ code: 'E_MODEL_FILE', message: expect.stringMatching(/^x\.tflite: /) });
  });
});

describe('engine errors through the CLI', () => {
  it('eval --engine with an unknown name', async () => {
    await expectOneLineError(['eval', fixturePath('edgeqat-mlp'), '--engine', 'tensorrt'], /--engine must be one of auto, reference, reference-xnnpack, tfjs-tflite, litert, got 'tensorrt'/);
    await expectOneLineError(['bench', fixturePath('edgeqat-mlp'), '--engine', 'gpu'], /--engine must be one of auto, reference, reference-xnnpack, tfjs-tflite, litert, all, got 'gpu'/);
  });

  it('eval --engine reference on a model with an op it lacks', async () => {
    await expectOneLineError(['eval', reluModel(), '--engine', 'reference', '--limit', '10'], /relu\.tflite: unsupported op RELU \(reference engine supports: ADD, .*, TANH, TRANSPOSE_CONV\)$/);
  });

  it('eval --engine litert on an int8-I/O model', async () => {
    await expectOneLineError(['eval', fixturePath('mlp-int8-int8-io'), '--engine', 'litert', '--limit', '10'], /mlp-int8-int8-io\.tflite: litert cannot run this model: input tensor .* is INT8/);
  });

  it('eval --engine <each> --json names the engine actually used', async () => {
    for (const engine of ['reference', 'litert', 'auto']) {
      const r = await runCli(['eval', fixturePath('edgeqat-mlp'), '--engine', engine, '--limit', '300', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.engine).toBe(engine === 'auto' ? AUTO_ORDER[0] : engine);
      expect(result.samples).toBe(300);
      expect(result.accuracy).toBeGreaterThan(0.9);
    }
  });
});
