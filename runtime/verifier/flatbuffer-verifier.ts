// The structural half of the verifier: what FlatBuffers' own C++ Verifier checks, for exactly the
// tables a TFLite model can reach (the layout generated from the schema, schemas/layout/). After it
// passes, every accessor of the generated code — and of the C++ FlatBuffers the engines use — reads
// inside the file and sees the same values: every offset, vtable, table, vector and string is in
// bounds and aligned, every union value has the table its type names.
//
// Stricter than FlatBuffers in four places, all of which any FlatBuffers builder satisfies:
// - vtables and tables are under 32 KB (the TypeScript runtime reads vtable entries as int16, so
//   larger ones would be seen differently by it and by C++);
// - a field lies inside its table's inline size (C++ only checks it is inside the file);
// - vector elements are aligned to their size (C++ only checks the length prefix);
// - a union has a value exactly when its type is not NONE.
// Deprecated fields are not followed, as in FlatBuffers; union types newer than the schema are
// accepted if their value is an in-bounds offset (FlatBuffers accepts them unchecked).
//
// Work is bounded: at most `maxTables` tables, nesting under `maxDepth`, and at most
// `maxApparentBytes` of tables/vectors/strings reached, counting a shared object once per path to
// it (so a file cannot make a reader walk the same vector millions of times).
import { TFLITE_TABLES, TFLITE_UNIONS, type FieldLayout, type TableName } from '../../schemas/tflite.js';

export interface StructureLimits {
  maxDepth: number;
  maxTables: number;
  maxApparentBytes: number;
}

/** A structural problem; the message says where (a field path) and what. */
export class StructureError extends Error {}

/** What the fuzzer's structure-aware mutations need to know about each location (optional). */
export type StructureSite =
  | { kind: 'uoffset' | 'soffset' | 'vtable-size' | 'table-size' | 'voffset' | 'length'; pos: number; size: number }
  | { kind: 'scalar'; pos: number; size: number; table: TableName; field: string }
  | { kind: 'elements' | 'offsets'; pos: number; size: number; count: number; table: TableName; field: string };

export type SiteVisitor = (site: StructureSite) => void;

const MAX_INLINE = 0x8000;

export function verifyFlatBufferStructure(
  bytes: Uint8Array,
  root: TableName,
  limits: StructureLimits,
  visit?: SiteVisitor,
): void {
  new Walker(bytes, limits, visit).root(root);
}

class Walker {
  private readonly view: DataView;
  private readonly length: number;
  private tables = 0;
  private apparent = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    bytes: Uint8Array,
    private readonly limits: StructureLimits,
    private readonly visit: SiteVisitor | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  root(name: TableName): void {
    this.table(this.offset(0), name, 0);
  }

  private where(): string {
    let s = '';
    for (const part of this.path) s += typeof part === 'number' ? `[${part}]` : s ? `.${part}` : part;
    return s || 'root table';
  }

  private fail(problem: string): never {
    throw new StructureError(`${this.where()}: ${problem}`);
  }

  private inFile(pos: number, size: number, what: string): void {
    if (pos < 0 || pos + size > this.length) {
      this.fail(`${what} at byte ${pos} (${size} bytes) runs past the end of the ${this.length}-byte file`);
    }
  }

  private aligned(pos: number, align: number, what: string): void {
    if (pos % align !== 0) this.fail(`${what} at byte ${pos} is not ${align}-byte aligned`);
  }

  private charge(bytes: number): void {
    this.apparent += bytes;
    if (this.apparent > this.limits.maxApparentBytes) {
      this.fail(`the file reuses its objects so often that reading it means walking over ${this.limits.maxApparentBytes} bytes`);
    }
  }

  /** Follows the uoffset stored at `pos`; returns the absolute position it points to. */
  private offset(pos: number): number {
    this.aligned(pos, 4, 'offset');
    this.inFile(pos, 4, 'offset');
    this.visit?.({ kind: 'uoffset', pos, size: 4 });
    const o = this.view.getUint32(pos, true);
    // C++ rejects 0 and values ≥ 2^31; the TypeScript runtime reads offsets as int32.
    if (o === 0 || o >= 0x80000000) this.fail(`offset ${o} at byte ${pos} is ${o === 0 ? 'zero' : 'negative'}`);
    if (pos + o >= this.length) this.fail(`offset at byte ${pos} points to byte ${pos + o}, past the end of the ${this.length}-byte file`);
    return pos + o;
  }

  private table(pos: number, name: TableName, depth: number): void {
    if (depth >= this.limits.maxDepth) this.fail(`tables nested deeper than ${this.limits.maxDepth}`);
    if (++this.tables > this.limits.maxTables) this.fail(`more than ${this.limits.maxTables} tables`);
    this.aligned(pos, 4, `${name} table`);
    this.inFile(pos, 4, `${name} table`);
    this.visit?.({ kind: 'soffset', pos, size: 4 });
    const vt = pos - this.view.getInt32(pos, true);
    this.aligned(vt, 2, `vtable of ${name}`);
    this.inFile(vt, 4, `vtable of ${name}`);
    this.visit?.({ kind: 'vtable-size', pos: vt, size: 2 });
    this.visit?.({ kind: 'table-size', pos: vt + 2, size: 2 });
    const vsize = this.view.getUint16(vt, true);
    const tsize = this.view.getUint16(vt + 2, true);
    if (vsize < 4 || vsize % 2 !== 0 || vsize >= MAX_INLINE) this.fail(`vtable at byte ${vt} has invalid size ${vsize}`);
    this.inFile(vt, vsize, `vtable of ${name}`);
    if (tsize < 4 || tsize >= MAX_INLINE) this.fail(`${name} table at byte ${pos} has invalid size ${tsize}`);
    this.inFile(pos, tsize, `${name} table`);
    this.charge(tsize);

    const fields = TFLITE_TABLES[name];
    const slots = (vsize - 4) / 2;
    let unionType = 0;
    for (let slot = 0; slot < slots; slot++) {
      const entry = vt + 4 + 2 * slot;
      this.visit?.({ kind: 'voffset', pos: entry, size: 2 });
      const fo = this.view.getUint16(entry, true);
      const field: FieldLayout | undefined = fields[slot];
      if (fo !== 0 && (fo < 4 || fo >= tsize)) {
        this.path.push(field ? field[0] : `field ${slot}`);
        this.fail(`field offset ${fo} is outside its ${tsize}-byte table`);
      }
      if (!field) continue; // a field newer than the schema: nothing reads it
      if (field[1] === 'union-type') {
        unionType = fo === 0 ? 0 : this.view.getUint8(pos + fo);
        if (fo !== 0) this.visit?.({ kind: 'scalar', pos: pos + fo, size: 1, table: name, field: field[0] });
        continue;
      }
      if (fo === 0 && field[1] !== 'union') continue;
      this.path.push(field[0]);
      this.field(name, field, pos + fo, fo === 0 ? -1 : pos + fo, tsize - fo, unionType, depth);
      this.path.pop();
      if (field[1] === 'union') unionType = 0;
    }
    // A union type whose value slot lies past the end of a short vtable: a type without a value.
    if (unionType !== 0) this.fail(`${name} has a union type ${unionType} but its vtable ends before the value`);
  }

  /** One present field (for a union, `at` is -1 when the value is absent). */
  private field(table: TableName, field: FieldLayout, pos: number, at: number, room: number, unionType: number, depth: number): void {
    switch (field[1]) {
      case 'scalar': {
        const size = field[2];
        if (size > room) this.fail(`${size}-byte field runs past the end of its table`);
        this.aligned(pos, size, 'field');
        this.visit?.({ kind: 'scalar', pos, size, table, field: field[0] });
        return;
      }
      case 'deprecated':
        return;
      case 'union': {
        const members = TFLITE_UNIONS[field[2]];
        if (at < 0) {
          if (unionType !== 0) this.fail(`union type ${unionType} (${members[unionType] ?? 'unknown'}) but no value`);
          return;
        }
        if (unionType === 0) this.fail('union value present but its type is NONE');
        this.offsetField(room);
        const target = this.offset(at);
        const member = members[unionType];
        if (member) this.table(target, member, depth + 1); // an unknown newer type: not read by anyone
        return;
      }
      case 'table':
        this.offsetField(room);
        this.table(this.offset(pos), field[2], depth + 1);
        return;
      case 'string':
        this.offsetField(room);
        this.string(this.offset(pos));
        return;
      case 'vector': {
        this.offsetField(room);
        const start = this.offset(pos);
        const count = this.vector(start, field[2]);
        this.visit?.({ kind: 'elements', pos: start + 4, size: field[2], count, table, field: field[0] });
        return;
      }
      case 'vector-string':
        this.offsetField(room);
        this.elements(this.offset(pos), table, field[0], (target) => this.string(target));
        return;
      case 'vector-table': {
        const name = field[2];
        this.offsetField(room);
        this.elements(this.offset(pos), table, field[0], (target) => this.table(target, name, depth + 1));
        return;
      }
      case 'union-type':
        return; // handled by the caller
    }
  }

  /** A vector of offsets: checks it, then each element's target. */
  private elements(start: number, table: TableName, field: string, each: (target: number) => void): void {
    const count = this.vector(start, 4);
    this.visit?.({ kind: 'offsets', pos: start + 4, size: 4, count, table, field });
    for (let i = 0; i < count; i++) {
      this.path.push(i);
      each(this.offset(start + 4 + 4 * i));
      this.path.pop();
    }
  }

  private offsetField(room: number): void {
    if (room < 4) this.fail('offset field runs past the end of its table');
  }

  /** Checks a vector's length prefix and extent; returns its element count. */
  private vector(pos: number, elemSize: number): number {
    this.aligned(pos, 4, 'vector');
    this.inFile(pos, 4, 'vector');
    this.visit?.({ kind: 'length', pos, size: 4 });
    const count = this.view.getUint32(pos, true);
    if (count > (this.length - pos - 4) / elemSize) {
      this.fail(`vector of ${count} × ${elemSize} bytes at byte ${pos} runs past the end of the ${this.length}-byte file`);
    }
    if (elemSize > 4) this.aligned(pos + 4, elemSize, `vector of ${elemSize}-byte elements`);
    this.charge(4 + count * elemSize);
    return count;
  }

  private string(pos: number): void {
    this.aligned(pos, 4, 'string');
    this.inFile(pos, 4, 'string');
    this.visit?.({ kind: 'length', pos, size: 4 });
    const length = this.view.getUint32(pos, true);
    if (length > this.length - pos - 5) this.fail(`string of ${length} bytes at byte ${pos} runs past the end of the ${this.length}-byte file`);
    if (this.view.getUint8(pos + 4 + length) !== 0) this.fail(`string at byte ${pos} is not NUL-terminated`);
    this.charge(5 + length);
  }
}
