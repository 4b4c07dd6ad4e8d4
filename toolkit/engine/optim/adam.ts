// Adam (PyTorch's formulation, bias-corrected, float32) with its state in the memory of a
// WebAssembly SIMD kernel: one read of each gradient and one write of each variable per step,
// instead of ~15 TF.js kernels per variable — at small batches per-kernel dispatch, not arithmetic,
// is what a training step costs, and the update loop itself runs 4 lanes at a time.
// A tf.Optimizer, so model.compile({ optimizer }) and optimizer.minimize() both use it.
import * as tf from '@tensorflow/tfjs-core';
import { AdamMemory, type AdamBlock } from './adam-memory.js';

type NamedTensor = { name: string; tensor: tf.Tensor };

export interface AdamConfig {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * L2 penalty λ·Σw² on the kernels (Keras's kernel_regularizer l2(λ); MLPerf Tiny's KWS
   * reference trains with l2(1e-4)): 2λ·w is added to their gradients before the Adam update
   * (coupled, as a loss term is; not AdamW's decoupled decay). 0: off.
   */
  kernelL2?: number;
}

/**
 * Kernels take the L2 penalty (a SeparableConv2D's depthwise and pointwise ones too); biases and
 * batch-norm parameters do not (as in Keras).
 */
export function isKernel(variableName: string): boolean {
  return /(^|\/)((depthwise|pointwise)_)?kernel(_\d+)?$/.test(variableName);
}

interface Slot {
  variable: tf.Variable;
  /** The variable's data as we last wrote it (a variable keeps its id but gets a new dataId). */
  writtenDataId: object | null;
  block: AdamBlock;
}

export class JsAdam extends tf.Optimizer {
  static readonly className = 'EdgeqatJsAdam';
  /** Set by the training loop's learning-rate schedule before each step. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly kernelL2: number;
  private step = 0;
  private readonly slots = new Map<string, Slot>();
  private readonly memory = new AdamMemory();

  constructor(config: AdamConfig) {
    super();
    this.learningRate = config.learningRate;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-8;
    this.kernelL2 = config.kernelL2 ?? 0;
  }

  private slot(name: string): Slot {
    const variable = tf.engine().registeredVariables[name];
    let s = this.slots.get(name);
    if (!s) {
      s = { variable, writtenDataId: null, block: this.memory.allocate(variable.size) };
      this.slots.set(name, s);
    }
    if (s.writtenDataId !== variable.dataId) this.memory.params(s.block).set(variable.dataSync() as Float32Array); // set or loaded elsewhere
    return s;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    this.step++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const stepSize = this.learningRate / (1 - Math.pow(b1, this.step));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, this.step));
    for (const { name, tensor } of grads) {
      if (tensor == null) continue;
      const s = this.slot(name);
      const grad = this.memory.grad(s.block);
      grad.set(tensor.dataSync() as Float32Array);
      if (this.kernelL2 > 0 && isKernel(name)) {
        const params = this.memory.params(s.block);
        const k = 2 * this.kernelL2;
        for (let i = 0; i < grad.length; i++) grad[i] += k * params[i];
      }
      this.memory.step(s.block, b1, b2, stepSize, sqrtBc2, eps);
      // The cpu backend keeps the array it is given (no copy): give it its own, not a view of
      // memory this optimizer rewrites next step and that detaches when it grows.
      const params = this.memory.params(s.block);
      const next = tf.tensor(tf.getBackend() === 'wasm' ? params : params.slice(), s.variable.shape, 'float32');
      s.variable.assign(next);
      next.dispose(); // the variable keeps its own reference
      s.writtenDataId = s.variable.dataId;
    }
    this.incrementIterations();
  }

  /** Moment estimates of one variable (zeros if it has not been updated yet). */
  exportSlot(variable: tf.Variable): { m: Float32Array; v: Float32Array } {
    const s = this.slot(variable.name);
    return { m: this.memory.m(s.block).slice(), v: this.memory.v(s.block).slice() };
  }

  importSlot(variable: tf.Variable, m: Float32Array, v: Float32Array): void {
    const s = this.slot(variable.name);
    this.memory.m(s.block).set(m);
    this.memory.v(s.block).set(v);
  }

  get steps(): number {
    return this.step;
  }

  set steps(n: number) {
    this.step = n;
    this.iterations_ = n;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, s] of this.slots) {
      out.push({ name: `${name}/m`, tensor: tf.tensor(this.memory.m(s.block).slice(), s.variable.shape) });
      out.push({ name: `${name}/v`, tensor: tf.tensor(this.memory.v(s.block).slice(), s.variable.shape) });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.step = this.iterations;
    for (const { name, tensor } of rest) {
      const slash = name.lastIndexOf('/');
      const s = this.slot(name.slice(0, slash));
      (name.endsWith('/m') ? this.memory.m(s.block) : this.memory.v(s.block)).set(tensor.dataSync() as Float32Array);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, kernelL2: this.kernelL2 };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as unknown as AdamConfig);
  }
}
tf.serialization.registerClass(JsAdam);
