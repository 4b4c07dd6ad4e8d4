// Mutations of a valid model: blind ones (bit flips, truncation, byte insertion and deletion,
// splices) and structure-aware ones aimed with the seed's site map (offsets and lengths rewritten
// to boundary values, index fields set out of range or swapped, tables reordered or shared,
// scalars such as shapes, types and scales set to extreme values). One case applies 1–3 of them.
import type { StructureSite } from '../../runtime/verifier/index.js';
import { int, pick, type Rng } from './prng.js';
import type { Seed } from './seeds.js';

type FieldSite = Extract<StructureSite, { field: string }>;
type Mutator = (rng: Rng, b: Uint8Array, seed: Seed) => { bytes: Uint8Array; detail: string };

const INDEX_FIELDS = /^(inputs|outputs|intermediates|buffer|opcode_index|subgraph_index|tensor_index|quantized_dimension|metadata_buffer|.*_subgraph_index)$/;
const FLOAT_FIELDS = /^(scale|min|max)$/;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function sitesOf(seed: Seed, b: Uint8Array, test: (s: StructureSite) => boolean): StructureSite[] {
  return seed.sites.filter((s) => test(s) && s.pos + s.size <= b.length);
}

/** Writes `value` as a little-endian integer of `size` bytes (wrapping), or a float32 when asked. */
function write(b: Uint8Array, pos: number, size: number, value: number | bigint, float = false): void {
  const v = view(b);
  if (float) return v.setFloat32(pos, Number(value), true);
  if (size === 1) v.setUint8(pos, Number(BigInt.asUintN(8, BigInt(value))));
  else if (size === 2) v.setUint16(pos, Number(BigInt.asUintN(16, BigInt(value))), true);
  else if (size === 4) v.setUint32(pos, Number(BigInt.asUintN(32, BigInt(value))), true);
  else v.setBigUint64(pos, BigInt.asUintN(64, BigInt(value)), true);
}

function read(b: Uint8Array, pos: number, size: number): number {
  const v = view(b);
  return size === 1 ? v.getUint8(pos) : size === 2 ? v.getUint16(pos, true) : v.getUint32(pos, true);
}

function boundaryInt(rng: Rng, size: number, current: number, b: Uint8Array, pos: number): number | bigint {
  if (size === 8) return pick(rng, [0n, 1n, 2n, -1n, (1n << 63n) - 1n, 1n << 63n, BigInt(b.length), BigInt(b.length - 8), 1n << 32n, BigInt(int(rng, b.length))]);
  const top = 2 ** (8 * size);
  return pick(rng, [
    0, 1, 2, 3, 4, top - 1, top - 2, top - 4, top / 2, top / 2 - 1,
    current + 1, current - 1, current + 4, current - 4, current * 2,
    b.length, b.length - pos, b.length - pos - 4, b.length - pos + 4,
    2 ** 16, 2 ** 20, 2 ** 28, 2 ** 28 + 1,
    int(rng, top),
  ]);
}

const FLOATS = [NaN, Infinity, -Infinity, 0, -0, -1, 1e-45, 1e-38, 1e-20, 1e20, 3.4e38, 1];

const bitFlips: Mutator = (rng, b) => {
  const n = 1 + int(rng, 4);
  for (let i = 0; i < n; i++) b[int(rng, b.length)] ^= 1 << int(rng, 8);
  return { bytes: b, detail: `${n} random bit flips` };
};

const structureBitFlip: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => s.kind !== 'elements' && s.kind !== 'offsets');
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  const at = s.pos + int(rng, s.size);
  b[at] ^= 1 << int(rng, 8);
  return { bytes: b, detail: `bit flip in ${s.kind} at ${at}` };
};

const truncate: Mutator = (rng, b) => {
  const n = int(rng, b.length);
  return { bytes: b.subarray(0, n), detail: `truncate to ${n}` };
};

const insertBytes: Mutator = (rng, b, seed) => {
  const at = rng() < 0.5 && seed.sites.length ? Math.min(pick(rng, seed.sites).pos, b.length) : int(rng, b.length + 1);
  const n = 1 + int(rng, 16);
  const out = new Uint8Array(b.length + n);
  out.set(b.subarray(0, at));
  for (let i = 0; i < n; i++) out[at + i] = rng() < 0.5 ? 0 : int(rng, 256);
  out.set(b.subarray(at), at + n);
  return { bytes: out, detail: `insert ${n} bytes at ${at}` };
};

const deleteBytes: Mutator = (rng, b) => {
  const at = int(rng, b.length);
  const n = Math.min(1 + int(rng, 16), b.length - at);
  const out = new Uint8Array(b.length - n);
  out.set(b.subarray(0, at));
  out.set(b.subarray(at + n), at);
  return { bytes: out, detail: `delete ${n} bytes at ${at}` };
};

const splice: Mutator = (rng, b) => {
  const n = 1 + int(rng, 64);
  const from = int(rng, Math.max(b.length - n, 1));
  const to = int(rng, Math.max(b.length - n, 1));
  b.copyWithin(to, from, from + n);
  return { bytes: b, detail: `copy ${n} bytes from ${from} to ${to}` };
};

const offsetRewrite: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => ['uoffset', 'soffset', 'voffset', 'vtable-size', 'table-size'].includes(s.kind));
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  const value = boundaryInt(rng, s.size, read(b, s.pos, s.size), b, s.pos);
  write(b, s.pos, s.size, value);
  return { bytes: b, detail: `${s.kind} at ${s.pos} := ${value}` };
};

const lengthRewrite: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => s.kind === 'length');
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  const current = read(b, s.pos, 4);
  const room = b.length - s.pos - 4;
  const value = pick(rng, [0, 1, current - 1, current + 1, current * 2, room, room + 1, room >> 2, (room >> 2) + 1, room >> 3, 0x3fffffff, 0x7fffffff, 0xffffffff]);
  write(b, s.pos, 4, value);
  return { bytes: b, detail: `length at ${s.pos} := ${value}` };
};

/** Operator/subgraph tensor lists, buffer and opcode indices: out of range, -1, or swapped. */
const indexRewrite: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => (s.kind === 'elements' || s.kind === 'scalar') && INDEX_FIELDS.test(s.field) && s.size === 4) as FieldSite[];
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  const count = s.kind === 'elements' ? s.count : 1;
  if (count === 0) return offsetRewrite(rng, b, seed);
  const at = s.pos + 4 * int(rng, count);
  if (rng() < 0.4) {
    const other = pick(rng, sites);
    const otherCount = other.kind === 'elements' ? other.count : 1;
    if (otherCount > 0) {
      const at2 = other.pos + 4 * int(rng, otherCount);
      const [x, y] = [read(b, at, 4), read(b, at2, 4)];
      write(b, at, 4, y);
      write(b, at2, 4, x);
      return { bytes: b, detail: `swap ${s.field}@${at} and ${other.field}@${at2}` };
    }
  }
  const current = read(b, at, 4) | 0;
  const value = pick(rng, [-1, -2, current + 1, current - 1, current + 2, current + 100, 0, 1, 0x7fffffff, -0x80000000, int(rng, 64)]);
  write(b, at, 4, value);
  return { bytes: b, detail: `${s.table}.${s.field}@${at} := ${value}` };
};

/** Reorders (or shares) two entries of a vector of tables: operators, tensors, buffers, codes… */
const tableSwap: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => s.kind === 'offsets' && s.count >= 2);
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  if (s.kind !== 'offsets') return bitFlips(rng, b, seed);
  const i = int(rng, s.count);
  let j = int(rng, s.count - 1);
  if (j >= i) j++;
  const [pi, pj] = [s.pos + 4 * i, s.pos + 4 * j];
  if (pj + 4 > b.length || pi + 4 > b.length) return bitFlips(rng, b, seed);
  const [ti, tj] = [pi + read(b, pi, 4), pj + read(b, pj, 4)];
  const share = rng() < 0.3;
  write(b, pi, 4, tj - pi);
  if (!share) write(b, pj, 4, ti - pj);
  return { bytes: b, detail: `${share ? 'share' : 'swap'} ${s.table}.${s.field}[${i}] and [${j}]` };
};

/** Shapes, types, scales, zero points, versions, union types, option values. */
const scalarRewrite: Mutator = (rng, b, seed) => {
  const sites = sitesOf(seed, b, (s) => s.kind === 'scalar' || (s.kind === 'elements' && s.count > 0 && s.size > 1));
  if (sites.length === 0) return bitFlips(rng, b, seed);
  const s = pick(rng, sites);
  if (s.kind !== 'scalar' && s.kind !== 'elements') return bitFlips(rng, b, seed);
  const at = s.kind === 'elements' ? s.pos + s.size * int(rng, s.count) : s.pos;
  if (at + s.size > b.length) return bitFlips(rng, b, seed);
  if (FLOAT_FIELDS.test(s.field) && s.size === 4) {
    const value = pick(rng, FLOATS);
    write(b, at, 4, value, true);
    return { bytes: b, detail: `${s.table}.${s.field}@${at} := ${value}` };
  }
  const value = boundaryInt(rng, s.size, s.size === 8 ? 0 : read(b, at, s.size), b, at);
  write(b, at, s.size, value);
  return { bytes: b, detail: `${s.table}.${s.field}@${at} := ${value}` };
};

const MUTATORS: [Mutator, number][] = [
  [bitFlips, 3],
  [structureBitFlip, 3],
  [truncate, 1],
  [insertBytes, 1],
  [deleteBytes, 1],
  [splice, 1],
  [offsetRewrite, 3],
  [lengthRewrite, 2],
  [indexRewrite, 3],
  [tableSwap, 2],
  [scalarRewrite, 4],
];
const TOTAL_WEIGHT = MUTATORS.reduce((n, [, w]) => n + w, 0);

function pickMutator(rng: Rng): Mutator {
  let r = rng() * TOTAL_WEIGHT;
  for (const [m, w] of MUTATORS) {
    if ((r -= w) < 0) return m;
  }
  return MUTATORS[0]![0];
}

/** A mutated copy of `seed` (the seed's bytes are never changed) and what was done to it. */
export function mutate(rng: Rng, seed: Seed): { bytes: Uint8Array; mutations: string[] } {
  let bytes: Uint8Array = seed.bytes.slice();
  const mutations: string[] = [];
  const n = rng() < 0.7 ? 1 : 2 + int(rng, 2);
  for (let i = 0; i < n && bytes.length > 0; i++) {
    const r = pickMutator(rng)(rng, bytes, seed);
    bytes = r.bytes;
    mutations.push(r.detail);
  }
  return { bytes, mutations };
}
