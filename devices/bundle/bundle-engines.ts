// What each bundleable engine ships: an esbuild entry (the runner plus that engine only, bundled
// into one ES module for the device's Node) and, for WebAssembly engines, the one build variant
// the device needs (tfjs-tflite has four; Node without Web Workers loads the single-threaded one).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeqatError } from '../../runtime/errors.js';
import { tfliteWasmDir } from '../../runtime/tflite-web-shim.js';
import type { WasmVariant } from '../profiles.js';
import type { BundleEngine } from './manifest.js';

interface BundleEngineSpec {
  /** esbuild entry in ./entries/, without extension (.ts from source, .js when compiled). */
  entry: string;
  /** Files to ship in <bundle>/wasm for the variant; none for pure-JS engines. */
  wasm(variant: WasmVariant): string[];
}

const TFLITE_BUILDS: Record<WasmVariant, string> = { simd: 'tflite_web_api_cc_simd', baseline: 'tflite_web_api_cc' };

export const BUNDLE_ENGINE_SPECS: Record<BundleEngine, BundleEngineSpec> = {
  reference: { entry: 'reference', wasm: () => [] },
  'tfjs-tflite': {
    entry: 'tfjs-tflite',
    wasm: (variant) => ['.js', '.wasm'].map((ext) => join(tfliteWasmDir(), TFLITE_BUILDS[variant] + ext)),
  },
};

export function wasmFilesFor(engine: BundleEngine, variant: WasmVariant): string[] {
  const files = BUNDLE_ENGINE_SPECS[engine].wasm(variant);
  for (const f of files) if (!existsSync(f)) throw new EdgeqatError('E_BUNDLE', `${f}: missing; reinstall @tensorflow/tfjs-tflite`);
  return files;
}

function entryFile(engine: BundleEngine): string {
  const base = fileURLToPath(new URL(`./entries/${BUNDLE_ENGINE_SPECS[engine].entry}`, import.meta.url));
  for (const ext of ['.ts', '.js']) if (existsSync(base + ext)) return base + ext;
  throw new EdgeqatError('E_BUNDLE', `${base}.ts: bundle entry missing (broken edgeqat install?)`);
}

/** The runner and the engine as one minified ES module for Node `nodeMajor` (esbuild). */
export async function buildRuntime(engine: BundleEngine, nodeMajor: number): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [entryFile(engine)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${nodeMajor}`,
      mainFields: ['main', 'module'], // tfjs packages: their CommonJS Node builds
      // tfjs-core requires node-fetch only where Node has no global fetch (Node < 18).
      external: ['node-fetch'],
      minify: true,
      legalComments: 'eof',
      // CommonJS packages inside (tfjs) require Node built-ins: give the ES module a real require.
      banner: {
        js:
          `// edgeqat bundle runtime (${engine} engine), made by esbuild; the sources are edgeqat's runtime/ and devices/ folders.\n` +
          `import { createRequire as __edgeqatCreateRequire } from 'node:module'; const require = __edgeqatCreateRequire(import.meta.url);`,
      },
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0].contents;
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new EdgeqatError('E_BUNDLE', `esbuild could not bundle the ${engine} runtime (${where}${first?.text ?? (e as Error).message.split('\n')[0]})`);
  }
}
