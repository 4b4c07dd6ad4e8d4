// The float model as a small graph the prepare rewrites work on: one node per layer, in
// topological order, each naming the nodes that feed it, classified by the quantize registry.
// Rewrites merge nodes (a batch norm into its convolution, a ReLU into its op) or split them (a
// Dense's softmax into a SOFTMAX node) before prepareQat turns every node into a QAT layer.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { FIXED_RANGE_ACTIVATIONS, FUSED_ACTIVATIONS, opOfLayer, ruleFor, supportedActivations } from '../quantize-registry.js';

/**
 * What a node is in the graph: the registry's role, with a ReLU/Activation layer resolved by its
 * function ('fuse' into the op before it, an 'op' of its own, or an 'identity' for linear); a
 * 'split' node is replaced by op nodes (split-separable-conv).
 */
export type NodeRole = 'input' | 'op' | 'fold' | 'fuse' | 'identity' | 'split';

export interface QatNode {
  /** The float layer's name (unique in the model). */
  name: string;
  /** The float layer this node runs (cloned into the QAT model). */
  layer: Layer;
  role: NodeRole;
  /** The trainer op of an 'op' node (a key of TRAINER_OPS). */
  op?: string;
  /** Names of the nodes feeding this one, in input order. */
  inputs: string[];
  /** Activation fused from a following ReLU layer (overrides the layer's own linear one). */
  activation?: string;
  /** A following BatchNormalization folded into this node. */
  batchNorm?: Layer;
  /** Names of the float layers merged into this node by rewrites. */
  merged: string[];
}

function unsupported(layer: Layer, why: string): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}) cannot be quantized: ${why}`);
}

/** Activation name of a ReLU or Activation layer (ReLU with maxValue 6 is relu6). */
export function activationOf(layer: Layer): string {
  const config = layer.getConfig() as Record<string, unknown>;
  if (layer.getClassName() === 'ReLU') {
    const max = config.maxValue;
    if (max === undefined || max === null) return 'relu';
    if (max === 6) return 'relu6';
    throw unsupported(layer, `ReLU with maxValue ${String(max)} has no TFLite fused activation (none or 6)`);
  }
  return String(config.activation ?? 'linear');
}

/** Role and op of a float layer: the registry's row, an activation layer's by its function. */
function classify(layer: Layer): Pick<QatNode, 'role' | 'op'> {
  const rule = ruleFor(layer.getClassName());
  if (!rule?.supported) throw new Error(`unchecked layer ${layer.name}`); // checkQuantizable ran first
  if (rule.role === 'op') {
    const chosen = opOfLayer(rule, layer.getConfig() as Record<string, unknown>);
    if ('reason' in chosen) throw unsupported(layer, chosen.reason);
    return { role: 'op', op: chosen.op };
  }
  if (rule.role !== 'activation') return { role: rule.role };
  const fn = activationOf(layer);
  if (fn === 'linear') return { role: 'identity' };
  if (FUSED_ACTIVATIONS[fn]) return { role: 'fuse' };
  const fixed = FIXED_RANGE_ACTIVATIONS[fn];
  if (fixed) return { role: 'op', op: fixed.op };
  throw unsupported(layer, `activation '${fn}' is not supported (${supportedActivations().join(', ')})`);
}

export class QatGraph {
  readonly nodes: QatNode[] = [];
  inputName = '';
  outputName = '';

  static fromModel(model: tfl.LayersModel): QatGraph {
    const g = new QatGraph();
    const inputLayer = model.inputs[0].sourceLayer as Layer;
    g.inputName = inputLayer.name;
    g.nodes.push({ name: inputLayer.name, layer: inputLayer, role: 'input', inputs: [], merged: [] });
    for (const layer of model.layers) {
      if (layer === inputLayer) continue;
      if (layer.inboundNodes.length !== 1) throw unsupported(layer, `it is called ${layer.inboundNodes.length} times (shared layers are not supported)`);
      const node = layer.inboundNodes[0];
      if (node.outputTensors.length !== 1) throw unsupported(layer, 'it has several outputs');
      g.nodes.push({ name: layer.name, layer, ...classify(layer), inputs: node.inboundLayers.map((l) => l.name), merged: [] });
    }
    g.outputName = (model.outputs[0].sourceLayer as Layer).name;
    return g;
  }

  node(name: string): QatNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  consumers(name: string): QatNode[] {
    return this.nodes.filter((n) => n.inputs.includes(name));
  }

  /** The node's only consumer, if exactly one node uses its output and it is not the model output. */
  soleConsumer(name: string): QatNode | null {
    if (name === this.outputName) return null;
    const c = this.consumers(name);
    return c.length === 1 && c[0].inputs.length === 1 ? c[0] : null;
  }

  /** Removes a single-input node; its consumers (and the model output) read its input instead. */
  bypass(name: string): void {
    const node = this.node(name);
    if (node.inputs.length !== 1) throw new Error(`cannot bypass ${name}: ${node.inputs.length} inputs`);
    const [source] = node.inputs;
    for (const c of this.consumers(name)) c.inputs = c.inputs.map((i) => (i === name ? source : i));
    if (this.outputName === name) this.outputName = source;
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }

  /** Inserts `node` right after `after`, taking over `after`'s consumers and model output role. */
  insertAfter(after: string, node: QatNode): void {
    for (const c of this.consumers(after)) c.inputs = c.inputs.map((i) => (i === after ? node.name : i));
    if (this.outputName === after) this.outputName = node.name;
    node.inputs = [after];
    this.nodes.splice(this.nodes.indexOf(this.node(after)) + 1, 0, node);
  }
}
