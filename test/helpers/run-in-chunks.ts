// engine.run over many samples in chunks, yielding to the event loop between them: one synchronous
// run of minutes (10,000 DSCNN images on the reference engine on a loaded machine) would block
// vitest's worker RPC past its fixed 60 s timeout (spawn-async.ts). The outputs are the same as one
// run: every sample is computed on its own.
import type { Engine, OutputArray } from '../../runtime/engines/engine.js';

export async function runInChunks(engine: Pick<Engine, 'run'>, inputs: Float32Array, count: number, chunk = 200): Promise<OutputArray> {
  const per = inputs.length / count;
  let out: OutputArray | undefined;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const part = engine.run(inputs.subarray(start * per, (start + n) * per), n);
    const classes = part.length / n;
    out ??= new (part.constructor as new (length: number) => OutputArray)(count * classes);
    out.set(part, start * classes);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out!;
}
