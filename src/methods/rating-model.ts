import { LowRankError } from '../core/errors.js';
import type { FloatArray, Matrix } from '../core/matrix.js';
import type { CooMatrix } from '../core/sparse.js';
import type { Biases } from './factorization.js';

/**
 * What predicts an entry of a matrix with holes: factors U (n×k) and V (k×m), optional biases
 * (global mean, per-row and per-column terms) and an optional clipping range. A
 * {@link Factorization} is one (without a range); a model loaded from disk is another.
 *
 * Prediction for (i, j): `global + user[i] + item[j] + U[i,:]·V[:,j]`, clipped to `range`.
 */
export interface RatingModel {
  /** n×k. */
  U: Matrix;
  /** k×m. */
  V: Matrix;
  /** Additive terms, when the model has them. */
  biases?: Biases;
  /** `[min, max]` of the training ratings: predictions are clipped to it (as Surprise and Spark users do). */
  range?: readonly [number, number];
  /**
   * The items each user rated (or interacted with): `recommendForUser` leaves them out unless
   * asked to keep them. A `CsrMatrix` of the ratings is one.
   */
  seen?: SeenItems;
}

/**
 * Which items each of n users has seen, as the pattern of a CSR matrix: user i's items are
 * `indices[indptr[i] .. indptr[i + 1])`, ascending, each in [0, m). `indptr` has length n + 1,
 * `indptr[0] = 0` and `indptr[n] = indices.length`.
 */
export interface SeenItems {
  /** Row pointers, length n + 1. */
  indptr: Int32Array;
  /** Item (column) indices, ascending within each user. */
  indices: Int32Array;
}

/**
 * Predicts one entry, clipped to `model.range` unless `clip` is false.
 * @throws {@link LowRankError} `E_ARG` when i or j is out of range.
 * @example
 * ```ts
 * predictRating({ U, V, range: [1, 5] }, 3, 7); // a rating in [1, 5]
 * ```
 */
export function predictRating(model: RatingModel, i: number, j: number, clip = true): number {
  const { U, V } = model;
  if (!Number.isInteger(i) || i < 0 || i >= U.rows) throw new LowRankError('E_ARG', `row (user) index ${i} is outside [0, ${U.rows})`);
  if (!Number.isInteger(j) || j < 0 || j >= V.cols) throw new LowRankError('E_ARG', `column (item) index ${j} is outside [0, ${V.cols})`);
  return predictWithRow(model, U.data.subarray(i * U.cols, (i + 1) * U.cols), model.biases ? model.biases.user[i] : 0, j, clip);
}

/**
 * Predicts column j for a row given by its factor vector (length k) and bias — a row that is not
 * in U, such as a folded-in user. Clipped to `model.range` unless `clip` is false.
 */
export function predictWithRow(model: RatingModel, u: ArrayLike<number>, userBias: number, j: number, clip = true): number {
  const { V } = model;
  const k = V.rows;
  const m = V.cols;
  let s = 0;
  for (let l = 0; l < k; l++) s += u[l] * V.data[l * m + j];
  if (model.biases) s += model.biases.global + userBias + model.biases.item[j];
  return clip && model.range ? Math.min(model.range[1], Math.max(model.range[0], s)) : s;
}

/**
 * Predicts the entries (rows[e], cols[e]) of a model, clipped to `model.range` unless `clip` is false.
 * @returns a Float64Array of predictions, one per entry.
 * @throws {@link LowRankError} `E_SHAPE` when an index is outside the model.
 */
export function predictEntries(model: RatingModel, rows: Int32Array, cols: Int32Array, clip = true): Float64Array {
  const { U, V } = model;
  const k = U.cols;
  const w = transposeData(V);
  const out = new Float64Array(rows.length);
  const range = clip && model.range ? model.range : null;
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e];
    const j = cols[e];
    if (i < 0 || i >= U.rows || j < 0 || j >= V.cols) {
      throw new LowRankError('E_SHAPE', `entry ${e} at (${i}, ${j}) is outside the model's ${U.rows}×${V.cols}`);
    }
    out[e] = predictOne(U.data, w, k, model.biases ?? null, i, j, range);
  }
  return out;
}

/** Sums of squared and absolute errors over entries, and their count. */
export interface ErrorSums {
  /** Σ (prediction − value)². */
  sse: number;
  /** Σ |prediction − value|. */
  sae: number;
  /** Number of entries. */
  count: number;
}

/**
 * Squared and absolute prediction errors over the entries of `data`, with factors in the
 * row-major layouts the methods train in: `u` n×k and `w` m×k (V transposed). Internal to the
 * methods (progress on validation data) and to `metrics/ratings`.
 */
export function errorSums(u: FloatArray, w: FloatArray, k: number, biases: Biases | null, data: CooMatrix, range: readonly [number, number] | null): ErrorSums {
  let sse = 0;
  let sae = 0;
  const { row, col, values } = data;
  for (let e = 0; e < values.length; e++) {
    const d = predictOne(u, w, k, biases, row[e], col[e], range) - values[e];
    sse += d * d;
    sae += Math.abs(d);
  }
  return { sse, sae, count: values.length };
}

/** The k×m data of V as an m×k row-major array (item vectors contiguous). */
export function transposeData(v: Matrix): FloatArray {
  const t = v.transpose();
  return t.data;
}

function predictOne(u: FloatArray, w: FloatArray, k: number, biases: Biases | null, i: number, j: number, range: readonly [number, number] | null): number {
  const ui = i * k;
  const wj = j * k;
  let s = 0;
  for (let l = 0; l < k; l++) s += u[ui + l] * w[wj + l];
  if (biases) s += biases.global + biases.user[i] + biases.item[j];
  if (range) s = s < range[0] ? range[0] : s > range[1] ? range[1] : s;
  return s;
}

/** `[min, max]` of a set of values, or null when there are none. */
export function valueRange(values: ArrayLike<number>): [number, number] | null {
  if (values.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (let e = 0; e < values.length; e++) {
    const v = values[e];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * How a prediction was made: by the model (`model`), or for a cold-start pair by a fallback —
 * `item` (unknown user: μ + b_i), `user` (unknown item: μ + b_u) or `global` (both unknown: μ).
 */
export type PredictionSource = 'model' | 'item' | 'user' | 'global';

/**
 * Predicts (i, j) where either index may be −1 (a user or item the model has never seen): a
 * known pair gets the model's prediction; a cold-start pair falls back to the biases the model
 * has — μ + b_i for an unknown user, μ + b_u for an unknown item, μ for both (0 without biases,
 * clipped to `model.range`) — as Surprise does for unknown users and items.
 *
 * @throws {@link LowRankError} `E_ARG` when an index is below −1 or past the model's shape.
 * @example
 * ```ts
 * predictOrFallback(model, -1, 7); // { value: μ + b_7, source: 'item' }
 * ```
 */
export function predictOrFallback(model: RatingModel, i: number, j: number, clip = true): { value: number; source: PredictionSource } {
  if (i >= 0 && j >= 0) return { value: predictRating(model, i, j, clip), source: 'model' };
  const { U, V, biases } = model;
  if (i >= U.rows || j >= V.cols || i < -1 || j < -1) throw new LowRankError('E_ARG', `pair (${i}, ${j}) is outside the model's ${U.rows}×${V.cols}`);
  let s = biases ? biases.global : 0;
  if (biases && i >= 0) s += biases.user[i];
  if (biases && j >= 0) s += biases.item[j];
  const source: PredictionSource = i >= 0 ? 'user' : j >= 0 ? 'item' : 'global';
  return { value: clip && model.range ? Math.min(model.range[1], Math.max(model.range[0], s)) : s, source };
}
