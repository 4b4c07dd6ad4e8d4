// tfjs-tflite with NO verifier in front: the bytes go straight to the WebAssembly interpreter, as
// they would without edgeqat's checks. Only for `npm run fuzz -- --raw`, which measures what the
// verifier protects the engines from; edgeqat itself never loads a model this way.
import { loadTfliteModule, setTfliteLogSink, withTfliteWebShim } from '../../runtime/tflite-web-shim.js';

interface RawRunner {
  getInputs(): { data(): { length: number; fill(v: number): void } }[];
  infer(): boolean;
  cleanUp(): void;
}

/** 'ran' | 'refused: <message>'; throws whatever the interpreter throws beyond a refusal. */
export async function rawTfjsTflite(bytes: Uint8Array): Promise<string> {
  const lib = await loadTfliteModule();
  const previous = setTfliteLogSink(null);
  let runner: RawRunner;
  try {
    const model = await withTfliteWebShim(() => lib.loadTFLiteModel(bytes.slice().buffer, { numThreads: 1 }));
    runner = model['modelRunner'] as unknown as RawRunner;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    return `refused: ${String((e as Error)?.message ?? e).split('\n', 1)[0]}`;
  } finally {
    setTfliteLogSink(previous);
  }
  try {
    for (const input of runner.getInputs()) {
      const data = input.data();
      if (data.length <= 1 << 20) data.fill(0);
    }
    return runner.infer() ? 'ran' : 'infer failed';
  } finally {
    runner.cleanUp();
  }
}
