// The QAT layer classes; importing this registers them for (de)serialization.
export { QuantizeStub } from './quantize-stub.js';
export { QuantizeWrapper } from './quantize-wrapper.js';
export { DequantizeStub } from './dequantize-stub.js';
