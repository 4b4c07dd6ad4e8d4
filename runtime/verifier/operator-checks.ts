// The execution half of the verifier: before a model reaches an interpreter, every operator must
// be one edgeqat has a rule for (ops/index.ts), in execution order (reading only constants,
// variables, subgraph inputs and earlier outputs), carry the options table TFLite reads for it (or
// none), and pass its rule: tensor types its kernel dispatches on, ranks, declared shapes equal to
// what the kernel computes, sane options. Interpreters trust these: the fuzzer found TFLite's
// WebAssembly kernels trapping (division by zero, out-of-bounds access, abort) or silently
// corrupting their heap on files whose structure and indices were all valid but whose operators
// were given a wrong tensor, type or stride.
import {
  BuiltinOperator,
  BuiltinOptions,
  BuiltinOptions2,
  Model,
  Operator,
  SubGraph,
  Tensor,
  unionToBuiltinOptions,
  type TensorType,
} from '../../schemas/tflite.js';
import { ModelProblem } from './limits.js';
import { OpContext, type TensorView } from './ops/op-context.js';
import { OP_RULES } from './ops/index.js';

function constantData(model: Model, bytes: Uint8Array): (Uint8Array | null)[] {
  const out: (Uint8Array | null)[] = [];
  for (let i = 0; i < model.buffersLength(); i++) {
    const buffer = model.buffers(i)!;
    const offset = buffer.offset();
    if (offset > 1n) out.push(bytes.subarray(Number(offset), Number(offset + buffer.size())));
    else out.push(buffer.dataLength() > 0 ? buffer.dataArray() : null);
  }
  return out.map((d) => (d && d.length > 0 ? d : null));
}

function tensorView(tensor: Tensor, index: number, data: (Uint8Array | null)[]): TensorView {
  const q = tensor.quantization();
  const scales: number[] = [];
  const zeroPoints: bigint[] = [];
  for (let i = 0; i < (q?.scaleLength() ?? 0); i++) scales.push(q!.scale(i)!);
  for (let i = 0; i < (q?.zeroPointLength() ?? 0); i++) zeroPoints.push(q!.zeroPoint(i)!);
  const shape: number[] = [];
  for (let i = 0; i < tensor.shapeLength(); i++) shape.push(tensor.shape(i)!);
  return {
    index,
    type: tensor.type() as TensorType,
    shape,
    scales,
    zeroPoints,
    quantizedDimension: q?.quantizedDimension() ?? 0,
    data: data[tensor.buffer()] ?? null,
  };
}

function plainOptions(op: Operator, type: BuiltinOptions): Record<string, unknown> {
  const table = unionToBuiltinOptions(type, (obj) => op.builtinOptions(obj));
  return table ? { ...table.unpack() } : {};
}

const RUN = Object.keys(OP_RULES).join(', ');

/** Throws a ModelProblem for the first operator an interpreter could not run safely. */
export function checkOperators(model: Model, bytes: Uint8Array): void {
  const data = constantData(model, bytes);
  const codes: number[] = [];
  const versions: number[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const code = model.operatorCodes(i)!;
    codes.push(Math.max(code.deprecatedBuiltinCode(), code.builtinCode()));
    versions.push(code.version());
  }
  const graph = new SubGraph();
  const op = new Operator();
  const tensor = new Tensor();
  for (let s = 0; s < model.subgraphsLength(); s++) {
    model.subgraphs(s, graph);
    const at = s === 0 ? '' : `subgraph ${s} `;
    const views = new Map<number, TensorView>();
    const view = (index: number) => {
      let v = views.get(index);
      if (!v) views.set(index, (v = tensorView(graph.tensors(index, tensor)!, index, data)));
      return v;
    };
    // What an operator may read: constants, variables, subgraph inputs, earlier operators' outputs.
    const written = new Set<number>();
    for (let i = 0; i < graph.inputsLength(); i++) written.add(graph.inputs(i)!);
    for (let t = 0; t < graph.tensorsLength(); t++) {
      graph.tensors(t, tensor);
      if (tensor.isVariable() || (data[tensor.buffer()] ?? null) !== null) written.add(t);
    }
    for (let o = 0; o < graph.operatorsLength(); o++) {
      graph.operators(o, op);
      const code = codes[op.opcodeIndex()]!;
      const version = versions[op.opcodeIndex()]!;
      const opName = BuiltinOperator[code];
      if (opName === undefined) throw new ModelProblem(`${at}operator ${o} has unknown builtin operator code ${code}`);
      const name = `${at}operator ${o} (${opName})`;
      const rule = OP_RULES[opName];
      if (!rule) throw new ModelProblem(`${name} is not an operator edgeqat's engines run (they run ${RUN})`, 'E_UNSUPPORTED');
      if (version < 1) throw new ModelProblem(`${name}: operator version ${version}, expected ≥ 1`);
      const type = op.builtinOptionsType();
      const expected = rule.options ? BuiltinOptions[rule.options as keyof typeof BuiltinOptions] : BuiltinOptions.NONE;
      if (type !== BuiltinOptions.NONE && type !== expected) {
        throw new ModelProblem(`${name}: has ${BuiltinOptions[type] ?? `options of unknown type ${type}`}, expected ${rule.options ?? 'no options'}`);
      }
      if (op.builtinOptions2Type() !== BuiltinOptions2.NONE) {
        throw new ModelProblem(`${name}: has ${BuiltinOptions2[op.builtinOptions2Type()] ?? 'unknown options'}, expected ${rule.options ?? 'no options'}`);
      }
      const inputs: (TensorView | null)[] = [];
      for (let i = 0; i < op.inputsLength(); i++) {
        const t = op.inputs(i)!;
        if (t !== -1 && !written.has(t)) {
          throw new ModelProblem(`${name}: reads tensor ${t} before any operator writes it (operators must come in execution order)`);
        }
        inputs.push(t === -1 ? null : view(t));
      }
      const outputs: TensorView[] = [];
      for (let i = 0; i < op.outputsLength(); i++) {
        outputs.push(view(op.outputs(i)!));
        written.add(op.outputs(i)!);
      }
      rule.check(new OpContext(name, inputs, outputs, type === BuiltinOptions.NONE ? {} : plainOptions(op, type)));
    }
  }
}
