// Adam's state in the memory of the SIMD Adam module (kernels/simd/adam.wat): per variable one
// block of four float32 arrays — parameters, first and second moments, gradient — each 16-byte
// aligned and padded to a multiple of 4 values, so the kernel runs whole vectors with no tail.
// Views are made on demand: growing the memory detaches every earlier view.
import { adamWasm } from '../kernels/simd/generated/adam-wasm.js';

interface AdamExports {
  memory: WebAssembly.Memory;
  adam(p: number, m: number, v: number, g: number, n: number, b1: number, c1: number, b2: number, c2: number, step: number, sqrtBc2: number, eps: number): void;
}

export interface AdamBlock {
  /** Values per array. */
  n: number;
  /** Byte offset of the parameters; moments and gradient follow at `stride` bytes each. */
  offset: number;
  stride: number;
}

export class AdamMemory {
  private readonly wasm: AdamExports;
  private top = 16;

  constructor() {
    const module = new WebAssembly.Module(Buffer.from(adamWasm, 'base64'));
    this.wasm = new WebAssembly.Instance(module).exports as unknown as AdamExports;
  }

  /** A zeroed block for a variable of n values. */
  allocate(n: number): AdamBlock {
    const stride = Math.ceil(n / 4) * 16;
    const block = { n, offset: this.top, stride };
    this.top += 4 * stride;
    const have = this.wasm.memory.buffer.byteLength;
    if (this.top > have) this.wasm.memory.grow(Math.ceil((this.top - have) / 65536)); // new pages are zero
    return block;
  }

  params(b: AdamBlock): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, b.offset, b.n);
  }

  m(b: AdamBlock): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, b.offset + b.stride, b.n);
  }

  v(b: AdamBlock): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, b.offset + 2 * b.stride, b.n);
  }

  grad(b: AdamBlock): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, b.offset + 3 * b.stride, b.n);
  }

  /** One update of the block from the gradient already in grad(b). */
  step(b: AdamBlock, b1: number, b2: number, stepSize: number, sqrtBc2: number, eps: number): void {
    const { offset: o, stride: s } = b;
    this.wasm.adam(o, o + s, o + 2 * s, o + 3 * s, Math.ceil(b.n / 4) * 4, b1, 1 - b1, b2, 1 - b2, stepSize, sqrtBc2, eps);
  }
}
