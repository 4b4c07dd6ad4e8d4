// The browser-globals shim for tfjs-tflite: what it installs, that it removes it all again, and
// that tfjs-core (cpu and wasm backends, both Emscripten-free / Emscripten-based) still works after
// tfjs-tflite has loaded its runtime through it.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { installTfliteWebShim, loadTfliteModule, tfliteWasmDir } from '../runtime/tflite-web-shim.js';

const g = globalThis as unknown as Record<string, unknown>;
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

function snapshot() {
  return {
    self: g.self,
    location: g.location,
    importScripts: g.importScripts,
    fetch: g.fetch,
    MessageChannel: g.MessageChannel,
  };
}

describe('tflite web shim', () => {
  const before = snapshot();

  it('starts from plain Node globals', () => {
    expect(before.self).toBeUndefined();
    expect(before.location).toBeUndefined();
    expect(before.importScripts).toBeUndefined();
    expect(typeof before.fetch).toBe('function');
    expect(typeof before.MessageChannel).toBe('function');
  });

  it('installs self, location, importScripts, fetch and hides MessageChannel', async () => {
    const shim = installTfliteWebShim();
    try {
      expect(g.self).toBe(globalThis);
      const location = g.location as { href: string; origin: string };
      expect(location.href).toBe(pathToFileURL(tfliteWasmDir()).href + '/');
      expect(location.href.endsWith('/wasm/')).toBe(true);
      expect(typeof g.importScripts).toBe('function');
      expect(g.MessageChannel).toBeUndefined();
      expect(g.fetch).not.toBe(before.fetch);

      const wasmFile = path.join(shim.wasmDir, 'tflite_web_api_cc_simd.wasm');
      const res = await fetch(pathToFileURL(wasmFile).href);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/wasm');
      expect((await res.arrayBuffer()).byteLength).toBe(statSync(wasmFile).size);

      const byPath = await fetch(path.join(shim.wasmDir, 'tflite_web_api_cc_simd.js'));
      expect(byPath.status).toBe(200);
      expect((await fetch(path.join(shim.wasmDir, 'no-such-file.wasm'))).status).toBe(404);
      // Anything that is not a local file goes to Node's own fetch (a data: URL needs no network).
      expect(await (await fetch('data:text/plain,hello')).text()).toBe('hello');

      const dir = mkdtempSync(path.join(tmpdir(), 'edgeqat-shim-'));
      const script = path.join(dir, 'probe.js');
      writeFileSync(script, 'var edgeqatShimProbe = 6 * 7;\n');
      (g.importScripts as (url: string) => void)(pathToFileURL(script).href);
      expect(g.edgeqatShimProbe).toBe(42);
    } finally {
      shim.restore();
    }
    expect(snapshot()).toEqual(before);
  });

  it('counts nested installs and restores only after the last one', () => {
    const a = installTfliteWebShim();
    const b = installTfliteWebShim();
    a.restore();
    a.restore(); // idempotent: must not release b's install
    expect(g.self).toBe(globalThis);
    b.restore();
    expect(snapshot()).toEqual(before);
  });

  it('loads tfjs-tflite once, single-threaded SIMD, and leaves the globals as they were', async () => {
    const lib = await loadTfliteModule();
    expect(await loadTfliteModule()).toBe(lib);
    expect(typeof lib.loadTFLiteModel).toBe('function');
    expect(await lib.getWasmFeatures()).toEqual({ simd: true, multiThreading: false });
    expect(snapshot()).toEqual(before);

    const engine = await createTfjsTfliteEngine(readFileSync(fixture('mlp-int8-float-io.tflite')));
    expect(engine.run(new Float32Array(784), 1)).toHaveLength(10);
    engine.dispose();
    expect(snapshot()).toEqual(before);
  });

  it('leaves tfjs-core working afterwards, on the cpu and the wasm backend', async () => {
    await loadTfliteModule();
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-wasm');
    for (const backend of ['cpu', 'wasm']) {
      expect(await tf.setBackend(backend)).toBe(true);
      const y = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]));
      expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
      y.dispose();
    }
  });
});
