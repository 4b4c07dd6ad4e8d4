// A Keras model config (the JSON in a .keras file's config.json or an .h5 file's model_config
// attribute) → a TF.js LayersModel without weights. Both config dialects are read:
//   Keras 3: inbound_nodes [{args: [tensor | [tensors]], kwargs}], tensors as
//            {class_name: '__keras_tensor__', config: {keras_history: [layer, node, index]}},
//            InputLayer batch_shape, module/registered_name on every object;
//   Keras 2 (tf.keras): inbound_nodes [[[layer, node, index, kwargs], ...]], batch_input_shape.
// Sequential and Functional models both become a functional TF.js model with the same layer names.
// Every layer is checked first against keras-layers.ts; all problems are reported at once, one line
// each, naming the layer, its class and what to do.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { importableClassNames, KERAS_NOT_IMPORTED, kerasRow, mapLayerConfig } from './keras-layers.js';

export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface KerasLayerSpec {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Keras 3: 'keras.layers' for built-ins; a user's module for custom classes. */
  module: string | null;
  /** Keras 3: 'Package>Class' for classes registered with register_keras_serializable. */
  registeredName: string | null;
  /** One entry per call of the layer; each call lists the tensors it was applied to. */
  calls: TensorRef[][];
}

export interface KerasGraph {
  name: string;
  kind: 'Sequential' | 'Functional';
  layers: KerasLayerSpec[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Thrown for a config that is not shaped like a Keras model config at all. */
function malformed(label: string, what: string): EdgeqatError {
  return new EdgeqatError('E_MODEL_FILE', `${label}: not a Keras model config (${what})`);
}

function tensorRef(v: unknown): TensorRef | null {
  // Keras 3 tensor object.
  if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history)) return tensorRef(v.config.keras_history);
  // [layer, node, index] or Keras 2's [layer, node, index, kwargs].
  if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number') return { layer: v[0], node: v[1], tensor: v[2] };
  return null;
}

/** input_layers / output_layers: [name, node, index] for one tensor, or a list of those. */
function tensorList(v: unknown, label: string, field: string): TensorRef[] {
  const one = tensorRef(v);
  if (one) return [one];
  if (!Array.isArray(v)) throw malformed(label, `'${field}' is not a list of tensors`);
  return v.map((t) => {
    const ref = tensorRef(t);
    if (!ref) throw malformed(label, `'${field}' holds ${JSON.stringify(t).slice(0, 60)}`);
    return ref;
  });
}

/** The tensors one call of a layer was applied to, in either dialect. */
function callInputs(node: unknown, label: string, layer: string): TensorRef[] {
  const bad = () => malformed(label, `layer '${layer}' has an inbound node it cannot read: ${JSON.stringify(node).slice(0, 80)}`);
  if (isObject(node) && Array.isArray(node.args)) {
    const first = node.args[0];
    const list = Array.isArray(first) ? first : [first];
    return list.map((t) => tensorRef(t) ?? (() => { throw bad(); })());
  }
  if (Array.isArray(node)) return node.map((t) => tensorRef(t) ?? (() => { throw bad(); })());
  throw bad();
}

function layerSpec(raw: unknown, label: string, index: number): KerasLayerSpec {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) throw malformed(label, `layer ${index} has no class_name and config`);
  const name = String(raw.config.name ?? raw.name ?? `layer_${index}`);
  const nodes = Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
  return {
    name,
    className: raw.class_name,
    config: raw.config,
    module: typeof raw.module === 'string' ? raw.module : null,
    registeredName: typeof raw.registered_name === 'string' ? raw.registered_name : null,
    calls: nodes.map((n) => callInputs(n, label, name)),
  };
}

function inputShapeOf(config: Json): unknown {
  return config.batch_shape ?? config.batch_input_shape;
}

/** Parses a model config (the object holding class_name and config) into a graph of layer specs. */
export function parseKerasConfig(json: unknown, label: string): KerasGraph {
  if (!isObject(json) || typeof json.class_name !== 'string' || !isObject(json.config)) throw malformed(label, 'no class_name and config at the top');
  const kind = json.class_name === 'Sequential' ? 'Sequential' : json.class_name === 'Functional' || json.class_name === 'Model' ? 'Functional' : null;
  if (!kind) {
    throw new EdgeqatError('E_UNSUPPORTED', `${label}: the model is a '${json.class_name}' (a subclassed model, saved as Python code): edgeqat reads Sequential and Functional models; rebuild it with keras.Sequential or the functional API`);
  }
  const config = json.config;
  if (!Array.isArray(config.layers)) throw malformed(label, "no 'layers' list");
  const layers = config.layers.map((l, i) => layerSpec(l, label, i));
  const name = String(config.name ?? 'model');
  if (kind === 'Functional') {
    return { name, kind, layers, inputs: tensorList(config.input_layers, label, 'input_layers'), outputs: tensorList(config.output_layers, label, 'output_layers') };
  }
  // Sequential: a chain. Keras 3 lists an InputLayer first; Keras 2 puts batch_input_shape on the
  // first layer; a Keras 3 model built without keras.Input records build_input_shape.
  if (layers.length === 0) throw malformed(label, 'a Sequential model with no layers');
  if (layers[0]!.className !== 'InputLayer') {
    const shape = inputShapeOf(layers[0]!.config) ?? config.build_input_shape;
    if (!Array.isArray(shape)) throw new EdgeqatError('E_UNSUPPORTED', `${label}: the Sequential model has no input shape (build it with keras.Input(shape=...) first)`);
    layers.unshift({ name: `${name}_input`, className: 'InputLayer', config: { batch_shape: shape }, module: null, registeredName: null, calls: [] });
  }
  for (let i = 1; i < layers.length; i++) layers[i]!.calls = [[{ layer: layers[i - 1]!.name, node: 0, tensor: 0 }]];
  return { name, kind, layers, inputs: [{ layer: layers[0]!.name, node: 0, tensor: 0 }], outputs: [{ layer: layers[layers.length - 1]!.name, node: 0, tensor: 0 }] };
}

/** True for a class the user wrote (registered_name 'Package>Class', or a module outside Keras). */
function isCustom(spec: KerasLayerSpec): boolean {
  if (spec.registeredName?.includes('>')) return true;
  return spec.module !== null && !/^(keras|tf_keras|tensorflow)(\.|$)/.test(spec.module);
}

/** One line per layer the importer cannot build (empty when all can be). */
export function importProblems(graph: KerasGraph): string[] {
  const problems: string[] = [];
  const at = (s: KerasLayerSpec) => `layer '${s.name}' (${s.className})`;
  for (const spec of graph.layers) {
    if (isCustom(spec)) {
      problems.push(`${at(spec)}: a custom layer class (${spec.registeredName ?? spec.module}) is Python code edgeqat cannot read: rebuild it with built-in Keras layers (${importableClassNames().join(', ')})`);
      continue;
    }
    if (spec.calls.length > 1) {
      problems.push(`${at(spec)}: called ${spec.calls.length} times (a shared layer): give each call its own layer`);
      continue;
    }
    if (spec.className === 'InputLayer') {
      const shape = inputShapeOf(spec.config);
      if (!Array.isArray(shape) || shape.length < 2) problems.push(`${at(spec)}: no input shape in its config`);
      continue;
    }
    const row = kerasRow(spec.className);
    if (!row) {
      const hint = KERAS_NOT_IMPORTED[spec.className];
      problems.push(hint ? `${at(spec)}: ${hint}` : `${at(spec)}: not a layer class edgeqat imports (known: ${importableClassNames().join(', ')}); replace it with those layers`);
      continue;
    }
    for (const p of mapLayerConfig(row, spec.config).problems) problems.push(`${at(spec)}: ${p}`);
  }
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    problems.push(`model '${graph.name}' has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs (one of each is supported)`);
  }
  return problems;
}

/** Throws one E_UNSUPPORTED error whose message has one line per problem. */
export function throwProblems(label: string, problems: string[]): never {
  throw new EdgeqatError('E_UNSUPPORTED', problems.map((p) => `${label}: ${p}`).join('\n'));
}

function tfjsLayer(spec: KerasLayerSpec): Layer {
  const row = kerasRow(spec.className)!;
  const { config } = mapLayerConfig(row, spec.config);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[row.tfjs];
  if (!entry) throw new Error(`TF.js has no layer class '${row.tfjs}'`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...config, name: spec.name, trainable: spec.config.trainable !== false }) as unknown as Layer;
}

/** Builds the float TF.js model (weights still initial); throws the problems if any layer cannot be built. */
export function buildTfjsModel(graph: KerasGraph, label: string): tfl.LayersModel {
  const problems = importProblems(graph);
  if (problems.length) throwProblems(label, problems);
  const byName = new Map(graph.layers.map((s) => [s.name, s]));
  const outputs = new Map<string, tfl.SymbolicTensor>();
  const resolve = (ref: TensorRef): tfl.SymbolicTensor => {
    const t = outputs.get(ref.layer);
    if (!t) throw new EdgeqatError('E_MODEL_FILE', `${label}: the config refers to layer '${ref.layer}' before it is defined (or it does not exist)`);
    if (ref.node !== 0 || ref.tensor !== 0) throw new EdgeqatError('E_UNSUPPORTED', `${label}: layer '${ref.layer}' output ${ref.node}:${ref.tensor} is used (only layers with one call and one output are supported)`);
    return t;
  };
  // Keras lists the layers of a functional model in topological order; build in that order, and
  // fall back to repeated passes for a config that does not.
  const pending = [...graph.layers];
  while (pending.length) {
    const before = pending.length;
    for (let i = 0; i < pending.length; i++) {
      const spec = pending[i]!;
      const inputs = spec.calls[0] ?? [];
      if (inputs.some((r) => !outputs.has(r.layer) && byName.has(r.layer))) continue;
      pending.splice(i--, 1);
      try {
        if (spec.className === 'InputLayer') {
          const shape = (inputShapeOf(spec.config) as (number | null)[]).slice(1);
          if (shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) throw new EdgeqatError('E_MODEL_FILE', `${label}: layer '${spec.name}' (InputLayer) has input shape [${shape.join(', ')}]`);
          outputs.set(spec.name, tfl.input({ shape: shape as number[], name: spec.name }));
          continue;
        }
        const ins = inputs.map(resolve);
        if (ins.length === 0) throw new EdgeqatError('E_MODEL_FILE', `${label}: layer '${spec.name}' (${spec.className}) is not connected to any input`);
        outputs.set(spec.name, tfjsLayer(spec).apply(ins.length === 1 ? ins[0]! : ins) as tfl.SymbolicTensor);
      } catch (e) {
        if (e instanceof EdgeqatError) throw e;
        const why = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0];
        throw new EdgeqatError('E_MODEL_FILE', `${label}: layer '${spec.name}' (${spec.className}) cannot be built from its config (${why})`);
      }
    }
    if (pending.length === before) throw new EdgeqatError('E_MODEL_FILE', `${label}: the config's layers form a cycle or refer to missing layers (${pending.map((s) => `'${s.name}'`).join(', ')})`);
  }
  try {
    return tfl.model({ inputs: resolve(graph.inputs[0]!), outputs: resolve(graph.outputs[0]!), name: graph.name });
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    throw new EdgeqatError('E_MODEL_FILE', `${label}: the config's inputs and outputs do not make a model (${(e as Error).message.split('\n', 1)[0]})`);
  }
}
