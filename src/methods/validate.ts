import { LowRankError } from '../core/errors.js';
import { assertFinite, type DType, type Matrix } from '../core/matrix.js';
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
 * Range of the largest |value| a method that squares its data (losses, normal equations) accepts,
 * per dtype of its arithmetic: [2⁻⁴⁸⁰, 2⁴⁸⁰] ≈ [3e−145, 3e144] in float64, so that squares and
 * their sums (up to 2⁶⁰ of them) neither overflow nor underflow; [2⁻⁷⁰, 2¹²⁵] ≈ [8e−22, 4e37] in
 * float32, whose products hold the values themselves (the losses are summed in float64): the
 * values and U·V's overshoot of them must fit float32's 3.4e38.
 */
export const SQUARABLE_RANGE: Readonly<Record<DType, readonly [number, number]>> = {
  float64: [2 ** -480, 2 ** 480],
  float32: [2 ** -70, 2 ** 125],
};

/**
 * Refuses a ‖A‖_F beyond float64's range (finite entries whose sum of squares is not), where the
 * caller reads figures off it: `E_UNSUPPORTED`, "`prefix`‖A‖_F of the rows×cols `what` is beyond
 * float64's range`why`: `hint`".
 *
 * @example
 * ```ts
 * checkNormInRange(normA, a.rows, a.cols, { prefix: 'spectrum: ' });
 * ```
 */
export function checkNormInRange(
  normA: number, rows: number, cols: number,
  o: { prefix?: string; what?: string; why?: string; hint?: string } = {},
): void {
  if (normA !== Infinity) return;
  throw new LowRankError('E_UNSUPPORTED', `${o.prefix ?? ''}‖A‖_F of the ${rows}×${cols} ${o.what ?? 'matrix'} is beyond float64's range${o.why ?? ''}: ${o.hint ?? 'scale the data down'}`);
}

/**
 * Refuses data whose squares `dtype` cannot hold, for methods that square it: the largest |value|
 * outside {@link SQUARABLE_RANGE} (an all-zero input passes). Without it such data overflows into
 * ∞ losses ("lower the learning rate"), non-positive-definite normal matrices ("use reg > 0"), or
 * underflows into losses of 0 that pass every check while the factors fit nothing.
 *
 * @param what the data in messages, e.g. `ratings` or `input matrix`.
 * @param method the method in messages, e.g. `ALS`.
 * @param lower also refuse values below the range (default true; false where the method's own
 *   checks already refuse what underflow spoils, as the dense gradient's final-loss check does).
 * @throws {@link LowRankError} `E_UNSUPPORTED` naming the largest |value|, the range and the remedy.
 * @example
 * ```ts
 * checkSquarable(r.values, 'float64', 'ratings', 'ALS'); // throws for ratings of 1e160
 * ```
 */
export function checkSquarable(values: ArrayLike<number>, dtype: DType, what: string, method: string, lower = true): void {
  let big = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v > big) big = v;
  }
  const [lo, hi] = SQUARABLE_RANGE[dtype];
  if (big > hi || (lower && big > 0 && big < lo)) {
    const shift = Math.round(Math.log2(big));
    throw new LowRankError('E_UNSUPPORTED', `${what}: the largest |value| is ${big.toExponential(3)}, but ${method} squares the values in ${dtype}, which holds them only for magnitudes in [${lo.toExponential(0)}, ${hi.toExponential(0)}]: rescale the values (e.g. multiply by 2^${-shift})`);
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
