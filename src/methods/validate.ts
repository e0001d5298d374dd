import { LowRankError } from '../core/errors.js';
import { assertFinite, type Matrix } from '../core/matrix.js';

/**
 * Checks a target rank against an n×m matrix.
 * @throws {@link LowRankError} `E_ARG` unless k is an integer in [1, min(n, m)].
 */
export function checkRank(k: number, n: number, m: number): void {
  const max = Math.min(n, m);
  if (!Number.isInteger(k) || k < 1 || k > max) {
    throw new LowRankError('E_ARG', `rank must be an integer in [1, ${max}] for a ${n}×${m} matrix, got ${k}`);
  }
}

/**
 * Checks that a number is finite and > 0 (or ≥ 0 with `allowZero`).
 * @throws {@link LowRankError} `E_ARG` naming the parameter.
 */
export function checkPositive(name: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new LowRankError('E_ARG', `${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${value}`);
  }
}

/**
 * Checks that a number is an integer ≥ `min`.
 * @throws {@link LowRankError} `E_ARG` naming the parameter.
 */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new LowRankError('E_ARG', `${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/**
 * Common input checks of every method: a non-empty matrix of finite numbers.
 * @throws {@link LowRankError} `E_SHAPE` for an empty matrix, `E_NONFINITE` for NaN/Inf.
 */
export function checkInputMatrix(a: Matrix, what = 'input matrix'): void {
  if (a.rows === 0 || a.cols === 0) {
    throw new LowRankError('E_SHAPE', `${what} is empty (${a.rows}×${a.cols})`);
  }
  assertFinite(a, what);
}

/**
 * Checks that a string option is one of `choices`.
 * @throws {@link LowRankError} `E_ARG` naming the option and the choices.
 */
export function checkChoice<T extends string>(name: string, value: T, choices: readonly T[]): T {
  if (!choices.includes(value)) {
    throw new LowRankError('E_ARG', `${name} must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}, got '${String(value)}'`);
  }
  return value;
}
