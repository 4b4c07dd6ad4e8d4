// Typed reads of parsed JSON (device profiles, bundle manifests, edgeqat.config.json): each bad
// value is one line naming the file, the key path and the expected type, e.g.
// `edgeqat.config.json: deploy.port: expected an integer in 1..65535, got "22x"`. Unknown keys are
// errors too (a typo would otherwise be ignored silently).
import { EdgeqatError, type ErrorCode } from './errors.js';

export class JsonFields {
  private constructor(
    /** What the JSON came from (a file path), first in every message. */
    readonly where: string,
    private readonly code: ErrorCode,
    private readonly obj: Record<string, unknown>,
    /** Key path of this object inside the document ('' at the root). */
    readonly path: string,
  ) {}

  /** The document's root, which must be a JSON object. */
  static root(value: unknown, where: string, code: ErrorCode): JsonFields {
    if (!isPlainObject(value)) throw new EdgeqatError(code, `${where}: expected a JSON object, got ${describe(value)}`);
    return new JsonFields(where, code, value, '');
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.obj, key) && this.obj[key] !== undefined;
  }

  /** Fails on the first key not in `known`. */
  onlyKeys(known: readonly string[]): this {
    for (const key of Object.keys(this.obj)) {
      if (!known.includes(key)) this.fail(key, `unknown key (known: ${known.join(', ')})`);
    }
    return this;
  }

  string(key: string): string {
    return this.check(key, 'a non-empty string', (v) => typeof v === 'string' && v !== '') as string;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  integer(key: string, min = -Infinity, max = Infinity): number {
    return this.check(key, rangeText('an integer', min, max), (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max) as number;
  }

  optionalInteger(key: string, min = -Infinity, max = Infinity): number | undefined {
    return this.has(key) ? this.integer(key, min, max) : undefined;
  }

  number(key: string, min = -Infinity, max = Infinity): number {
    return this.check(key, rangeText('a number', min, max), (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) as number;
  }

  optionalNumber(key: string, min = -Infinity, max = Infinity): number | undefined {
    return this.has(key) ? this.number(key, min, max) : undefined;
  }

  positiveNumber(key: string): number {
    return this.check(key, 'a number > 0', (v) => typeof v === 'number' && Number.isFinite(v) && v > 0) as number;
  }

  boolean(key: string): boolean {
    return this.check(key, 'true or false', (v) => typeof v === 'boolean') as boolean;
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T {
    return this.check(key, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, (v) => typeof v === 'string' && (choices as readonly string[]).includes(v)) as T;
  }

  optionalOneOf<T extends string>(key: string, choices: readonly T[]): T | undefined {
    return this.has(key) ? this.oneOf(key, choices) : undefined;
  }

  /** A non-empty array of integers in min..max. */
  integerArray(key: string, min = -Infinity, max = Infinity): number[] {
    const ok = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => Number.isSafeInteger(x) && x >= min && x <= max);
    return this.check(key, `a non-empty array of ${rangeText('integers', min, max)}`, ok) as number[];
  }

  object(key: string): JsonFields {
    const v = this.check(key, 'a JSON object', isPlainObject) as Record<string, unknown>;
    return new JsonFields(this.where, this.code, v, this.keyPath(key));
  }

  optionalObject(key: string): JsonFields | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** The raw value, for fields with a union type checked by the caller (then call fail()). */
  raw(key: string): unknown {
    return this.obj[key];
  }

  fail(key: string, problem: string): never {
    throw new EdgeqatError(this.code, `${this.where}: ${this.keyPath(key)}: ${problem}`);
  }

  /** `expected <what>, got <value>` for `key`. */
  expected(key: string, what: string): never {
    this.fail(key, `${this.has(key) ? '' : 'missing; '}expected ${what}${this.has(key) ? `, got ${describe(this.obj[key])}` : ''}`);
  }

  private keyPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  private check(key: string, what: string, ok: (v: unknown) => boolean): unknown {
    const v = this.obj[key];
    if (!ok(v)) this.expected(key, what);
    return v;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of a JSON value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Parses JSON text; a syntax error is one line naming `where`. */
export function parseJson(text: string, where: string, code: ErrorCode): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EdgeqatError(code, `${where}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

function rangeText(what: string, min: number, max: number): string {
  if (min === -Infinity && max === Infinity) return what;
  if (max === Infinity) return `${what} ≥ ${min}`;
  if (min === -Infinity) return `${what} ≤ ${max}`;
  return `${what} in ${min}..${max}`;
}
