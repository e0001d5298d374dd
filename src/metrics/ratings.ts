import type { CooMatrix } from '../core/sparse.js';
import type { Biases } from '../methods/factorization.js';
import { errorSums, transposeData, type RatingModel } from '../methods/rating-model.js';

/** Errors of predictions over a set of observed entries. */
export interface RatingErrors {
  /** Root-mean-square error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /** Number of entries (NaN errors when 0). */
  count: number;
}

/**
 * RMSE and MAE of a model's predictions (clipped to `model.range` unless `clip` is false) over the
 * entries of `data` — held-out ratings, or the training ones.
 *
 * @example
 * ```ts
 * const { rmse, mae } = ratingErrors({ ...f, range: [1, 5] }, test);
 * ```
 */
export function ratingErrors(model: RatingModel, data: CooMatrix, clip = true): RatingErrors {
  const k = model.U.cols;
  const w = transposeData(model.V);
  const s = errorSums(model.U.data, w, k, model.biases ?? null, data, clip && model.range ? model.range : null);
  return { rmse: Math.sqrt(s.sse / s.count), mae: s.sae / s.count, count: s.count };
}

/**
 * RMSE and MAE of a bias-only predictor μ + b_u + b_i (a baseline) over `data`, clipped to `range`.
 * @example
 * ```ts
 * biasErrors(globalMeanBaseline(train), test).rmse;
 * ```
 */
export function biasErrors(biases: Biases, data: CooMatrix, range: readonly [number, number] | null = null): RatingErrors {
  const none = new Float64Array(0);
  const s = errorSums(none, none, 0, biases, data, range);
  return { rmse: Math.sqrt(s.sse / s.count), mae: s.sae / s.count, count: s.count };
}
