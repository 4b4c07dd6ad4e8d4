// Control flow (IF, WHILE, CALL_ONCE, the StableHLO region ops) runs other subgraphs by index.
// An index out of range reads past TFLite's subgraph list, and a subgraph that reaches itself makes
// the interpreter recurse until the WebAssembly stack overflows, so both are model-file errors.
// Which subgraphs an operator calls is read the way TFLite reads it: from its options table, and
// index 0 for an IF/WHILE/CALL_ONCE whose options are missing (TFLite zero-fills the params).
import {
  BuiltinOperator,
  BuiltinOptions,
  TFLITE_TABLES,
  TFLITE_UNIONS,
  unionToBuiltinOptions,
  unionToBuiltinOptions2,
  type Operator,
  type UnionName,
} from '../../schemas/tflite.js';
import { ModelProblem } from './limits.js';

/** Union type values whose options table names subgraphs (found in the schema layout, not listed by hand). */
function callingTypes(union: UnionName): Set<number> {
  const types = new Set<number>();
  TFLITE_UNIONS[union].forEach((table, type) => {
    if (table && TFLITE_TABLES[table].some(([name]) => /subgraph_index$|^subgraph$|^called_computations$/.test(name))) types.add(type);
  });
  return types;
}
const CALLING_OPTIONS = callingTypes('BuiltinOptions');
const CALLING_OPTIONS_2 = callingTypes('BuiltinOptions2');
const SUBGRAPH_KEY = /SubgraphIndex$|^subgraph$|^calledComputations$/;

const DEFAULT_CALLS: Partial<Record<number, BuiltinOptions>> = {
  [BuiltinOperator.IF]: BuiltinOptions.IfOptions,
  [BuiltinOperator.WHILE]: BuiltinOptions.WhileOptions,
  [BuiltinOperator.CALL_ONCE]: BuiltinOptions.CallOnceOptions,
};

function indicesIn(options: { unpack(): object } | null): number[] {
  if (!options) return [];
  const out: number[] = [];
  for (const [key, value] of Object.entries(options.unpack())) {
    if (!SUBGRAPH_KEY.test(key)) continue;
    if (typeof value === 'number') out.push(value);
    else if (Array.isArray(value)) for (const v of value) out.push(Number(v));
  }
  return out;
}

/** The subgraph indices `op` (with builtin code `code`) runs. */
export function calledSubgraphs(op: Operator, code: number): number[] {
  const calls: number[] = [];
  const type = op.builtinOptionsType();
  if (CALLING_OPTIONS.has(type)) calls.push(...indicesIn(unionToBuiltinOptions(type, (o) => op.builtinOptions(o))));
  const type2 = op.builtinOptions2Type();
  if (CALLING_OPTIONS_2.has(type2)) calls.push(...indicesIn(unionToBuiltinOptions2(type2, (o) => op.builtinOptions2(o))));
  const expected = DEFAULT_CALLS[code];
  if (expected !== undefined && type !== expected) calls.push(0);
  return calls;
}

/** Throws when a call leaves the subgraph list or a subgraph can reach itself. */
export function checkCallGraph(calls: readonly (readonly [op: number, callee: number])[][]): void {
  const count = calls.length;
  calls.forEach((edges, s) => {
    for (const [op, callee] of edges) {
      if (!(callee >= 0 && callee < count)) {
        throw new ModelProblem(`${s === 0 ? '' : `subgraph ${s} `}operator ${op} calls subgraph ${callee} out of range (${count} subgraphs)`);
      }
    }
  });
  // Iterative depth-first search (a deep call chain must not overflow the JS stack either).
  const state = new Uint8Array(count); // 0 unvisited, 1 on the current path, 2 done
  for (let start = 0; start < count; start++) {
    if (state[start] !== 0) continue;
    const stack: [node: number, next: number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const edges = calls[top[0]]!;
      if (top[1] >= edges.length) {
        state[top[0]] = 2;
        stack.pop();
        continue;
      }
      const [op, callee] = edges[top[1]++]!;
      if (state[callee] === 1) {
        throw new ModelProblem(`subgraph ${top[0]} operator ${op} calls subgraph ${callee}, which is already running (recursive control flow)`);
      }
      if (state[callee] === 0) {
        state[callee] = 1;
        stack.push([callee, 0]);
      }
    }
  }
}
