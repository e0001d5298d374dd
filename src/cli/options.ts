import { LowRankError } from '../core/errors.js';

/** Parses an integer flag value; `E_ARG` naming the flag otherwise. */
export function intOption(flag: string, min = -Infinity): (value: string) => number {
  return (value: string) => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isInteger(x) || x < min) {
      throw new LowRankError('E_ARG', `${flag} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got '${value}'`);
    }
    return x;
  };
}

/** Parses a finite number flag value; `E_ARG` naming the flag otherwise. */
export function numberOption(flag: string): (value: string) => number {
  return (value: string) => {
    const x = Number(value);
    if (value.trim() === '' || !Number.isFinite(x)) {
      throw new LowRankError('E_ARG', `${flag} must be a finite number, got '${value}'`);
    }
    return x;
  };
}

/** Parses a flag value that must be one of `choices`. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new LowRankError('E_ARG', `${flag} must be one of ${choices.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}
