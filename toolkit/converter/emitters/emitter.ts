// What a converter emitter gets and returns: it appends the ops for one layer to the graph and
// hands the next emitter the int8 activation tensor it produced. One file per TFLite builtin.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { QuantParams } from '../../trainer/quant/quant-params.js';
import type { TfliteGraph } from '../tflite-graph.js';

export interface ActivationTensor {
  index: number;
  /** Shape without the batch dimension. */
  shape: number[];
  params: QuantParams;
}

export interface EmitOptions {
  /** int8 input/output tensors instead of QUANTIZE/DEQUANTIZE stubs. */
  int8Io: boolean;
}

export interface LayerEmitter {
  builtin: string;
  emit(graph: TfliteGraph, layer: Layer, input: ActivationTensor, opts: EmitOptions): ActivationTensor;
}

/** Activation shapes carry a dynamic batch: shape [1, ...] with signature [-1, ...]. */
export function batchShape(shape: number[]): { shape: number[]; shapeSignature: number[] } {
  return { shape: [1, ...shape], shapeSignature: [-1, ...shape] };
}

export function quantOf(p: QuantParams) {
  return { scale: [p.scale], zeroPoint: [p.zeroPoint] };
}
