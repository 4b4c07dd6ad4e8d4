// Input quantize stub: observes the float input's range and fake-quantizes it. Exported as the
// model's QUANTIZE op (float32 -> int8), or as an int8 input tensor with --int8-io.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { INT8_ACTIVATION } from '../quant/quant-params.js';
import { fakeQuant } from '../quant/fake-quant.js';
import {
  DEFAULT_ACTIVATION_OBSERVER,
  createObserverState,
  observe,
  observedParamsTensors,
  type ObserverConfig,
  type ObserverState,
} from '../quant/observers.js';
import { addScalarState } from './weights.js';

export interface QuantizeStubArgs {
  name?: string;
  inputShape?: number[];
  observer?: ObserverConfig;
}

export class QuantizeStub extends tfl.layers.Layer {
  static readonly className = 'Edgeqat>QuantizeStub';
  readonly observer: ObserverConfig;
  observing = true;
  private state: ObserverState | null = null;

  constructor(args: QuantizeStubArgs = {}) {
    super({ name: args.name, inputShape: args.inputShape });
    this.observer = args.observer ?? DEFAULT_ACTIVATION_OBSERVER;
  }

  override build(): void {
    this.state = createObserverState('input', (n, v) => addScalarState(this, n, v));
    this.built = true;
  }

  get observerState(): ObserverState {
    if (!this.state) throw new Error(`${this.name} is not built`);
    return this.state;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training && this.observing) observe(this.observerState, this.observer, x);
    return tf.tidy(() => {
      const { scale, zeroPoint } = observedParamsTensors(this.observerState);
      return fakeQuant(x, scale, zeroPoint, INT8_ACTIVATION.qmin, INT8_ACTIVATION.qmax);
    });
  }

  override getConfig() {
    return { ...super.getConfig(), observer: { ...this.observer } };
  }
}
tf.serialization.registerClass(QuantizeStub);
