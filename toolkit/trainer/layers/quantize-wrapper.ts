// QuantizeWrapper: wraps a float layer (e.g. Dense) and runs it with fake-quantized weights, then
// fake-quantizes its (activation-fused) output with an observer. It owns the float layer's
// weights, so model.fit, optimizers and checkpoints see them as before.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { fakeQuantActivation, fakeQuantWeight } from '../quant/quantizers.js';
import { DEFAULT_ACTIVATION_OBSERVER, Observer, type ObserverConfig } from '../quant/observers.js';
import { trainerOp } from '../ops/index.js';
import type { OpSettings, TrainerOpSpec } from '../ops/trainer-op-spec.js';
import { addObserverState, findWeight } from './weights.js';

export interface QuantizeWrapperArgs {
  layer: Layer;
  /** TFLite builtin this layer becomes (a key of TRAINER_OPS). */
  builtin: string;
  perChannel?: boolean;
  observer?: ObserverConfig;
  name?: string;
}

export class QuantizeWrapper extends tfl.layers.Layer {
  static readonly className = 'Edgeqat>QuantizeWrapper';
  readonly layer: Layer;
  readonly spec: TrainerOpSpec;
  readonly perChannel: boolean;
  readonly observer: ObserverConfig;
  /** The wrapped layer's op settings, read from its config once (getConfig is costly per step). */
  readonly settings: OpSettings;
  observing = true;
  private observerInstance: Observer | null = null;

  constructor(args: QuantizeWrapperArgs) {
    super({ name: args.name ?? `quant_${args.layer.name}` });
    const spec = trainerOp(args.builtin);
    if (!spec) throw new Error(`no trainer spec for ${args.builtin}`);
    this.layer = args.layer;
    this.spec = spec;
    this.perChannel = args.perChannel ?? spec.defaultPerChannel;
    this.observer = args.observer ?? DEFAULT_ACTIVATION_OBSERVER;
    this.settings = spec.settings(args.layer);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.layer.built) this.layer.build(inputShape);
    this.observerInstance = new Observer(addObserverState(this, 'output_range'), this.observer);
    this.built = true;
  }

  get outputObserver(): Observer {
    if (!this.observerInstance) throw new Error(`${this.name} is not built`);
    return this.observerInstance;
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.layer ? this.layer.trainableWeights : [];
  }
  override set trainableWeights(_w: tfl.LayerVariable[]) {
    throw new Error('QuantizeWrapper weights belong to the wrapped layer');
  }
  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return this.layer ? [...this.layer.nonTrainableWeights, ...super.nonTrainableWeights] : super.nonTrainableWeights;
  }
  override set nonTrainableWeights(_w: tfl.LayerVariable[]) {
    throw new Error('QuantizeWrapper weights belong to the wrapped layer');
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const y = tf.tidy(() => {
      const weights: Record<string, tf.Tensor> = {};
      for (const w of this.spec.quantizedWeights) {
        const v = findWeight(this.layer, w.name);
        if (!v) throw new Error(`${this.layer.name} has no weight '${w.name}'`);
        weights[w.name] = fakeQuantWeight(v.read(), { perChannel: this.perChannel, channelAxis: w.channelAxis });
      }
      const bias = findWeight(this.layer, 'bias')?.read() ?? null;
      return this.spec.call(x, weights, bias, this.settings);
    });
    if (kwargs.training && this.observing) this.outputObserver.observe(y);
    const out = fakeQuantActivation(y, this.outputObserver.range().params);
    y.dispose();
    return out;
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      builtin: this.spec.builtin,
      perChannel: this.perChannel,
      observer: { ...this.observer },
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = config.layer as { className: string; config: tf.serialization.ConfigDict };
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[inner.className];
    if (!entry) throw new Error(`unknown wrapped layer class ${inner.className}`);
    const [innerCls, fromConfig] = entry;
    const layer = fromConfig(innerCls, inner.config) as unknown as Layer;
    return new cls({
      layer,
      builtin: config.builtin,
      perChannel: config.perChannel,
      observer: config.observer,
      name: config.name,
    });
  }
}
tf.serialization.registerClass(QuantizeWrapper);
