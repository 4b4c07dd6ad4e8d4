// Input quantize stub: observes the float input's range and fake-quantizes it. Exported as the
// model's QUANTIZE op (float32 -> int8), or as an int8 input tensor with --int8-io.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { fakeQuantActivation } from '../quant/quantizers.js';
import { DEFAULT_ACTIVATION_OBSERVER, Observer, type ObserverConfig } from '../quant/observers.js';
import type { QuantParams } from '../quant/quant-params.js';
import { addObserverState, defaultLayerName } from './weights.js';

export interface QuantizeStubArgs {
  name?: string;
  inputShape?: number[];
  /** Set instead of inputShape when deserializing (Layer.getConfig writes batchInputShape). */
  batchInputShape?: (number | null)[];
  observer?: ObserverConfig;
}

export class QuantizeStub extends tfl.layers.Layer {
  static readonly className = 'Edgeqat>QuantizeStub';
  readonly observer: ObserverConfig;
  observing = true;
  /** Fake-quantize the input; off, the float input passes on (post-training calibration). */
  fakeQuantizing = true;
  private observerInstance: Observer | null = null;

  constructor(args: QuantizeStubArgs = {}) {
    super({ name: args.name ?? defaultLayerName('quantize_stub'), inputShape: args.inputShape, batchInputShape: args.batchInputShape });
    this.observer = args.observer ?? DEFAULT_ACTIVATION_OBSERVER;
  }

  override build(): void {
    this.observerInstance = new Observer(addObserverState(this, 'input_range'), this.observer);
    this.built = true;
  }

  get inputObserver(): Observer {
    if (!this.observerInstance) throw new Error(`${this.name} is not built`);
    return this.observerInstance;
  }

  /** Params of the int8 model input (the QUANTIZE op's output). */
  outputQuantParams(): QuantParams {
    return this.inputObserver.range().params;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training && this.observing) this.inputObserver.observe(x);
    if (!this.fakeQuantizing) return tf.clone(x);
    return fakeQuantActivation(x, this.inputObserver.range().params);
  }

  override getConfig() {
    return { ...super.getConfig(), observer: { ...this.observer } };
  }
}
tf.serialization.registerClass(QuantizeStub);
