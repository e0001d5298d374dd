import type { CooMatrix } from '../core/sparse.js';
import type { Biases } from '../methods/factorization.js';
import { errorSums, predictOrFallback, transposeData, type RatingModel } from '../methods/rating-model.js';

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

/** Ratings to score whose user or item may be unknown to the model (index −1), as {@link UnknownRatings} holds them. */
export interface ColdStartRatings {
  row: Int32Array;
  col: Int32Array;
  values: Float64Array;
}

/** Errors of a model over a test set with cold-start pairs. */
export interface TestSetErrors {
  /** Over every test rating, cold-start ones predicted by their fallback. */
  all: RatingErrors;
  /** Over the ratings whose user and item the model knows. */
  known: RatingErrors;
  /** Cold-start ratings predicted from the item bias (unknown user), the user bias (unknown item) and the global mean (both). */
  fallbacks: { item: number; user: number; global: number };
}

/**
 * Scores a test set against a model: the known entries by the model, the cold-start ones by
 * {@link predictOrFallback} — so every test rating counts, as in a recommender's real use.
 *
 * @example
 * ```ts
 * const t = parseRatings(text, { userIndex, itemIndex, unknown: 'keep' });
 * scoreTestSet(model, t.entries, t.unknown).all.rmse;
 * ```
 */
export function scoreTestSet(model: RatingModel, known: CooMatrix, coldStart?: ColdStartRatings, clip = true): TestSetErrors {
  const k = model.U.cols;
  const w = transposeData(model.V);
  const s = errorSums(model.U.data, w, k, model.biases ?? null, known, clip && model.range ? model.range : null);
  const fallbacks = { item: 0, user: 0, global: 0 };
  let sse = s.sse;
  let sae = s.sae;
  const c = coldStart ?? { row: new Int32Array(0), col: new Int32Array(0), values: new Float64Array(0) };
  for (let e = 0; e < c.values.length; e++) {
    const p = predictOrFallback(model, c.row[e], c.col[e], clip);
    if (p.source !== 'model') fallbacks[p.source]++;
    const d = p.value - c.values[e];
    sse += d * d;
    sae += Math.abs(d);
  }
  const count = s.count + c.values.length;
  return {
    all: { rmse: Math.sqrt(sse / count), mae: sae / count, count },
    known: { rmse: Math.sqrt(s.sse / s.count), mae: s.sae / s.count, count: s.count },
    fallbacks,
  };
}
