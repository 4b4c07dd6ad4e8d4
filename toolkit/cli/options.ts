// Option parsers for commander: each turns a bad value into one E_OPTION line naming the option.
import { EdgeqatError } from '../../runtime/errors.js';

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new EdgeqatError('E_OPTION', `${flag} must be a positive integer, got '${value}'`);
    }
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new EdgeqatError('E_OPTION', `${flag} must be a non-negative integer, got '${value}'`);
    }
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new EdgeqatError('E_OPTION', `${flag} must be a positive number, got '${value}'`);
    }
    return n;
  };
}

/** A number strictly between 0 and 1 (a share of the samples). */
export function fraction(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) {
      throw new EdgeqatError('E_OPTION', `${flag} must be a fraction between 0 and 1 (exclusive), got '${value}'`);
    }
    return n;
  };
}

export function oneOf<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new EdgeqatError('E_OPTION', `${flag} must be one of ${choices.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

export function numberIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new EdgeqatError('E_OPTION', `${flag} must be a number in ${min}..${max}, got '${value}'`);
    }
    return n;
  };
}

/** An integer in min..max. */
export function intIn(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new EdgeqatError('E_OPTION', `${flag} must be an integer in ${min}..${max}, got '${value}'`);
    }
    return n;
  };
}
