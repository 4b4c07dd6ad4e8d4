// What a converter emitter gets and returns: it appends the ops for one layer to the graph and
// hands on the activation tensor it produced (int8, or float32 when writing a float model). One
// file per TFLite builtin; the same walk writes both kinds of model, so a float .tflite has the
// int8 one's graph (batch norm folded, activations fused) with float32 tensors and no QUANTIZE.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { TensorType } from '../../../schemas/tflite.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { QuantizeWrapper, type OpWrapper } from '../../qat/layers/quantize-wrapper.js';
import { fusedActivation, type OpSettings, type TrainerOpSpec } from '../../qat/ops/trainer-op-spec.js';
import type { FusedActivation } from '../../qat/quantize-registry.js';
import type { QuantParams } from '../../qat/quant/quant-params.js';
import { bytesOf, type TfliteGraph } from '../tflite-graph.js';
import { quantizeBias, quantizeWeightsPerAxis, type QuantizedWeights } from '../../qat/quant/weight-quantization.js';

export interface ActivationTensor {
  index: number;
  /** Shape without the batch dimension. */
  shape: number[];
  params: QuantParams;
}

export interface EmitOptions {
  /** int8 input/output tensors instead of QUANTIZE/DEQUANTIZE stubs. */
  int8Io: boolean;
  /** A float32 model: float weights (batch norm folded), float activations, no quantization. */
  float: boolean;
}

/** Params carried by float activations (never written: float tensors have no quantization). */
export const FLOAT_PARAMS: QuantParams = { scale: 1, zeroPoint: 0 };

/** An activation tensor: int8 with `params`, or float32 without quantization in a float model. */
export function addActivation(graph: TfliteGraph, name: string, shape: number[], params: QuantParams, opts: EmitOptions): ActivationTensor {
  const index = opts.float
    ? graph.addTensor({ name, type: TensorType.FLOAT32, ...batchShape(shape) })
    : graph.addTensor({ name, type: TensorType.INT8, ...batchShape(shape), quant: quantOf(params) });
  return { index, shape, params: opts.float ? FLOAT_PARAMS : params };
}

/** The op version to write: float32 kernels are version 1 of every builtin edgeqat writes. */
export function opVersion(int8Version: number, opts: EmitOptions): number {
  return opts.float ? 1 : int8Version;
}

export interface LayerEmitter {
  builtin: string;
  /** `inputs`: the tensors feeding the layer, in its input order. */
  emit(graph: TfliteGraph, layer: Layer, inputs: ActivationTensor[], opts: EmitOptions): ActivationTensor;
}

/**
 * The emitter of a trainer op: `emit` gets the layer as the QuantizeWrapper running `spec`, with
 * that op's settings type.
 */
export function opEmitter<S extends OpSettings>(
  spec: TrainerOpSpec<S>,
  emit: (graph: TfliteGraph, wrapper: OpWrapper<S>, inputs: ActivationTensor[], opts: EmitOptions) => ActivationTensor,
): LayerEmitter {
  return {
    builtin: spec.builtin,
    emit(graph, layer, inputs, opts) {
      if (!(layer instanceof QuantizeWrapper && layer.runs(spec))) throw new Error(`${spec.builtin} emitter got ${layer.name} (${layer.getClassName()})`);
      return emit(graph, layer, inputs, opts);
    },
  };
}

/** Activation shapes carry a dynamic batch: shape [1, ...] with signature [-1, ...]. */
export function batchShape(shape: number[]): { shape: number[]; shapeSignature: number[] } {
  return { shape: [1, ...shape], shapeSignature: [-1, ...shape] };
}

export function quantOf(p: QuantParams) {
  return { scale: [p.scale], zeroPoint: [p.zeroPoint] };
}

/** The layer's output shape without the batch dim (as built in the model). */
export function outputShapeOf(layer: Layer): number[] {
  return (layer.outputShape as (number | null)[]).slice(1) as number[];
}

/** TFLite ActivationFunctionType name of the wrapper's (fused) activation. */
export function fusedActivationOf(layer: QuantizeWrapper): FusedActivation {
  const fused = fusedActivation(layer.settings.activation);
  if (!fused) throw new EdgeqatError('E_UNSUPPORTED', `${layer.layer.name}: activation '${layer.settings.activation}' cannot be fused into ${layer.spec.builtin}`);
  return fused;
}

/** The output tensor of a wrapper: int8 with its output params, or float32. */
export function addOutputTensor(graph: TfliteGraph, layer: QuantizeWrapper, shape: number[], opts: EmitOptions): ActivationTensor {
  return addActivation(graph, layer.name, shape, opts.float ? FLOAT_PARAMS : layer.outputQuantParams(), opts);
}

/**
 * A weight constant in TFLite layout: int8 symmetric (per slice of `axis` when perChannel), or the
 * float32 values in a float model. Returns the tensor and the weight scales the bias needs.
 */
export function addKernel(
  graph: TfliteGraph,
  name: string,
  shape: number[],
  values: Float32Array,
  axis: number,
  perChannel: boolean,
  opts: EmitOptions,
): { index: number; scales: number[] } {
  if (opts.float) return { index: graph.addTensor({ name, type: TensorType.FLOAT32, shape, data: bytesOf(values) }), scales: [] };
  const w = quantizeWeightsPerAxis(values, shape, axis, perChannel);
  return { index: addWeightTensor(graph, name, shape, w, axis), scales: w.scales };
}

/** A bias constant: int32 with scales s_in·s_w (see addBiasTensor), or float32 in a float model. */
export function addBias(graph: TfliteGraph, name: string, bias: Float32Array, inputScale: number, weightScales: number[], opts: EmitOptions): number {
  if (opts.float) return graph.addTensor({ name, type: TensorType.FLOAT32, shape: [bias.length], data: bytesOf(bias) });
  return addBiasTensor(graph, name, bias, inputScale, weightScales);
}

/** Constant int8 weights (symmetric, zp 0) with one scale per slice of `quantizedDimension`. */
export function addWeightTensor(graph: TfliteGraph, name: string, shape: number[], w: QuantizedWeights, quantizedDimension: number): number {
  return graph.addTensor({
    name,
    type: TensorType.INT8,
    shape,
    quant: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension: w.scales.length > 1 ? quantizedDimension : 0 },
    data: bytesOf(w.values),
  });
}

/** Constant int32 bias, scale f32(s_in·s_w[c]) and zp 0, per channel when the weights are. */
export function addBiasTensor(graph: TfliteGraph, name: string, bias: Float32Array, inputScale: number, weightScales: number[]): number {
  const b = quantizeBias(bias, inputScale, weightScales);
  return graph.addTensor({
    name,
    type: TensorType.INT32,
    shape: [bias.length],
    quant: { scale: b.scales, zeroPoint: b.scales.map(() => 0), quantizedDimension: 0 },
    data: bytesOf(b.values),
  });
}

/** A constant int32 vector (e.g. a RESHAPE target shape). */
export function addInt32Constant(graph: TfliteGraph, name: string, values: number[]): number {
  return graph.addTensor({ name, type: TensorType.INT32, shape: [values.length], data: bytesOf(Int32Array.from(values)) });
}

export function sameParams(a: QuantParams, b: QuantParams): boolean {
  return Math.fround(a.scale) === Math.fround(b.scale) && a.zeroPoint === b.zeroPoint;
}
