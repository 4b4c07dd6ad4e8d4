// The message the verifier throws for a model, checked to be one line with the expected code;
// fails the test when the verifier accepts the model.
import { expect } from 'vitest';
import { EdgeqatError } from '../../runtime/errors.js';
import { verifyTfliteModel, type VerifyOptions } from '../../runtime/verifier/index.js';

export function verifierProblem(bytes: Uint8Array, label: string, code: string, options: VerifyOptions = {}): string {
  try {
    verifyTfliteModel(bytes, label, options);
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeqatError);
    expect((e as EdgeqatError).code).toBe(code);
    expect((e as EdgeqatError).message).not.toMatch(/[\r\n]/);
    return (e as EdgeqatError).message;
  }
  throw new Error('the verifier accepted the model');
}
