// The prepare step: float TF.js model (sequential or functional) -> QAT model. Every layer is
// checked against the quantize registry first; the model becomes a small graph (rewrites/graph.ts)
// on which the ordered rewrites split fixed-range activations (a Dense's softmax) off, fold batch
// norms into convolutions and fuse ReLU layers into the ops before them; then the input gets a QuantizeStub, every op node a
// QuantizeWrapper that keeps the float weights, identity layers (Dropout) stay as they are, and
// the output gets a DequantizeStub. A chain becomes a tfl.Sequential, anything else a functional
// tfl.model. The result is an ordinary LayersModel: model.fit and custom loops work on it.
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { DequantizeStub } from './layers/dequantize-stub.js';
import { QuantizeStub } from './layers/quantize-stub.js';
import { QuantizeWrapper } from './layers/quantize-wrapper.js';
import { trainerOp } from './ops/index.js';
import { fusedActivation, type TrainerOpSpec } from './ops/trainer-op-spec.js';
import { DEFAULT_ACTIVATION_OBSERVER, type ObserverConfig } from './quant/observers.js';
import { FUSED_ACTIVATIONS, QUANTIZE_REGISTRY, ruleFor, supportedActivations, supportedClassNames } from './quantize-registry.js';
import { currentActivation } from './rewrites/fuse-activation.js';
import { QatGraph, type QatNode } from './rewrites/graph.js';
import { applyRewrites } from './rewrites/index.js';

export interface PrepareOptions {
  /** Per-output-channel weight scales for layers that default to per-tensor (Dense). */
  perChannel?: boolean;
  /** Per-tensor weight scales for layers that default to per-channel (Conv2D, DepthwiseConv2D). */
  perTensorConv?: boolean;
  observer?: ObserverConfig;
}

function cloneLayer(layer: Layer): Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  return fromConfig(cls, layer.getConfig()) as unknown as Layer;
}

/** Checks every layer against the registry before anything is built or trained. */
export function checkQuantizable(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    const rule = ruleFor(layer.getClassName());
    const why = rule && !rule.supported ? rule.reason : 'no quantization rule';
    if (!rule || !rule.supported) {
      throw new EdgeqatError(
        'E_UNSUPPORTED',
        `layer '${layer.name}' (${layer.getClassName()}) cannot be quantized: ${why} (supported: ${supportedClassNames().join(', ')})`,
      );
    }
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs (one of each is supported)`);
  }
  const inputShape = model.inputs[0].shape.slice(1);
  if (inputShape.some((d) => d === null)) {
    throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' input shape [${inputShape.map((d) => d ?? '?').join(', ')}] has unknown dimensions (only the batch may be unknown)`);
  }
}

/** The layer classes whose ops have a property (the registry's 'op' rows), for messages. */
function classesWhoseOp(has: (spec: TrainerOpSpec) => boolean): string {
  const names = QUANTIZE_REGISTRY.flatMap((r) => (r.supported && r.op && has(trainerOp(r.op)!) ? [r.className] : []));
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** A 'fold' or 'fuse' node left after the rewrites had nothing it could merge into. */
function unmergedError(graph: QatGraph, node: QatNode): EdgeqatError {
  const source = graph.node(node.inputs[0]);
  const follows = `it follows '${source.name}' (${source.layer.getClassName()})`;
  const what =
    node.role === 'fold'
      ? `batch normalization is folded into the ${classesWhoseOp((s) => s.foldsBatchNorm)} it directly follows`
      : `a ${Object.keys(FUSED_ACTIVATIONS).filter((f) => f !== 'linear').join('/')} activation is fused into the ${classesWhoseOp((s) => s.fusesActivation)} it directly follows`;
  return new EdgeqatError('E_UNSUPPORTED', `layer '${node.name}' (${node.layer.getClassName()}) cannot be quantized: ${what}, which must have a linear activation and no other consumer of its output (${follows})`);
}

function opError(node: QatNode, why: string): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `layer '${node.name}' (${node.layer.getClassName()}) cannot be quantized: ${why}`);
}

/** The float graph with every rewrite applied, checked: what prepareQat turns into layers. */
export function rewriteForQat(model: tfl.LayersModel): QatGraph {
  checkQuantizable(model);
  const graph = QatGraph.fromModel(model);
  applyRewrites(graph);
  for (const node of graph.nodes) {
    if (node.role === 'fold' || node.role === 'fuse') throw unmergedError(graph, node);
    if (node.role === 'split') throw opError(node, 'no rewrite splits this layer into ops');
    if (node.role !== 'op') continue;
    const spec = trainerOp(node.op!);
    if (!spec) throw opError(node, `the trainer has no op ${node.op}`);
    const activation = currentActivation(node);
    if (!fusedActivation(activation)) throw opError(node, `activation '${activation}' is not supported (${supportedActivations().join(', ')})`);
    if (spec.identityInTraining && node.name !== graph.outputName) {
      throw opError(node, `${spec.builtin} is supported as the model's last layer only (the training loss applies it)`);
    }
  }
  return graph;
}


/** The nodes after the input, if each feeds only the next (a tfl.Sequential can hold them). */
function chainOrder(graph: QatGraph): QatNode[] | null {
  const body = graph.nodes.filter((n) => n.role !== 'input');
  let previous = graph.inputName;
  for (const node of body) {
    if (node.inputs.length !== 1 || node.inputs[0] !== previous || graph.consumers(previous).length !== 1) return null;
    previous = node.name;
  }
  return previous === graph.outputName ? body : null;
}

export function prepareQat(model: tfl.LayersModel, opts: PrepareOptions = {}): tfl.LayersModel {
  const graph = rewriteForQat(model);
  const observer = opts.observer ?? DEFAULT_ACTIVATION_OBSERVER;
  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const copies: [Layer, Layer][] = [];

  const qatLayer = (node: QatNode): Layer => {
    const inner = cloneLayer(node.layer);
    copies.push([node.layer, inner]);
    if (node.role === 'identity') return inner;
    const spec = trainerOp(node.op!)!;
    const batchNorm = node.batchNorm ? cloneLayer(node.batchNorm) : undefined;
    if (node.batchNorm) copies.push([node.batchNorm, batchNorm!]);
    const perChannel = spec.defaultPerChannel ? !opts.perTensorConv : !!opts.perChannel;
    return new QuantizeWrapper({ layer: inner, builtin: node.op!, perChannel, observer, activation: node.activation, batchNorm });
  };

  let qat: tfl.LayersModel;
  const chain = chainOrder(graph);
  if (chain) {
    const seq = tfl.sequential({ name: `${model.name}_qat` });
    seq.add(new QuantizeStub({ name: 'quant_input', inputShape, observer }));
    for (const node of chain) seq.add(qatLayer(node));
    seq.add(new DequantizeStub({ name: 'dequant_output' }));
    qat = seq;
  } else {
    const input = tfl.input({ shape: inputShape, name: graph.inputName });
    const outputs = new Map<string, tfl.SymbolicTensor>();
    outputs.set(graph.inputName, new QuantizeStub({ name: 'quant_input', observer }).apply(input) as tfl.SymbolicTensor);
    for (const node of graph.nodes) {
      if (node.role === 'input') continue;
      const ins = node.inputs.map((name) => outputs.get(name)!);
      outputs.set(node.name, qatLayer(node).apply(ins.length === 1 ? ins[0] : ins) as tfl.SymbolicTensor);
    }
    const output = new DequantizeStub({ name: 'dequant_output' }).apply(outputs.get(graph.outputName)!) as tfl.SymbolicTensor;
    qat = tfl.model({ inputs: input, outputs: output, name: `${model.name}_qat` });
  }
  for (const [from, to] of copies) to.setWeights(from.getWeights());
  return qat;
}

/** Parameters of the float layers inside a QAT model (observer states not counted). */
export function floatParamCount(model: tfl.LayersModel): number {
  let n = 0;
  for (const layer of model.layers) {
    if (layer instanceof QuantizeWrapper) n += layer.layer.countParams() + (layer.batchNorm?.countParams() ?? 0);
    else if (!(layer instanceof QuantizeStub)) n += layer.countParams();
  }
  return n;
}

function quantLayers(model: tfl.LayersModel): (QuantizeStub | QuantizeWrapper)[] {
  return model.layers.filter((l): l is QuantizeStub | QuantizeWrapper => l instanceof QuantizeStub || l instanceof QuantizeWrapper);
}

/** Turns observer updates on or off (e.g. freeze ranges for the last steps of fine-tuning). */
export function setObserving(model: tfl.LayersModel, on: boolean): void {
  for (const layer of quantLayers(model)) layer.observing = on;
}

/** Freezes (or unfreezes) the batch-norm statistics folded into the convolutions. */
export function setBatchNormFrozen(model: tfl.LayersModel, frozen: boolean): void {
  for (const layer of quantLayers(model)) if (layer instanceof QuantizeWrapper) layer.bnFrozen = frozen;
}

/**
 * Turns the ops' output fake-quantization (and with it their observers) on or off; the weights
 * stay fake-quantized and the model input stays quantized either way (QatSchedule's
 * quantizeActivationsFrom).
 */
export function setActivationQuantizing(model: tfl.LayersModel, on: boolean): void {
  for (const layer of quantLayers(model)) if (layer instanceof QuantizeWrapper) layer.fakeQuantizing = on;
}

export interface QatSchedule {
  /**
   * Op outputs are observed and fake-quantized from this global step on; before it they pass in
   * float (weights are fake-quantized from the start) and each observer starts from the first
   * batch it sees. TF1's tf.contrib.quantize.create_training_graph(quant_delay) does the same:
   * a network trained from scratch changes its activation ranges fastest in its first steps, and
   * a moving-average observer started on the untrained network's first batch lags far behind
   * them while its clamp cuts the gradient of everything above it (docs/conv-layers.md, unet-tiny).
   */
  quantizeActivationsFrom?: number;
  /** Observers stop updating from this global step on (0-based: after this many steps). */
  freezeObserversAfter?: number;
  /** Batch-norm statistics freeze from this global step on; training then uses the deployed fold. */
  freezeBnAfter?: number;
}

/**
 * A per-step hook (train.ts's beforeStep) applying the schedule. It sets the state from the step
 * number alone, so a resumed run is in the same state as one that never stopped.
 */
export function qatScheduleHook(model: tfl.LayersModel, schedule: QatSchedule): (step: number) => void {
  return (step) => {
    if (schedule.quantizeActivationsFrom !== undefined) setActivationQuantizing(model, step >= schedule.quantizeActivationsFrom);
    if (schedule.freezeObserversAfter !== undefined) setObserving(model, step < schedule.freezeObserversAfter);
    if (schedule.freezeBnAfter !== undefined) setBatchNormFrozen(model, step >= schedule.freezeBnAfter);
  };
}

/** True for a model prepareQat made (a QuantizeStub on its input), false for a float model. */
export function isQatModel(model: tfl.LayersModel): boolean {
  return model.layers.some((l) => l instanceof QuantizeStub);
}
