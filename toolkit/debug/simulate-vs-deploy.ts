// Simulate vs deploy, per layer: the QAT model's fake-quant activation of each quantized layer
// against the deployed int8 tensor of the same layer (run on the reference engine, which exposes
// every intermediate tensor), dequantized and measured in steps of the deployed tensor's scale.
// The first layer where the two part ways is where accuracy is lost.
//
// Two figures per layer. Accumulated: the deployed model run from the image. Alone: the deployed
// op run on the simulation's own input to the layer (quantized with the deployed input tensor's
// scale; exact for a faithful export, whose fake-quant values lie on that grid), so it holds only
// the layer's own error. Rounding differences compound through deep models (a depthwise stack
// turns 1-step differences into several steps and >5% mismatches at the logits), so the suspect
// is chosen on the alone figures: the first layer whose own error is more than rounding.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createReferenceEngine } from '../../runtime/engines/reference.js';
import { EdgeqatError } from '../../runtime/errors.js';
import type { Arithmetic } from '../../runtime/reference/kernel.js';
import { QuantizeStub } from '../qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../qat/layers/quantize-wrapper.js';

export interface DivergenceStats {
  maxSteps: number;
  meanSteps: number;
  mismatchShare: number;
}

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
  /** The deployed op alone on the simulation's input to this layer; null when an input is not a simulated layer's tensor. */
  alone: DivergenceStats | null;
}

export interface DivergenceReport {
  samples: number;
  layers: LayerDivergence[];
  /** The first layer whose deployment departs from the simulation (null when none does). */
  suspect: string | null;
}

/** A layer is "departed" when its int8 values differ by more than rounding accounts for (judged on its own error when known). */
export const DEPARTURE = { maxSteps: 2, mismatchShare: 0.05 };

/** `arithmetic`: whose int8 kernels the deployed tensors follow (TFLite's reference kernels, or XNNPACK's as the WebAssembly engines run them). */
export function simulateVsDeploy(model: tfl.LayersModel, tflite: Uint8Array, images: Float32Array, samples: number, arithmetic: Arithmetic = 'tflite-reference'): DivergenceReport {
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

  const engine = createReferenceEngine(tflite, { label: 'model', arithmetic });
  const interpreter = engine.interpreter;
  const graph = interpreter.summary.subgraph;
  // Each probed layer's deployed tensor, the op writing it, and where that op's inputs come from.
  const tensors = probed.map((layer) => {
    const t = interpreter.tensors.find((v) => v && (v.name === layer.name || v.name === `${layer.name}/int8`));
    if (!t || t.dtype !== 'int8' || !t.quantization || t.quantization.scale.length !== 1) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' has no int8 tensor of that name in the deployed model`);
    }
    return t;
  });
  const layerOf = new Map(tensors.map((t, k) => [t.index, k]));
  // The ops from the simulated inputs of the layer to its tensor (one, or a few when the layer is
  // several ops, e.g. global average pooling = AVERAGE_POOL_2D + RESHAPE), in model order.
  const plans = tensors.map((t) => {
    const ops = new Set<number>();
    const inputs = new Set<number>();
    const visit = (tensor: number): boolean => {
      const op = graph.operators.find((o) => o.outputs.includes(tensor));
      if (!op) return false;
      ops.add(op.index);
      for (const u of op.inputs) {
        if (u < 0 || interpreter.tensors[u]!.constant) continue;
        if (graph.inputs.includes(u) || layerOf.has(u)) inputs.add(u);
        else if (!visit(u)) return false;
      }
      return true;
    };
    return visit(t.index) ? { ops: [...ops].sort((a, b) => a - b), inputs: [...inputs] } : null;
  });
  const newStats = () => ({ max: 0, sum: 0, mismatches: 0, elements: 0 });
  const stats = probed.map(newStats);
  const aloneStats = probed.map(newStats);
  const measure = (s: ReturnType<typeof newStats>, data: ArrayLike<number>, scale: number, zeroPoint: number, sim: Float32Array, offset: number) => {
    for (let j = 0; j < data.length; j++) {
      const steps = Math.abs(scale * (data[j] - zeroPoint) - sim[offset + j]) / scale;
      s.max = Math.max(s.max, steps);
      s.sum += steps;
      if (steps >= 0.5) s.mismatches++;
    }
    s.elements += data.length;
  };
  for (let i = 0; i < n; i++) {
    const image = images.subarray(i * perSample, (i + 1) * perSample);
    engine.run(image, 1); // the interpreter keeps every tensor of the run: read the probed ones in place
    tensors.forEach((t, k) => measure(stats[k], t.data, t.scale, t.zeroPoint, simulated[k], i * t.data.length));
    tensors.forEach((t, k) => {
      const plan = plans[k];
      if (!plan) return;
      for (const u of plan.inputs) {
        const x = interpreter.tensors[u]!;
        const j = layerOf.get(u);
        const values = j === undefined ? image : simulated[j].subarray(i * x.data.length, (i + 1) * x.data.length);
        if (x.data instanceof Float32Array) x.data.set(values);
        else for (let e = 0; e < values.length; e++) x.data[e] = Math.min(127, Math.max(-128, Math.round(values[e] / x.scale) + x.zeroPoint));
      }
      for (const op of plan.ops) interpreter.invokeOperator(op);
      measure(aloneStats[k], t.data, t.scale, t.zeroPoint, simulated[k], i * t.data.length);
    });
  }
  engine.dispose();

  const summarize = (s: ReturnType<typeof newStats>): DivergenceStats => ({
    maxSteps: s.max,
    meanSteps: s.sum / Math.max(1, s.elements),
    mismatchShare: s.mismatches / Math.max(1, s.elements),
  });
  const layers = probed.map((layer, k) => ({
    layer: layer instanceof QuantizeWrapper ? layer.layer.name : layer.name,
    op: layer instanceof QuantizeWrapper ? layer.spec.builtin : 'QUANTIZE',
    tensor: tensors[k].name,
    elements: stats[k].elements,
    ...summarize(stats[k]),
    alone: plans[k] ? summarize(aloneStats[k]) : null,
  }));
  const departs = (s: DivergenceStats) => s.maxSteps > DEPARTURE.maxSteps || s.mismatchShare > DEPARTURE.mismatchShare;
  const departed = layers.find((l) => departs(l.alone ?? l));
  return { samples: n, layers, suspect: departed?.layer ?? null };
}
