// Simulate vs deploy, per layer: the QAT model's fake-quant activation of each quantized layer
// against the deployed int8 tensor of the same layer (run on the reference engine, which exposes
// every intermediate tensor), dequantized and measured in steps of the deployed tensor's scale.
// The first layer where the two part ways is where accuracy is lost.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { QuantizeStub } from '../trainer/layers/quantize-stub.js';
import { QuantizeWrapper } from '../trainer/layers/quantize-wrapper.js';

export interface LayerDivergence {
  layer: string;
  op: string;
  tensor: string;
  elements: number;
  /** Largest |deployed - simulated| in quantization steps of the deployed tensor. */
  maxSteps: number;
  meanSteps: number;
  /** Share of elements whose int8 value differs (error of at least half a step). */
  mismatchShare: number;
}

export interface DivergenceReport {
  samples: number;
  layers: LayerDivergence[];
  /** The first layer whose deployment departs from the simulation (null when none does). */
  suspect: string | null;
}

/** A layer is "departed" when its int8 values differ by more than rounding accounts for. */
export const DEPARTURE = { maxSteps: 2, mismatchShare: 0.05 };

export function simulateVsDeploy(model: tfl.LayersModel, tflite: Uint8Array, images: Float32Array, samples: number): DivergenceReport {
  const probed = model.layers.filter((l) => l instanceof QuantizeStub || l instanceof QuantizeWrapper);
  const probe = tfl.model({ inputs: model.inputs, outputs: probed.map((l) => l.output as tfl.SymbolicTensor) });
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const perSample = inputShape.reduce((a, b) => a * b, 1);
  const n = Math.min(samples, images.length / perSample);
  const simulated = tf.tidy(() => {
    const x = tf.tensor(images.subarray(0, n * perSample), [n, ...inputShape]);
    const out = probe.predict(x) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });

  const engine = createReferenceEngine(tflite, { label: 'model' });
  const stats = probed.map(() => ({ max: 0, sum: 0, mismatches: 0, elements: 0, tensor: '' }));
  for (let i = 0; i < n; i++) {
    const trace = engine.trace(images.subarray(i * perSample, (i + 1) * perSample));
    probed.forEach((layer, k) => {
      const t = trace.find((v) => v.name === layer.name || v.name === `${layer.name}/int8`);
      if (!t || t.scale === undefined || t.zeroPoint === undefined) {
        throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' has no int8 tensor of that name in the deployed model`);
      }
      const sim = simulated[k];
      const per = t.data.length;
      const s = stats[k];
      s.tensor = t.name;
      for (let j = 0; j < per; j++) {
        const deployed = t.scale * (t.data[j] - t.zeroPoint);
        const steps = Math.abs(deployed - sim[i * per + j]) / t.scale;
        s.max = Math.max(s.max, steps);
        s.sum += steps;
        if (steps >= 0.5) s.mismatches++;
      }
      s.elements += per;
    });
  }
  engine.dispose();

  const layers = probed.map((layer, k) => ({
    layer: layer instanceof QuantizeWrapper ? layer.layer.name : layer.name,
    op: layer instanceof QuantizeWrapper ? layer.spec.builtin : 'QUANTIZE',
    tensor: stats[k].tensor,
    elements: stats[k].elements,
    maxSteps: stats[k].max,
    meanSteps: stats[k].sum / Math.max(1, stats[k].elements),
    mismatchShare: stats[k].mismatches / Math.max(1, stats[k].elements),
  }));
  const departed = layers.find((l) => l.maxSteps > DEPARTURE.maxSteps || l.mismatchShare > DEPARTURE.mismatchShare);
  return { samples: n, layers, suspect: departed?.layer ?? null };
}
