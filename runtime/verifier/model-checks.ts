// The TFLite half of the verifier: what the interpreter needs to hold before it builds a graph
// (InterpreterBuilder's checks and more): schema version 3, at least one subgraph, the empty
// sentinel buffer 0, external buffers inside the file, every index — tensor, buffer, operator
// code, subgraph — in range, each tensor produced at most once and never a constant, a subgraph
// input or an input of the same operator, and every tensor's own checks (tensor-checks.ts). Messages name the thing as TFLite's
// tools do: "tensor 7 buffer 12 out of range (9 buffers)", "subgraph 1 operator 3 …".
// Runs after the structural walk, so every accessor here reads inside the file.
import {
  BuiltinOperator,
  Model,
  Operator,
  SubGraph,
  Tensor,
  TFLITE_SCHEMA_VERSION,
  type Buffer as TfliteBuffer,
  type ByteBuffer,
} from '../../schemas/tflite.js';
import { ModelProblem } from './limits.js';
import { calledSubgraphs, checkCallGraph } from './subgraph-calls.js';
import { checkTensor } from './tensor-checks.js';

export interface ModelCheckOptions {
  fileBytes: number;
  maxTensorElements: number;
}

function problem(message: string): never {
  throw new ModelProblem(message);
}

/** `[offset, offset + size)` of data stored after the FlatBuffer must lie inside the file. */
function checkExternal(what: string, offset: bigint, size: bigint, fileBytes: number): void {
  if (offset > 1n && offset + size > BigInt(fileBytes)) {
    problem(`${what} external data at bytes ${offset}..${offset + size} is outside the ${fileBytes}-byte file`);
  }
}

/** Byte length of each buffer; `emptyData` collects buffers whose data field is there but empty. */
function bufferSizes(model: Model, fileBytes: number, emptyData: Set<number>): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < model.buffersLength(); i++) {
    const buffer: TfliteBuffer = model.buffers(i)!;
    const inline = buffer.dataLength();
    if (inline === 0 && present(buffer, BUFFER_DATA)) emptyData.add(i);
    const offset = buffer.offset();
    if (offset > 1n) {
      if (inline > 0) problem(`buffer ${i} has both inline data and an external offset`);
      checkExternal(`buffer ${i}`, offset, buffer.size(), fileBytes);
      sizes.push(Number(buffer.size()));
    } else {
      sizes.push(inline);
    }
  }
  if (sizes.length > 0 && sizes[0] !== 0) problem(`buffer 0 must be the empty sentinel but holds ${sizes[0]} bytes`);
  return sizes;
}

function builtinCodes(model: Model): number[] {
  const codes: number[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const code = model.operatorCodes(i)!;
    const builtin = Math.max(code.deprecatedBuiltinCode(), code.builtinCode()); // TFLite's GetBuiltinCode
    if (builtin === BuiltinOperator.CUSTOM && code.customCode() === null) problem(`operator code ${i} is CUSTOM without a custom_code`);
    codes.push(builtin);
  }
  return codes;
}

interface ModelFacts {
  bufferBytes: number[];
  /** Buffers with a data field of length 0: TFLite reads them as 0-byte constants, not as absent. */
  emptyData: Set<number>;
  codes: number[];
  options: ModelCheckOptions;
}

/** Checks subgraph `s`; returns the [operator, callee] pairs of its control-flow operators. */
function checkSubgraph(graph: SubGraph, s: number, facts: ModelFacts): [number, number][] {
  const at = s === 0 ? '' : `subgraph ${s} `;
  const tensorCount = graph.tensorsLength();
  const tensorRef = (value: number, what: string) => {
    if (!(value >= 0 && value < tensorCount)) problem(`${at}${what} ${value} out of range (${tensorCount} tensors)`);
  };

  const constant = new Uint8Array(tensorCount);
  const tensor = new Tensor();
  for (let i = 0; i < tensorCount; i++) {
    const ctx = { name: `${at}tensor ${i}`, bufferBytes: facts.bufferBytes, maxElements: facts.options.maxTensorElements };
    constant[i] = checkTensor(graph.tensors(i, tensor)!, ctx) ? 1 : 0;
    const buffer = tensor.buffer();
    if (buffer !== 0 && facts.emptyData.has(buffer) && !hasZeroDim(tensor)) {
      problem(`${at}tensor ${i} buffer ${buffer} has an empty data vector, which TFLite reads as 0 bytes of constant data (leave data out for a tensor without constant data)`);
    }
  }
  const isInput = new Uint8Array(tensorCount);
  for (let i = 0; i < graph.inputsLength(); i++) {
    const t = graph.inputs(i)!;
    tensorRef(t, `input ${i} is tensor`);
    isInput[t] = 1;
  }
  for (let i = 0; i < graph.outputsLength(); i++) tensorRef(graph.outputs(i)!, `output ${i} is tensor`);

  const producer = new Int32Array(tensorCount).fill(-1);
  const calls: [number, number][] = [];
  const op = new Operator();
  for (let o = 0; o < graph.operatorsLength(); o++) {
    graph.operators(o, op);
    const name = `operator ${o}`;
    const opcode = op.opcodeIndex();
    if (opcode >= facts.codes.length) problem(`${at}${name} opcode index ${opcode} out of range (${facts.codes.length} operator codes)`);
    const inputs = op.inputsLength();
    const reads = new Set<number>();
    for (let i = 0; i < inputs; i++) {
      const t = op.inputs(i)!;
      if (t !== -1) tensorRef(t, `${name} input ${i} is tensor`); // -1: an optional input left out
      reads.add(t);
    }
    for (let i = 0; i < op.outputsLength(); i++) {
      const t = op.outputs(i)!;
      tensorRef(t, `${name} output ${i} is tensor`);
      if (reads.has(t)) problem(`${at}${name} reads tensor ${t}, which it also writes`);
      if (producer[t] >= 0) problem(`${at}tensor ${t} is produced twice (operators ${producer[t]} and ${o})`);
      if (constant[t]) problem(`${at}${name} writes tensor ${t}, a constant`);
      if (isInput[t]) problem(`${at}${name} writes tensor ${t}, an input of the subgraph`);
      producer[t] = o;
    }
    for (let i = 0; i < op.intermediatesLength(); i++) tensorRef(op.intermediates(i)!, `${name} intermediate ${i} is tensor`);
    const mutating = op.mutatingVariableInputsLength();
    if (mutating !== 0 && mutating !== inputs) problem(`${at}${name} has ${mutating} mutating_variable_inputs for ${inputs} inputs`);
    checkExternal(`${at}${name} custom options`, op.largeCustomOptionsOffset(), op.largeCustomOptionsSize(), facts.options.fileBytes);
    for (const callee of calledSubgraphs(op, facts.codes[opcode]!)) calls.push([o, callee]);
  }
  return calls;
}

// Optional in the schema, but TFLite's C++ (and LiteRT's) dereferences them without a null check:
// a signature without its key, inputs or outputs, a signature tensor or metadata entry without a
// name makes the interpreter build a string from address 0 and abort.
function checkSignatures(model: Model, subgraphCount: number, tensorCounts: number[], io: [Set<number>, Set<number>][]): void {
  for (let i = 0; i < model.signatureDefsLength(); i++) {
    const sig = model.signatureDefs(i)!;
    const s = sig.subgraphIndex();
    if (s >= subgraphCount) problem(`signature ${i} subgraph ${s} out of range (${subgraphCount} subgraphs)`);
    if (sig.signatureKey() === null) problem(`signature ${i} has no signature_key`);
    for (const [kind, length, get] of [
      ['input', sig.inputsLength(), (k: number) => sig.inputs(k)],
      ['output', sig.outputsLength(), (k: number) => sig.outputs(k)],
    ] as const) {
      if (!present(sig, kind === 'input' ? SIGNATURE_INPUTS : SIGNATURE_OUTPUTS)) problem(`signature ${i} has no ${kind}s list`);
      // Runtimes with signature runners (LiteRT) match the signature to the subgraph's I/O.
      const expected = io[s]![kind === 'input' ? 0 : 1];
      if (length !== expected.size) problem(`signature ${i} lists ${length} ${kind}s but subgraph ${s} has ${expected.size}`);
      for (let k = 0; k < length; k++) {
        const map = get(k)!;
        const t = map.tensorIndex();
        if (t >= tensorCounts[s]!) problem(`signature ${i} ${kind} ${k} is tensor ${t} out of range (${tensorCounts[s]} tensors in subgraph ${s})`);
        if (map.name() === null) problem(`signature ${i} ${kind} ${k} has no name`);
        if (!expected.has(t)) problem(`signature ${i} ${kind} ${k} is tensor ${t}, not an ${kind} of subgraph ${s}`);
      }
    }
  }
}

function hasZeroDim(tensor: Tensor): boolean {
  for (let i = 0; i < tensor.shapeLength(); i++) if (tensor.shape(i) === 0) return true;
  return false;
}

/** Vtable offsets (4 + 2 × field id) of fields whose presence matters, not just their value. */
const BUFFER_DATA = 4;
const SIGNATURE_INPUTS = 4;
const SIGNATURE_OUTPUTS = 6;

function present(table: { bb: ByteBuffer | null; bb_pos: number }, vtableOffset: number): boolean {
  return table.bb!.__offset(table.bb_pos, vtableOffset) !== 0;
}

/** Throws a ModelProblem for the first thing TFLite would misread; `model` is structurally verified. */
export function checkModel(model: Model, options: ModelCheckOptions): void {
  const version = model.version();
  if (version !== TFLITE_SCHEMA_VERSION) problem(`schema version ${version}, expected ${TFLITE_SCHEMA_VERSION}`);
  const subgraphCount = model.subgraphsLength();
  if (subgraphCount === 0) problem('the model has no subgraph');

  const emptyData = new Set<number>();
  const facts: ModelFacts = { bufferBytes: bufferSizes(model, options.fileBytes, emptyData), emptyData, codes: builtinCodes(model), options };
  const buffers = facts.bufferBytes.length;
  for (let i = 0; i < model.metadataLength(); i++) {
    const entry = model.metadata(i)!;
    if (entry.buffer() >= buffers) problem(`metadata ${i} buffer ${entry.buffer()} out of range (${buffers} buffers)`);
    if (entry.name() === null) problem(`metadata ${i} has no name`);
  }
  for (let i = 0; i < model.metadataBufferLength(); i++) {
    const b = model.metadataBuffer(i)!;
    if (!(b >= 0 && b < buffers)) problem(`metadata_buffer ${i} is buffer ${b} out of range (${buffers} buffers)`);
  }

  const calls: [number, number][][] = [];
  const tensorCounts: number[] = [];
  const io: [Set<number>, Set<number>][] = [];
  const graph = new SubGraph();
  for (let s = 0; s < subgraphCount; s++) {
    model.subgraphs(s, graph);
    tensorCounts.push(graph.tensorsLength());
    calls.push(checkSubgraph(graph, s, facts));
    const list = (n: number, at: (i: number) => number | null) => new Set(Array.from({ length: n }, (_, i) => at(i)!));
    io.push([list(graph.inputsLength(), (i) => graph.inputs(i)), list(graph.outputsLength(), (i) => graph.outputs(i))]);
  }
  checkCallGraph(calls);
  checkSignatures(model, subgraphCount, tensorCounts, io);
}
