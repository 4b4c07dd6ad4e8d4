// What an operator rule sees (its input and output tensors, its options) and the checks rules are
// written with. A failed check throws one ModelProblem naming the operator and the tensor's role:
// "operator 3 (CONV_2D): filter tensor 7 is FLOAT32, expected INT8".
import { ActivationFunctionType, Padding, TensorType } from '../../../schemas/tflite.js';
import { ModelProblem } from '../limits.js';

export interface TensorView {
  index: number;
  type: TensorType;
  shape: number[];
  scales: number[];
  zeroPoints: bigint[];
  quantizedDimension: number;
  /** Constant data (the tensor's buffer), or null for activations. */
  data: Uint8Array | null;
}

export const QUANTIZED_TYPES: readonly TensorType[] = [TensorType.INT8, TensorType.UINT8, TensorType.INT16, TensorType.INT4];

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function typeName(type: TensorType): string {
  return TensorType[type] ?? `type ${type}`;
}

export class OpContext {
  constructor(
    readonly name: string,
    private readonly inputs: readonly (TensorView | null)[],
    private readonly outputs: readonly TensorView[],
    private readonly options: Readonly<Record<string, unknown>>,
  ) {}

  fail(problem: string): never {
    throw new ModelProblem(`${this.name}: ${problem}`);
  }

  counts(minInputs: number, maxInputs: number, outputs: number): void {
    const n = this.inputs.length;
    if (n < minInputs || n > maxInputs) {
      const expected = minInputs === maxInputs ? `${minInputs}` : maxInputs === Infinity ? `at least ${minInputs}` : `${minInputs} to ${maxInputs}`;
      this.fail(`has ${n} inputs, expected ${expected}`);
    }
    if (this.outputs.length !== outputs) this.fail(`has ${this.outputs.length} outputs, expected ${outputs}`);
  }

  get inputCount(): number {
    return this.inputs.length;
  }

  input(i: number, role: string): TensorView {
    const t = this.inputs[i];
    if (!t) this.fail(`${role} (input ${i}) is missing`);
    return t;
  }

  optional(i: number): TensorView | null {
    return this.inputs[i] ?? null;
  }

  output(i: number): TensorView {
    return this.outputs[i]!;
  }

  type(t: TensorView, role: string, allowed: readonly TensorType[]): void {
    if (!allowed.includes(t.type)) this.fail(`${role} tensor ${t.index} is ${typeName(t.type)}, expected ${allowed.map(typeName).join(' or ')}`);
  }

  sameType(t: TensorView, u: TensorView, roleT: string, roleU: string): void {
    if (t.type !== u.type) this.fail(`${roleT} tensor ${t.index} is ${typeName(t.type)} but ${roleU} tensor ${u.index} is ${typeName(u.type)}`);
  }

  rank(t: TensorView, role: string, ...ranks: number[]): void {
    if (!ranks.includes(t.shape.length)) this.fail(`${role} tensor ${t.index} has rank ${t.shape.length}, expected ${ranks.join(' or ')}`);
  }

  shape(t: TensorView, role: string, expected: readonly number[]): void {
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      this.fail(`${role} tensor ${t.index} has shape [${t.shape.join(',')}], expected [${expected.join(',')}]`);
    }
  }

  /** A quantized type (int8, uint8, int16, int4) needs a scale: kernels divide by it. */
  quantized(t: TensorView, role: string): void {
    if (QUANTIZED_TYPES.includes(t.type) && t.scales.length === 0) {
      this.fail(`${role} tensor ${t.index} is ${typeName(t.type)} without quantization parameters`);
    }
  }

  /** Per-channel scales of `t` must run along `dim` (what the kernel indexes them by). */
  channelAxis(t: TensorView, role: string, dim: number): void {
    if (t.scales.length > 1 && t.quantizedDimension !== dim) {
      this.fail(`${role} tensor ${t.index} has per-channel scales along dim ${t.quantizedDimension}, expected dim ${dim}`);
    }
  }

  /** An option field as stored (undefined when the operator has no options). */
  value(name: string): unknown {
    return this.options[name];
  }

  /** An option field (TFLite zero-fills the options of an operator that has none). */
  int(name: string): number {
    const v = this.options[name];
    return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0;
  }

  float(name: string): number {
    const v = this.options[name];
    return typeof v === 'number' ? v : 0;
  }

  positive(...names: string[]): void {
    for (const name of names) {
      const v = this.int(name);
      if (!(v >= 1)) this.fail(`option ${name} is ${v}, expected ≥ 1`);
    }
  }

  /** Fused activations the kernels implement. */
  activation(): void {
    const a = this.int('fusedActivationFunction');
    const ok = [ActivationFunctionType.NONE, ActivationFunctionType.RELU, ActivationFunctionType.RELU_N1_TO_1, ActivationFunctionType.RELU6];
    if (!ok.includes(a)) this.fail(`fused activation ${ActivationFunctionType[a] ?? a} is not one the kernels implement`);
  }

  padding(): Padding {
    const p = this.int('padding');
    if (p !== Padding.SAME && p !== Padding.VALID) this.fail(`padding ${p} is neither SAME nor VALID`);
    return p;
  }

  /** Values of a constant int32/int64 tensor, or null for an activation. */
  ints(t: TensorView, role: string): number[] | null {
    if (!t.data) return null;
    this.type(t, role, [TensorType.INT32, TensorType.INT64]);
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const size = t.type === TensorType.INT32 ? 4 : 8;
    const out: number[] = [];
    for (let i = 0; i + size <= t.data.byteLength; i += size) out.push(size === 4 ? view.getInt32(i, true) : Number(view.getBigInt64(i, true)));
    return out;
  }
}
