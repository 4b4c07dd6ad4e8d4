// esbuild entry of a tfjs-tflite bundle: the runner with TFLite's WebAssembly interpreter. The
// library is bundled (no node_modules on the device) and its one wasm build ships in <bundle>/wasm.
import { join } from 'node:path';
import { createTfjsTfliteEngine } from '../../../runtime/engines/tfjs-tflite.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { setTfliteSource, type TfliteLib } from '../../../runtime/tflite-web-shim.js';
import { BUNDLE_FILES } from '../manifest.js';
import { runnerMain } from '../../runner/run-bundle.js';

/** A module using one v128 instruction (wasm-feature-detect's SIMD probe). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export function main(dir: string, argv: string[]): Promise<number> {
  setTfliteSource({
    wasmDir: () => join(dir, BUNDLE_FILES.wasmDir),
    load: async () => (await import('@tensorflow/tfjs-tflite')) as unknown as TfliteLib,
  });
  return runnerMain(dir, argv, {
    name: 'tfjs-tflite',
    create: (bytes, label) => createTfjsTfliteEngine(bytes, { label }),
    check: (manifest) => {
      const simd = WebAssembly.validate(SIMD_PROBE);
      const variant = manifest.wasm?.variant;
      if (variant === 'simd' && !simd) {
        throw new EdgeqatError('E_UNSUPPORTED', `this bundle ships TFLite's WebAssembly SIMD build for ${manifest.device.name}, but Node ${process.version} here has no WebAssembly SIMD; bundle for a profile with "wasm": "baseline"`);
      }
      if (variant === 'baseline' && simd) {
        throw new EdgeqatError('E_UNSUPPORTED', `this bundle ships TFLite's baseline WebAssembly build, but tfjs-tflite picks its SIMD build on this Node; bundle for a profile with "wasm": "simd"`);
      }
    },
  });
}
