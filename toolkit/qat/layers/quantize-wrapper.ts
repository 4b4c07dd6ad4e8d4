// QuantizeWrapper: wraps a float layer (Dense, Conv2D, a pool, Add, ...) and runs it as the TFLite
// builtin it becomes: fake-quantized weights (a following BatchNormalization folded in first),
// the activation of a following ReLU layer fused, and the output quantized as that builtin's int8
// output is (observed, the input's params, or fixed). It owns the float layers' weights, so
// model.fit, optimizers and checkpoints see them as before.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { fakeQuantActivation, fakeQuantWeight } from '../quant/quantizers.js';
import { DEFAULT_ACTIVATION_OBSERVER, Observer, type ObserverConfig } from '../quant/observers.js';
import type { QuantParams } from '../quant/quant-params.js';
import { trainerOp } from '../ops/index.js';
import { applyFusedActivation, type OpSettings, type QuantizedWeightSpec, type TrainerOpSpec } from '../ops/trainer-op-spec.js';
import { BatchNormFold } from './batch-norm-fold.js';
import type { FoldActivation } from '../kernels/batch-norm-fold-kernels.js';
import { outputParamsOf } from './output-params.js';
import { addObserverState, findWeight } from './weights.js';
import { deployedBias } from '../quant/bias-quantizer.js';

export interface QuantizeWrapperArgs {
  layer: Layer;
  /** TFLite builtin this layer becomes (a key of TRAINER_OPS). */
  builtin: string;
  perChannel?: boolean;
  observer?: ObserverConfig;
  name?: string;
  /** Activation of a following ReLU/ReLU6 layer fused into this op; replaces the layer's own. */
  activation?: string;
  /** A following BatchNormalization folded into this (convolution) layer. */
  batchNorm?: Layer;
}

/** A QuantizeWrapper known to run one op: its spec and settings typed (see QuantizeWrapper.runs). */
export type OpWrapper<S extends OpSettings> = QuantizeWrapper & { readonly spec: TrainerOpSpec<S>; readonly settings: S };

type SerializedLayer = { className: string; config: tf.serialization.ConfigDict };

function deserializeLayer(inner: SerializedLayer): Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[inner.className];
  if (!entry) throw new Error(`unknown wrapped layer class ${inner.className}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, inner.config) as unknown as Layer;
}

/** One shape, or the list of a multi-input layer, as a list of shapes. */
function shapeList(inputShape: tfl.Shape | tfl.Shape[]): (number | null)[][] {
  return Array.isArray(inputShape[0]) ? (inputShape as (number | null)[][]) : [inputShape as (number | null)[]];
}

export class QuantizeWrapper extends tfl.layers.Layer {
  static readonly className = 'Edgeqat>QuantizeWrapper';
  readonly layer: Layer;
  readonly spec: TrainerOpSpec;
  readonly perChannel: boolean;
  readonly observer: ObserverConfig;
  /** The op's settings (activation included, fused one applied), read from its config once. */
  readonly settings: OpSettings;
  /** The fused activation argument as given (serialized); the effective one is settings.activation. */
  readonly fusedActivation: string | null;
  readonly batchNorm: Layer | null;
  private readonly bnFold: BatchNormFold | null;
  observing = true;
  /** Fake-quantize the output; off, the float output passes on (post-training calibration). */
  fakeQuantizing = true;
  /** Training uses the moving statistics (the deployed fold) instead of batch statistics. */
  bnFrozen = false;
  private observerInstance: Observer | null = null;

  constructor(args: QuantizeWrapperArgs) {
    super({ name: args.name ?? `quant_${args.layer.name}` });
    const spec = trainerOp(args.builtin);
    if (!spec) throw new Error(`no trainer spec for ${args.builtin}`);
    this.layer = args.layer;
    this.spec = spec;
    this.perChannel = args.perChannel ?? spec.defaultPerChannel;
    this.observer = args.observer ?? DEFAULT_ACTIVATION_OBSERVER;
    this.fusedActivation = args.activation ?? null;
    this.settings = { ...spec.settings(args.layer), ...(args.activation ? { activation: args.activation } : {}) };
    this.batchNorm = args.batchNorm ?? null;
    if (this.batchNorm && !spec.foldsBatchNorm) throw new Error(`${spec.builtin} cannot fold a batch norm`);
    this.bnFold = this.batchNorm ? new BatchNormFold(this.batchNorm) : null;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.spec.checkInputShapes?.(this.layer, shapeList(inputShape));
    // Layer.apply marks a layer built after build(); some (merge layers) do not mark themselves.
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    if (this.batchNorm && !this.batchNorm.built) {
      this.batchNorm.build(this.layer.computeOutputShape(inputShape));
      this.batchNorm.built = true;
    }
    if (this.spec.output.kind === 'observed') {
      this.observerInstance = new Observer(addObserverState(this, 'output_range'), this.observer);
    }
    this.built = true;
  }

  /** The output observer (ops whose output params are observed). */
  get outputObserver(): Observer {
    if (!this.observerInstance) throw new Error(`${this.name} has no output observer (${this.spec.builtin} output is not observed) or is not built`);
    return this.observerInstance;
  }

  get hasObserver(): boolean {
    return this.spec.output.kind === 'observed';
  }

  /** Scale and zero point of this op's int8 output, as the converter writes them. */
  outputQuantParams(): QuantParams {
    const out = this.spec.output;
    if (out.kind === 'observed') return this.outputObserver.range().params;
    if (out.kind === 'fixed') return out.params;
    return this.inputQuantParams(0);
  }

  /** True when this layer runs `spec`; its settings then have that spec's type. */
  runs<S extends OpSettings>(spec: TrainerOpSpec<S>): this is OpWrapper<S> {
    return this.spec === spec;
  }

  /** Params of the int8 tensor feeding input `index` (its producer's output params). */
  inputQuantParams(index: number): QuantParams {
    const node = this.inboundNodes[0];
    if (!node) throw new Error(`${this.name} is not connected in a model`);
    return outputParamsOf(node.inboundLayers[index]);
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    if (!this.layer) return [];
    return [...this.layer.trainableWeights, ...(this.batchNorm?.trainableWeights ?? [])];
  }
  override set trainableWeights(_w: tfl.LayerVariable[]) {
    throw new Error('QuantizeWrapper weights belong to the wrapped layer');
  }
  override get nonTrainableWeights(): tfl.LayerVariable[] {
    if (!this.layer) return super.nonTrainableWeights;
    return [...this.layer.nonTrainableWeights, ...(this.batchNorm?.nonTrainableWeights ?? []), ...super.nonTrainableWeights];
  }
  override set nonTrainableWeights(_w: tfl.LayerVariable[]) {
    throw new Error('QuantizeWrapper weights belong to the wrapped layer');
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  private fakeQuantWeight(w: tf.Tensor, spec: QuantizedWeightSpec): tf.Tensor {
    const config = { perChannel: this.perChannel, channelAxis: spec.channelAxis };
    if (!spec.quantShape) return fakeQuantWeight(w, config);
    return tf.reshape(fakeQuantWeight(tf.reshape(w, spec.quantShape(w.shape)), config), w.shape);
  }

  private readWeight(name: string): tf.Tensor {
    const v = findWeight(this.layer, name);
    if (!v) throw new Error(`${this.layer.name} has no weight '${name}'`);
    return v.read();
  }

  /**
   * The float weights and bias the deployed op uses, before int8 quantization: the layer's own,
   * or with the batch norm folded in (moving statistics). The converter quantizes exactly these.
   */
  inferenceWeights(): { weights: Record<string, tf.Tensor>; bias: tf.Tensor | null } {
    const { weights, bias } = tf.tidy(() => {
      const weights: Record<string, tf.Tensor> = {};
      const bias = findWeight(this.layer, 'bias')?.read();
      if (!this.bnFold) {
        for (const w of this.spec.quantizedWeights) weights[w.name] = tf.clone(this.readWeight(w.name));
        return { weights, bias: bias ? tf.clone(bias) : undefined };
      }
      const main = this.spec.quantizedWeights[0];
      const s = this.bnFold.scale();
      weights[main.name] = this.bnFold.foldWeight(this.readWeight(main.name), main, s);
      return { weights, bias: this.bnFold.foldBias(bias ?? null, s) };
    });
    return { weights, bias: bias ?? null };
  }

  private forward(xs: tf.Tensor[], training: boolean): tf.Tensor {
    const bias = findWeight(this.layer, 'bias')?.read() ?? null;
    const weights: Record<string, tf.Tensor> = {};
    const main = this.spec.quantizedWeights[0];
    if (!this.bnFold) {
      for (const w of this.spec.quantizedWeights) weights[w.name] = this.fakeQuantWeight(this.readWeight(w.name), w);
      const deployed = training || !bias ? bias : this.inferenceBias(this.readWeight(main.name), bias);
      return this.spec.call(xs, weights, deployed, this.settings);
    }
    if (training && !this.bnFrozen && this.bnFold.fused(this.settings.activation)) {
      const conv = (wq: tf.Tensor) => this.spec.call(xs, { [main.name]: wq }, null, { ...this.settings, activation: 'linear' });
      return this.bnFold.trainFused(this.readWeight(main.name), this.perChannel, conv, bias, this.settings.activation as FoldActivation);
    }
    const s = this.bnFold.scale();
    const folded = this.bnFold.foldWeight(this.readWeight(main.name), main, s);
    weights[main.name] = this.fakeQuantWeight(folded, main);
    if (training && !this.bnFrozen) {
      // Batch statistics (see batch-norm-fold.ts).
      const z = this.spec.call(xs, weights, null, { ...this.settings, activation: 'linear' });
      return applyFusedActivation(this.settings.activation, this.bnFold.normalizeWithBatchStats(z, s, bias));
    }
    const foldedBias = this.bnFold.foldBias(bias, s);
    return this.spec.call(xs, weights, training ? foldedBias : this.inferenceBias(folded, foldedBias), this.settings);
  }

  /**
   * Outside training the bias is the int32 constant the converter writes (bias-quantizer.ts): it
   * decides which side of a rounding step a deployed op's output lands on, and over a deep net's
   * layers those steps change the class of near-tie samples. Float when the output is not
   * fake-quantized (post-training calibration: no input scale yet).
   */
  private inferenceBias(floatWeight: tf.Tensor, bias: tf.Tensor | null): tf.Tensor | null {
    if (!bias || !this.fakeQuantizing) return bias;
    return deployedBias(floatWeight, bias, this.spec.quantizedWeights[0], this.perChannel, this.inputQuantParams(0).scale);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const training = kwargs.training === true;
    if (training && this.spec.identityInTraining) return tf.clone(xs[0]);
    const y = tf.tidy(() => this.forward(xs, training));
    const out = this.spec.output;
    if (!this.fakeQuantizing || (out.kind === 'input' && !out.requantize)) return y;
    if (out.kind === 'observed' && training && this.observing) this.outputObserver.observe(y);
    const params = this.outputQuantParams();
    const q = this.spec.quantizeOutput ? this.spec.quantizeOutput(y, xs, params, this.settings) : fakeQuantActivation(y, params);
    y.dispose();
    return q;
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      builtin: this.spec.builtin,
      perChannel: this.perChannel,
      observer: { ...this.observer },
      ...(this.fusedActivation ? { activation: this.fusedActivation } : {}),
      ...(this.batchNorm ? { batchNorm: { className: this.batchNorm.getClassName(), config: this.batchNorm.getConfig() } } : {}),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({
      layer: deserializeLayer(config.layer as SerializedLayer),
      builtin: config.builtin,
      perChannel: config.perChannel,
      observer: config.observer,
      name: config.name,
      activation: config.activation ?? undefined,
      batchNorm: config.batchNorm ? deserializeLayer(config.batchNorm as SerializedLayer) : undefined,
    });
  }
}
tf.serialization.registerClass(QuantizeWrapper);
