import { LowRankError } from '../core/errors.js';
import { assertFinite, type Matrix } from '../core/matrix.js';
import type { AdamHyperParameters } from './factorization.js';

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
  checkNonEmpty(a, what);
  assertFinite(a, what);
}

/**
 * The shape half of {@link checkInputMatrix}, for methods whose own first pass over A tells
 * whether it is finite (a sum of squares is NaN or ±Inf when an entry is).
 * @throws {@link LowRankError} `E_SHAPE` for an empty matrix.
 */
export function checkNonEmpty(a: Matrix, what = 'input matrix'): void {
  if (a.rows === 0 || a.cols === 0) {
    throw new LowRankError('E_SHAPE', `${what} is empty (${a.rows}×${a.cols})`);
  }
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

/** Adam's default β₁, β₂: PyTorch's (and Kingma & Ba 2015, Alg. 1). */
export const DEFAULT_ADAM_BETAS: readonly [number, number] = [0.9, 0.999];
/** Adam's default ε: PyTorch's (1e-8, Kingma & Ba 2015, Alg. 1). */
export const DEFAULT_ADAM_EPS = 1e-8;

/**
 * Adam's β₁, β₂, ε and the momentum of SGD, defaults filled in ({@link DEFAULT_ADAM_BETAS},
 * {@link DEFAULT_ADAM_EPS}, `defaultMomentum`) and checked: β₁, β₂ and the momentum in [0, 1),
 * ε > 0 and finite. Shared by the gradient methods.
 * @throws {@link LowRankError} `E_ARG` naming the parameter.
 * @example
 * ```ts
 * const { beta1, beta2, eps, momentum } = checkAdamHyperParameters(options, 0.9);
 * ```
 */
export function checkAdamHyperParameters(
  options: AdamHyperParameters & { momentum?: number },
  defaultMomentum: number,
): { beta1: number; beta2: number; eps: number; momentum: number } {
  const [beta1, beta2] = options.betas ?? DEFAULT_ADAM_BETAS;
  const eps = options.eps ?? DEFAULT_ADAM_EPS;
  const momentum = options.momentum ?? defaultMomentum;
  for (const [name, v] of [['beta1', beta1], ['beta2', beta2], ['momentum', momentum]] as const) {
    if (!(v >= 0 && v < 1)) throw new LowRankError('E_ARG', `${name} must be in [0, 1), got ${v}`);
  }
  checkPositive('eps', eps);
  return { beta1, beta2, eps, momentum };
}
