// A deliberately broken deployment for `edgeqat debug` tests: the run's QAT model exported with
// one layer's output range shrunk, so the int8 model saturates there and nowhere else.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../toolkit/engine/backend.js';
import { convertToTflite } from '../../toolkit/converter/convert.js';
import { loadRun } from '../../toolkit/run-folder.js';
import { QuantizeWrapper } from '../../toolkit/qat/layers/quantize-wrapper.js';

export async function exportWithShrunkRange(run: string, layer: string, factor: number, out: string): Promise<void> {
  await initBackend('wasm');
  const { model } = await loadRun(run);
  const wrapper = model.layers.find((l) => l instanceof QuantizeWrapper && l.layer.name === layer) as QuantizeWrapper;
  const state = wrapper.outputObserver.state;
  const [min, max] = state.read().dataSync();
  state.write(tf.tensor1d([min * factor, max * factor, 1]));
  writeFileSync(out, convertToTflite(model));
  model.dispose();
}
